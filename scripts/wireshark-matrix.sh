#!/usr/bin/env bash
# The plugin on each Wireshark its users run: builds the project and runs the
# plugin's tshark tests against
#   4.0  Debian 12's packages, on this machine (scripts/deps.sh installs them)
#   4.4  Debian 13 (trixie), in a chroot
#   4.6  Debian unstable (sid), in a chroot; there the libFuzzer target of the
#        plugin (fuzz/, clang) is built and run for a short while too
#
# Usage: scripts/wireshark-matrix.sh [--fresh] [VERSION...]   (default: 4.0 4.4 4.6)
#   --fresh   make the chroots anew even when a matching one is there
#
# The chroots are made with mmdebstrap (variant apt: Essential and apt, plus the
# packages listed below) from this machine's own Debian mirror, the one its apt
# sources use for its release; sid's index may be past its Valid-Until date, so
# apt is told not to check it. They live in $SPICECAP_MATRIX_DIR (default
# /var/tmp/spicecap-matrix), with the build directories, and a chroot whose
# suite, mirror or package list differ from this script's is made again. The
# source tree is bound read-write at /src inside; each chroot builds in /build.
# Runs of this script wait for each other (a lock in that folder).
#
# In each version: the Debian packages are built, checked with lintian,
# installed, tested (the plugin's tshark tests against the installed plugin)
# and removed (scripts/package-check.sh). Before that, the whole project is built (ASan+UBSan build type, as
# scripts/test.sh does; the plugin itself is never sanitized), then ctest runs
# the plugin's tests: plugin_* (the fixtures against their manifests with the
# golden -V output, the message bodies, the real qemu session against the
# independent walk, the corruption run under ASan+UBSan) and
# fuzz_replay_plugin_dissect.
# Prints each step's wall time and, last, one line per version and a total
# line "N passed, N failed" (versions). Exit status 0 when every version passed.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${SPICECAP_MATRIX_DIR:-/var/tmp/spicecap-matrix}
fresh=false
versions=()
for arg in "$@"; do
  case $arg in
    --fresh) fresh=true ;;
    4.0 | 4.4 | 4.6) versions+=("$arg") ;;
    *) echo "usage: $0 [--fresh] [4.0] [4.4] [4.6]" >&2; exit 2 ;;
  esac
done
[ ${#versions[@]} -gt 0 ] || versions=(4.0 4.4 4.6)
# Chroots need root: as a user, the script runs itself again with sudo.
[ "$(id -u)" -eq 0 ] || exec sudo --preserve-env=SPICECAP_MATRIX_DIR bash "$0" "$@"
jobs=$(nproc)
[ "$jobs" -le 2 ] || jobs=2

# What the plugin's tests need, and no more: a compiler and cmake, the
# libraries the project builds against (the validator and generator are built
# too: the tests run them), tshark and its dev package, pytest.
packages=gcc,libc6-dev,make,cmake,pkg-config,python3,python3-pytest,libglib2.0-dev,libpcap-dev,libcunit1-dev
packages+=,libspice-protocol-dev,libjson-glib-dev,libzip-dev,zlib1g-dev,libwireshark-dev,tshark
# The Debian packages' build and checks (scripts/package-check.sh).
packages+=,build-essential,debhelper,help2man,lintian,man-db
fuzz_packages=clang,libclang-rt-dev # the newest version only: the libFuzzer build of fuzz/

mkdir -p "$dir"
exec 9>"$dir/lock"
flock 9

suite_of() { case $1 in 4.4) echo trixie ;; 4.6) echo sid ;; esac; }
elapsed() { echo $(($(date +%s) - $1)); }
# One step's wall time, for the summary and the log.
timings=()
timed() {
  local name=$1 start rc=0
  shift
  start=$(date +%s)
  "$@" || rc=$?
  timings+=("$name $(elapsed "$start") s")
  echo "== $name: $(elapsed "$start") s (exit $rc)"
  return "$rc"
}

