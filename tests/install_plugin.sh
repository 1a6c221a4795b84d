#!/usr/bin/env bash
# cmake --install puts spicecap.so (plugins/X.Y/epan) and spicecap_report.so
# (plugins/X.Y/wiretap) in the personal plugin folder of the user who runs
# the install, found when it runs (plugin/install_personal.cmake):
#   1. the caller, with HOME a temporary folder: there, byte for byte, and in
#      install_manifest.txt;
#   2. as root: under sudo (SUDO_USER nobody, into DESTDIR so that nothing
#      outside the temporary folder is touched): nobody's home, not root's,
#      and what was made there is nobody's;
#   3. as root: uid 65534 itself (setpriv), HOME a folder of its own, from a
#      build tree it cannot write: cmake -P of the plugin's install script.
# Usage: install_plugin.sh BUILD_DIR WIRESHARK_MAJOR_MINOR
set -euo pipefail
build=$1 version=$2
plugin=$build/plugin/spicecap.so
report=$build/plugin/report/spicecap_report.so
sub=.local/lib/wireshark/plugins/$version/epan
wsub=.local/lib/wireshark/plugins/$version/wiretap
[ -f "$plugin" ] || { echo "FAIL: no plugin at $plugin"; exit 1; }
[ -f "$report" ] || { echo "FAIL: no plugin at $report"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
failed=0
check() { # check WHAT FILE [OWNER]: FILE is the built plugin of its name
  local built=$plugin
  [ "$(basename "$2")" = spicecap_report.so ] && built=$report
  if [ ! -f "$2" ]; then
    echo "FAIL: $1: no $2"; failed=1; return
  fi
  if ! cmp -s "$built" "$2"; then
    echo "FAIL: $1: $2 differs from $built"; failed=1; return
  fi
  if [ $# -ge 3 ] && [ "$(stat -c %u:%g "$2")" != "$3" ]; then
    echo "FAIL: $1: $2 is $(stat -c %u:%g "$2"), not $3"; failed=1; return
  fi
  echo "ok: $1: $2"
}
clean_env=(env -u SUDO_USER -u SUDO_UID -u SUDO_GID -u DESTDIR)

# 1. The caller.
mkdir "$tmp/home"
"${clean_env[@]}" HOME="$tmp/home" cmake --install "$build" >"$tmp/1.log" 2>&1 || { cat "$tmp/1.log"; failed=1; }
check "install as $(id -un)" "$tmp/home/$sub/spicecap.so" "$(id -u):$(id -g)"
check "install as $(id -un)" "$tmp/home/$wsub/spicecap_report.so" "$(id -u):$(id -g)"
for f in "$tmp/home/$sub/spicecap.so" "$tmp/home/$wsub/spicecap_report.so"; do
  grep -qx "$f" "$build/install_manifest.txt" || { echo "FAIL: install_manifest.txt does not list $f"; failed=1; }
done

if [ "$(id -u)" -eq 0 ]; then
  # 2. sudo run by nobody: its home from the password database.
  nobody_home=$(getent passwd 65534 | cut -d: -f6)
  nobody_name=$(getent passwd 65534 | cut -d: -f1)
  mkdir "$tmp/dest"
  "${clean_env[@]}" HOME=/root DESTDIR="$tmp/dest" SUDO_USER="$nobody_name" SUDO_UID=65534 SUDO_GID=65534 \
    cmake --install "$build" >"$tmp/2.log" 2>&1 || { cat "$tmp/2.log"; failed=1; }
  check "sudo by $nobody_name" "$tmp/dest$nobody_home/$sub/spicecap.so" 65534:65534
  check "sudo by $nobody_name" "$tmp/dest$nobody_home/$wsub/spicecap_report.so" 65534:65534
  for d in "$tmp/dest$nobody_home"/.local "$tmp/dest$nobody_home/$sub" "$tmp/dest$nobody_home/$wsub"; do
    [ "$(stat -c %u "$d")" = 65534 ] || { echo "FAIL: sudo: $d is not nobody's"; failed=1; }
  done
  [ ! -e "$tmp/dest/root" ] || { echo "FAIL: sudo: installed under root's home"; failed=1; }

  # 3. uid 65534, from a tree it cannot write.
  if ! setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$build/plugin/cmake_install.cmake"; then
    echo "skipped: uid 65534 cannot read $build"
    [ "$failed" -eq 0 ] && echo "install_plugin: passed" || echo "install_plugin: FAILED"
    exit "$failed"
  fi
  mkdir "$tmp/nobody"
  chown 65534:65534 "$tmp/nobody"
  setpriv --reuid=65534 --regid=65534 --clear-groups "${clean_env[@]}" HOME="$tmp/nobody" \
    cmake -P "$build/plugin/cmake_install.cmake" >"$tmp/3.log" 2>&1 || { cat "$tmp/3.log"; failed=1; }
  check "install as uid 65534" "$tmp/nobody/$sub/spicecap.so" 65534:65534
  check "install as uid 65534" "$tmp/nobody/$wsub/spicecap_report.so" 65534:65534
else
  echo "skipped: the sudo and uid 65534 cases need root"
fi
[ "$failed" -eq 0 ] && echo "install_plugin: passed" || echo "install_plugin: FAILED"
exit "$failed"
