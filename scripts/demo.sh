#!/usr/bin/env bash
# The main job, end to end on a fresh Debian 12 machine: install what it
# needs, build, generate a desktop capture with spicecap-synth, validate it
# with spicecap-validate against its manifest, print its dissection with
# tshark; then the same session as a ryll bug report: validated (every member
# checked against ryll's schema), opened with tshark through the report
# plugin, and written as an --html page.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --main
# The tools and the plugins only: the tests need more (scripts/test.sh installs it).
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null
out=${SPICECAP_DEMO_DIR:-demo-output}
mkdir -p "$out"
synth=build-release/synth/gen/spicecap-synth
validate=build-release/validate/spicecap-validate
dissector=build-release/plugin/spicecap.so
report_plugin=build-release/plugin/report/spicecap_report.so

echo "== generate: a 3 s desktop session, every channel, with its manifest"
"$synth" --scenario desktop --seed 1 --duration 3 --max-image 512K -o "$out/desktop.pcap" -m "$out/desktop.json"
echo "== generate: the same session as a ryll bug report (rings drained into traffic.pcap, ryll's members)"
"$synth" --scenario desktop --seed 1 --duration 3 --max-image 512K --bugreport "$out/bugreport.zip"

echo "== validate"
"$validate" --manifest "$out/desktop.json" "$out/desktop.pcap"
"$validate" "$out/bugreport.zip"

echo "== dissect (tshark with the spicecap plugin)"
# Wireshark loads no plugin when run as root: the runner gives tshark a
# private plugin folder, and runs it as nobody when root.
run_tshark() { scripts/tshark-with-plugin.sh --read "$out/desktop.pcap" "$dissector" -- "$@"; }
# Written whole first: tshark piped straight into head would see a closed
# pipe and fail the job.
run_tshark -Y spicecap > "$out/dissection.txt"
head -40 "$out/dissection.txt"
echo "(first 40 of $(wc -l < "$out/dissection.txt") frames with SPICE messages; the rest in $out/dissection.txt)"
run_tshark -q -z spicecap,stat > "$out/statistics.txt"
echo "== statistics (tshark -z spicecap,stat)"
cat "$out/statistics.txt"

echo "== the bug report in tshark (the report plugin opens the zip, the dissector reads its traffic)"
run_report() {
  scripts/tshark-with-plugin.sh --wiretap "$report_plugin" --read "$out/bugreport.zip" "$dissector" -- "$@"
}
run_report -Y spicecap > "$out/report-dissection.txt"
head -20 "$out/report-dissection.txt"
echo "(first 20 of $(wc -l < "$out/report-dissection.txt") frames; the rest in $out/report-dissection.txt)"
echo "== the bug report as a page (spicecap-validate --html)"
"$validate" --html "$out/bugreport.html" "$out/bugreport.zip" > /dev/null
echo "written: $out/bugreport.html"
