#!/usr/bin/env bash
# The Debian packages, built and checked as a user gets them, on the machine
# (or chroot) it runs on, as root:
#   1. dpkg-buildpackage -us -uc -b in a copy of the source tree (the tree
#      itself is left as it is), and lintian on the result: no error;
#   2. apt install ./*.deb;
#   3. the plugin's dependency is the libwireshark ABI package of the build
#      (libwireshark16 on 4.0, 18 on 4.4, 19 on 4.6);
#   4. tshark -G plugins, as root and as a plain user (uid 65534), lists the
#      plugins from the system folder with the project's version (spicecap.so
#      in epan/, spicecap_report.so in wiretap/);
#   5. man spicecap-validate and spicecap-synth; both tools' --version;
#   6. the plugin's tshark tests against the installed plugin (pytest with
#      --plugin installed; BUILD is a build tree of the same source, for the
#      validator and helpers the tests also run): every fixture dissected,
#      the bodies, the tools agreeing and the report zips. The slow walks of
#      ryll's output (test_ryll_output, the real session) ran against the
#      built plugin of the same source just before, in the same Wireshark:
#      here they would prove nothing more about the package and cost minutes;
#   7. apt remove: every file the packages installed is gone.
# The packages are removed again whatever happens (a trap), so a failed run
# leaves no plugin in the system folder.
#
# Usage: scripts/package-check.sh SOURCE BUILD WORK
#   SOURCE the source tree; BUILD a build tree of it (scripts/test.sh's);
#   WORK   a folder for the copy and the .debs (emptied first).
set -euo pipefail
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd) work=$3
[ "$(id -u)" -eq 0 ] || { echo "package-check: run as root (apt install)" >&2; exit 2; }
packages=(spicecap wireshark-plugin-spicecap)
rm -rf "$work"
mkdir -p "$work/spicecap"
tar -C "$src" --exclude=./.git --exclude='./build*' --exclude=./demo-output -cf - . | tar -C "$work/spicecap" -xf -
failed=0
fail() { echo "FAIL: $*"; failed=1; }
step() { echo "== package-check: $*"; }
remove_packages() { apt-get remove -y -qq "${packages[@]/%/-dbgsym}" "${packages[@]}" >/dev/null 2>&1 || true; }
trap remove_packages EXIT

