#!/usr/bin/env bash
# The main job, end to end on a fresh Debian 12 machine: install, build,
# generate a desktop capture with spicecap-synth, validate it with
# spicecap-validate against its manifest, and print its dissection with tshark.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null
out=${SPICECAP_DEMO_DIR:-demo-output}
mkdir -p "$out"
synth=build-release/synth/gen/spicecap-synth
validate=build-release/validate/spicecap-validate

echo "== generate: a 3 s desktop session, every channel, with its manifest"
"$synth" --scenario desktop --seed 1 --duration 3 --max-image 512K -o "$out/desktop.pcap" -m "$out/desktop.json"
echo "== generate: the same session as a bug report (rings drained into traffic.pcap)"
"$synth" --scenario desktop --seed 1 --duration 3 --max-image 512K --bugreport "$out/bugreport.zip"

echo "== validate"
"$validate" --manifest "$out/desktop.json" "$out/desktop.pcap"
"$validate" "$out/bugreport.zip"

echo "== dissect (tshark; checksums verified)"
tshark -r "$out/desktop.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE 2>/dev/null | head -40
echo "(first 40 of $(tshark -r "$out/desktop.pcap" 2>/dev/null | wc -l) frames; outputs in $out/)"
