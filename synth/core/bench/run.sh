#!/usr/bin/env bash
# Recorder benchmark: a Release build, then bench_record (ring vs memcpy, same run).
set -euo pipefail
cd "$(dirname "$0")/../../.."
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release --target bench_record -j"$(nproc)" >/dev/null
./build-release/synth/core/bench/bench_record "$@"
