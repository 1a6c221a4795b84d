#!/usr/bin/env bash
# spicecap off this machine's full set-up, each in a Debian 12 chroot of its
# own (scripts/chroot-lib.sh), as root:
#   minimal  only the packages the README lists for the validator and the
#            generator (no Wireshark, no test tools): configure with
#            -DBUILD_TESTING=OFF (the plugin is AUTO: off), build, then
#            - validate every fixture: the --json report equals the one of
#              REFERENCE_BUILD's validator (run here, on the same paths);
#            - regenerate the fixture corpus with that build's generator
#              (fixtures/regenerate.sh): byte-identical to fixtures/.
#   arm64    a cross build for aarch64 (gcc-aarch64-linux-gnu, the arm64
#            -dev packages, cmake/aarch64-linux-gnu.cmake), compile and link
#            only: the binaries are AArch64, and the AVX2 checksum is not in
#            them (its intrinsics are guarded to x86-64).
# Usage: scripts/portability.sh REFERENCE_BUILD [minimal] [arm64]
# (default both). Chroots live in $SPICECAP_MATRIX_DIR (default
# /var/tmp/spicecap-matrix), beside the Wireshark matrix's.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
reference=$(cd "$1" && pwd)
shift
dir=${SPICECAP_MATRIX_DIR:-/var/tmp/spicecap-matrix}
fresh=false
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(minimal arm64)
[ "$(id -u)" -eq 0 ] || exec sudo --preserve-env=SPICECAP_MATRIX_DIR bash "$0" "$reference" "$@"
. "$src/scripts/chroot-lib.sh"
mkdir -p "$dir"
exec 9>"$dir/lock"
flock 9

# The README's minimal set for the validator and the generator: keep both in step.
minimal=gcc,libc6-dev,make,cmake,pkg-config,python3,libglib2.0-dev,libjson-glib-dev,libzip-dev,zlib1g-dev
minimal+=,libspice-protocol-dev
cross=gcc-aarch64-linux-gnu,libc6-dev-arm64-cross,make,cmake,pkg-config,python3,libspice-protocol-dev
cross+=,libglib2.0-dev:arm64,libjson-glib-dev:arm64,libzip-dev:arm64,zlib1g-dev:arm64

build_minimal='
set -eu
cmake -S /src -B /build -DBUILD_TESTING=OFF >/tmp/configure.log 2>&1 || { cat /tmp/configure.log; exit 1; }
grep "spicecap .*: plugin" /tmp/configure.log
cmake --build /build -j2 >/tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }
/build/validate/spicecap-validate --version | head -1
'
build_arm64='
set -eu
cmake -S /src -B /build -DCMAKE_TOOLCHAIN_FILE=/src/cmake/aarch64-linux-gnu.cmake -DSPICECAP_PLUGIN=OFF \
  -DBUILD_TESTING=OFF >/tmp/configure.log 2>&1 || { cat /tmp/configure.log; exit 1; }
cmake --build /build -j2 >/tmp/build.log 2>&1 || { tail -30 /tmp/build.log; exit 1; }
for tool in /build/validate/spicecap-validate /build/synth/gen/spicecap-synth; do
  machine=$(aarch64-linux-gnu-readelf -h "$tool" | sed -n "s/^ *Machine: *//p")
  echo "${tool##*/}: $machine"
  [ "$machine" = AArch64 ] || { echo "FAIL: ${tool##*/} is not AArch64"; exit 1; }
  if aarch64-linux-gnu-nm "$tool" | grep -q avx2; then echo "FAIL: an AVX2 function in ${tool##*/}"; exit 1; fi
done
echo "arm64: built, no AVX2 code"
'

failed=0
for stage in "${stages[@]}"; do
  echo "=================== portability: $stage"
  start=$(date +%s)
  case $stage in
    minimal)
      root=$dir/bookworm-minimal
      make_chroot bookworm "$minimal" bookworm-minimal || { failed=1; continue; }
      rm -rf "$root/build"
      in_chroot "$root" bash -c "$build_minimal" || { echo "FAIL: the minimal build"; failed=1; continue; }
      # Every fixture, validated by both builds from the same paths (the
      # source tree is /src in the chroot: run both from a link of that name).
      ok=true checked=0
      work=$(mktemp -d)
      while IFS= read -r f; do
        (cd "$src" && "$reference/validate/spicecap-validate" --json "$f" >"$work/reference.json" 2>&1) || true
        in_chroot "$root" bash -c 'cd /src && /build/validate/spicecap-validate --json "$1"' x "$f" \
          >"$work/minimal.json" 2>&1 || true
        checked=$((checked + 1))
        cmp -s "$work/reference.json" "$work/minimal.json" || { echo "FAIL: $f: the reports differ"; ok=false; }
      done < <(cd "$src" && find fixtures -name '*.pcap' -o -name '*.zip' -o -name '*.pcapng.gz' | sort)
      echo "validated $checked fixtures with the minimal build: $($ok && echo "same reports" || echo "DIFFERENT")"
      # The corpus again, from the minimal build's generator.
      if in_chroot "$root" bash -c 'bash /src/fixtures/regenerate.sh /build/synth/gen/spicecap-synth /tmp/fixtures >/dev/null &&
          cd /tmp/fixtures && for f in $(find . -type f | sort); do cmp "$f" "/src/fixtures/$f" || exit 1; done &&
          echo "regenerated $(find . -type f | wc -l) fixture files with the minimal build: byte-identical"'; then :; else
        echo "FAIL: the minimal build's fixtures differ"; ok=false
      fi
      rm -rf "$work"
      $ok || failed=1
      ;;
    arm64)
      root=$dir/bookworm-arm64
      make_chroot bookworm "$cross" bookworm-arm64 amd64,arm64 || { failed=1; continue; }
      rm -rf "$root/build"
      in_chroot "$root" bash -c "$build_arm64" || { echo "FAIL: the arm64 cross build"; failed=1; }
      ;;
    *) echo "usage: $0 REFERENCE_BUILD [minimal] [arm64]" >&2; exit 2 ;;
  esac
  echo "== $stage: $(($(date +%s) - start)) s"
done
echo "portability: $([ "$failed" -eq 0 ] && echo passed || echo FAILED)"
exit "$failed"