step "the version: debian/changelog against CMakeLists.txt's project()"
deb_version=$(cd "$work/spicecap" && dpkg-parsechangelog -S Version)
cmake_version=$(sed -n 's/^project(spicecap VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
[ "$deb_version" = "$cmake_version" ] || fail "debian/changelog says $deb_version, CMakeLists.txt $cmake_version"

step "dpkg-buildpackage -us -uc -b"
start=$(date +%s)
if ! (cd "$work/spicecap" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1); then
  tail -40 "$work/build.log"
  echo "FAIL: dpkg-buildpackage (log: $work/build.log)"
  exit 1
fi
echo "built in $(($(date +%s) - start)) s: $(cd "$work" && echo ./*.deb)"

step "lintian (errors fail; warnings and infos are listed)"
lintian --display-info --pedantic "$work"/spicecap_*.changes >"$work/lintian.log" 2>&1 || true
cat "$work/lintian.log"
! grep -q '^E: ' "$work/lintian.log" || fail "lintian reports errors"

step "apt install ./*.deb"
(cd "$work" && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./*.deb >"$work/install.log" 2>&1) ||
  { cat "$work/install.log"; echo "FAIL: apt install"; exit 1; }

step "the plugin depends on its Wireshark's ABI package"
ws_version=$(pkg-config --modversion wireshark)
ws_major_minor=${ws_version%.*}
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
owner=$(dpkg-query -S "$(readlink -f "/usr/lib/$multiarch/libwireshark.so")" | cut -d: -f1)
case $ws_major_minor in # Debian's ABI packages, checked with apt-cache in each release
  4.0) expected=libwireshark16 ;;
  4.4) expected=libwireshark18 ;;
  4.6) expected=libwireshark19 ;;
  *) expected=$owner ;;
esac
depends=$(dpkg-query -W -f='${Depends}' wireshark-plugin-spicecap)
echo "Wireshark $ws_version, libwireshark.so from $owner; Depends: $depends"
[ "$owner" = "$expected" ] || fail "libwireshark.so is $owner's, not $expected's"
grep -q "$expected (<< ${ws_major_minor%.*}.$((${ws_major_minor#*.} + 1))~)" <<<"$depends" ||
  fail "the plugin does not depend on $expected below the next minor version"

step "tshark -G plugins, as root and as a plain user"
plugin_dir=$(pkg-config --variable=plugindir wireshark)/epan
for who in root user; do
  run=(env HOME="$work")
  [ $who = root ] || run=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent)
  line=$("${run[@]}" tshark -G plugins 2>/dev/null | grep '^spicecap\.so' || true)
  echo "$who: ${line:-nothing}"
  [[ $line == *"$cmake_version"*"$plugin_dir/spicecap.so" ]] || fail "tshark -G plugins as $who does not list $plugin_dir/spicecap.so $cmake_version"
  wiretap_dir=${plugin_dir%/epan}/wiretap
  line=$("${run[@]}" tshark -G plugins 2>/dev/null | grep '^spicecap_report\.so' || true)
  echo "$who: ${line:-nothing}"
  [[ $line == *"$cmake_version"*"$wiretap_dir/spicecap_report.so" ]] ||
    fail "tshark -G plugins as $who does not list $wiretap_dir/spicecap_report.so $cmake_version"
done

step "manual pages and --version"
for tool in spicecap-validate spicecap-synth; do
  page=$(man -w "$tool" 2>/dev/null || true)
  text=$(MANWIDTH=80 man "$tool" 2>/dev/null || true)
  if [ -z "$page" ] || ! grep -q "EXIT STATUS" <<<"$text" || ! grep -q -- "--version" <<<"$text"; then
    fail "man $tool: no page, or one without EXIT STATUS and --version (${page:-none})"
  else
    echo "man $tool: $page, $(wc -l <<<"$text") lines"
  fi
  first=$("$tool" --version | head -1)
  [ "$first" = "$tool (spicecap) $cmake_version" ] || fail "$tool --version says '$first'"
done

step "the plugin's tshark tests, against the installed plugin"
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
pytest=$(command -v pytest-3 || command -v pytest) || { echo "package-check: no pytest (python3-pytest)" >&2; exit 2; }
(cd "$work" && "$pytest" -q -rA --source-dir "$src" --build-dir "$build" --plugin installed --report-plugin installed \
  --wireshark-version "$ws_major_minor" \
  "$src/tests/plugin/test_dissect.py" "$src/tests/plugin/test_bodies.py" \
  "$src/tests/plugin/test_tools_agree.py" "$src/tests/plugin/test_report_zip.py") ||
  fail "plugin tests against the installed plugins"

step "apt remove leaves nothing behind"
installed_files=$(dpkg-query -L "${packages[@]}" | sort -u)
remove_packages
left=0
while IFS= read -r f; do
  [ -n "$f" ] || continue
  if [ -f "$f" ] || [ -L "$f" ]; then
    echo "left behind: $f"; left=1
  fi
done <<<"$installed_files"
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  case $status in "" | "un "*) ;; *) echo "$p still known to dpkg: '$status'"; left=1 ;; esac
done
[ -d "$plugin_dir" ] && [ -e "$plugin_dir/spicecap.so" ] && left=1
[ -e "${plugin_dir%/epan}/wiretap/spicecap_report.so" ] && left=1
[ "$left" -eq 0 ] || fail "apt remove left files behind"
echo "removed: $(wc -l <<<"$installed_files") paths checked"

[ "$failed" -eq 0 ] && echo "package-check: passed" || echo "package-check: FAILED"
exit "$failed"