# mirror, make_chroot SUITE PACKAGES, in_chroot ROOT COMMAND...
. "$src/scripts/chroot-lib.sh"

# The build and the plugin's tests, run where the version's Wireshark is:
# build_and_test SOURCE BUILD
build_and_test='
set -eu
src=$1 build=$2 jobs=$3
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Asan -DSPICECAP_CORRUPTION_VARIANTS=20 >"$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
echo "Wireshark $(pkg-config --modversion wireshark), tshark $(tshark -v | head -1)"
cmake --build "$build" -j"$jobs" >"$build.build.log" 2>&1 || { tail -40 "$build.build.log"; exit 1; }
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" -R "^(plugin_|fuzz_replay_plugin_dissect$)" --output-on-failure -j"$jobs"
'

# The libFuzzer target of the plugin, built with clang and run for a while
# (its seeds and saved regressions, then mutations): fuzz_plugin SOURCE BUILD
fuzz_plugin='
set -eu
src=$1 build=$2 jobs=$3 seconds=$4
CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Asan -DSPICECAP_FUZZ=ON >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j"$jobs" --target fuzz_plugin_dissect >"$build.build.log" 2>&1 || { tail -40 "$build.build.log"; exit 1; }
work=$(mktemp -d)
cd "$work"
ASAN_OPTIONS=abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$build/fuzz/fuzz_plugin_dissect" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -detect_leaks=0 -dict="$src/fuzz/dict/spice.dict" -print_final_stats=1 -artifact_prefix="$work/" \
  "$work" "$src/fuzz/corpus/plugin_dissect" "$src/fuzz/regressions/plugin_dissect" >"$work/fuzz.log" 2>&1 ||
  { tail -40 "$work/fuzz.log"; exit 1; }
grep -E "stat::number_of_executed_units|^#[0-9]+ +DONE" "$work/fuzz.log" | tail -2
'

results=()
failed=0
start_all=$(date +%s)
for v in "${versions[@]}"; do
  echo "=================== Wireshark $v"
  ok=true
  if [ "$v" = 4.0 ]; then
    timed "4.0 deps" bash "$src/scripts/deps.sh" || ok=false
    $ok && { timed "4.0 build and plugin tests" bash -c "$build_and_test" x "$src" "$dir/build-4.0" "$jobs" || ok=false; }
    $ok && { timed "4.0 Debian packages" bash "$src/scripts/package-check.sh" "$src" "$dir/build-4.0" "$dir/packages-4.0" ||
             ok=false; }
  else
    suite=$(suite_of "$v")
    pkgs=$packages
    [ "$v" != 4.6 ] || pkgs+=,$fuzz_packages
    timed "$v chroot ($suite)" make_chroot "$suite" "$pkgs" || ok=false
    if $ok; then
      actual=$(chroot "$dir/$suite" dpkg-query -W -f='${Version}' libwireshark-dev)
      case $actual in "$v".*) ;; *) echo "wireshark-matrix: $suite has Wireshark $actual, not $v" >&2; ok=false ;; esac
    fi
    $ok && { timed "$v build and plugin tests" in_chroot "$dir/$suite" bash -c "$build_and_test" x /src /build "$jobs" ||
             ok=false; }
    $ok && { timed "$v Debian packages" in_chroot "$dir/$suite" bash /src/scripts/package-check.sh /src /build /tmp/packages ||
             ok=false; }
    if $ok && [ "$v" = 4.6 ]; then
      timed "$v fuzz_plugin_dissect (clang, 60 s)" in_chroot "$dir/$suite" bash -c "$fuzz_plugin" x /src /build-fuzz \
        "$jobs" 60 || ok=false
    fi
  fi
  if $ok; then results+=("Wireshark $v: passed"); else results+=("Wireshark $v: FAILED"); failed=$((failed + 1)); fi
done

echo "=================== wireshark-matrix"
printf '%s\n' "${timings[@]}"
printf '%s\n' "${results[@]}"
echo "all: $(elapsed "$start_all") s"
echo "matrix: $((${#versions[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
