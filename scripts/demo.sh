#!/usr/bin/env bash
# The main job: install, build, record a capture with the recorder core and
# show it through tshark. (Grows as the generator, validator and plugin land.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null
out=${SPICECAP_DEMO_DIR:-demo-output}
mkdir -p "$out"
./build-release/tests/core/make_drained_capture "$out/display-ring.pcap" "$out/display-server-stream.bin"
tshark -r "$out/display-ring.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE 2>/dev/null
