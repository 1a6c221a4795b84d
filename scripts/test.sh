#!/usr/bin/env bash
# The test command: installs what is missing, builds with ASan+UBSan, runs every test.
# The plugin's tests run on Wireshark 4.4 and 4.6 too, each in a Debian chroot
# (scripts/wireshark-matrix.sh 4.4 4.6); this machine's 4.0 is the ctest run
# below. SPICECAP_TEST_MATRIX=0 leaves the chroots out (a quicker run by hand;
# CI runs them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
build=${SPICECAP_TEST_BUILD:-build-asan}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Asan >/dev/null
cmake --build "$build" -j"$(nproc)"
matrix=0
if [ "${SPICECAP_TEST_MATRIX:-1}" != 0 ]; then
  bash scripts/wireshark-matrix.sh 4.4 4.6 || matrix=$?
fi
# Leak checking stays on for our own programs; tests that run tshark set their own options.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# ctest last, so its summary closes the output.
status=0
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" || status=$?
if [ "$matrix" -ne 0 ]; then
  echo "test.sh: the Wireshark 4.4/4.6 matrix FAILED (scripts/wireshark-matrix.sh output above)"
  [ "$status" -ne 0 ] || status=$matrix
fi
exit "$status"
