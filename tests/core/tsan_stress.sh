#!/usr/bin/env bash
# Builds the recorder's concurrency stress with ThreadSanitizer in its own
# build tree (TSan cannot share a build with ASan) and runs it: any data race
# report fails the test, as does any torn message in a drained capture, a
# byte count that disagrees with the snapshot, or a drained capture that
# SPICECAP_VALIDATE (the main build's validator) does not find clean.
# Usage: tsan_stress.sh SOURCE_DIR BUILD_DIR SPICECAP_VALIDATE
set -euo pipefail
src=$1 build=$2 validate=$3
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Tsan >/dev/null
cmake --build "$build" --target stress_concurrency -j"$(nproc)" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$build/tests/core/stress_concurrency" "$out" 4 "$validate"
