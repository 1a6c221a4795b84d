#!/usr/bin/env bash
# The test command: installs what is missing, builds with ASan+UBSan, runs every test.
# Before ctest, in this order (each its own script, each also run by hand):
#   - the plugin's tests on Wireshark 4.4 and 4.6, each in a Debian chroot, with
#     their Debian packages built, checked and installed there
#     (scripts/wireshark-matrix.sh 4.4 4.6); this machine's 4.0 is the ctest run;
#   - this machine's (4.0) Debian packages (scripts/package-check.sh);
#   - the validator and generator built with the minimal packages alone, and
#     cross-built for arm64 (scripts/portability.sh).
# SPICECAP_TEST_MATRIX=0 leaves all three out (a quicker run by hand; CI runs them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
build=${SPICECAP_TEST_BUILD:-build-asan}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Asan >/dev/null
cmake --build "$build" -j"$(nproc)"
failed_stages=()
stage() { # stage NAME COMMAND...: runs it, and remembers it when it fails
  local name=$1 start rc=0
  shift
  start=$(date +%s)
  "$@" || rc=$?
  echo "test.sh: $name: $(($(date +%s) - start)) s, exit $rc"
  [ "$rc" -eq 0 ] || failed_stages+=("$name")
}
if [ "${SPICECAP_TEST_MATRIX:-1}" != 0 ]; then
  stage "Wireshark 4.4/4.6 matrix" bash scripts/wireshark-matrix.sh 4.4 4.6
  stage "Debian packages (4.0)" bash scripts/package-check.sh . "$build" /var/tmp/spicecap-packages-4.0
  stage "minimal and arm64 builds" bash scripts/portability.sh "$build"
fi
# Leak checking stays on for our own programs; tests that run tshark set their own options.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# ctest last, so its summary closes the output.
status=0
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" || status=$?
for name in ${failed_stages[@]+"${failed_stages[@]}"}; do
  echo "test.sh: $name FAILED (its output above)"
  [ "$status" -ne 0 ] || status=1
done
exit "$status"
