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

echo "== dissect (tshark with the spicecap plugin)"
# Wireshark 4.0 loads no personal plugin and ignores WIRESHARK_PLUGIN_DIR
# when run as root, so as root tshark runs as nobody with the plugin in a
# private folder; as a user the plugin is installed in the personal folder.
version=$(pkg-config --modversion wireshark | cut -d. -f1,2)
if [ "$(id -u)" -eq 0 ]; then
  private=$(mktemp -d)
  trap 'rm -rf "$private"' EXIT
  chmod 755 "$private"
  mkdir -p "$private/plugins/$version/epan" "$private/home"
  cp build-release/plugin/spicecap.so "$private/plugins/$version/epan/"
  cp "$out/desktop.pcap" "$private/"
  chmod -R a+rX "$private"
  chown 65534:65534 "$private/home"
  run_tshark() { setpriv --reuid=65534 --regid=65534 --clear-groups \
    env HOME="$private/home" WIRESHARK_PLUGIN_DIR="$private/plugins" tshark -r "$private/desktop.pcap" "$@"; }
else
  cmake --install build-release --component Unspecified >/dev/null
  run_tshark() { tshark -r "$out/desktop.pcap" "$@"; }
fi
# Written whole first: tshark piped straight into head would see a closed
# pipe and fail the job.
run_tshark -Y spicecap > "$out/dissection.txt"
head -40 "$out/dissection.txt"
echo "(first 40 of $(wc -l < "$out/dissection.txt") frames with SPICE messages; the rest in $out/dissection.txt)"
run_tshark -q -z spicecap,stat > "$out/statistics.txt"
echo "== statistics (tshark -z spicecap,stat)"
cat "$out/statistics.txt"
