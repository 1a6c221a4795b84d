#!/usr/bin/env bash
# The file-type plugin's speed and memory: tshark opening a ryll bug-report
# zip against tshark opening its unzipped traffic.pcap, in the same run,
# alternating (a benchmark run on demand, not a test).
#
# Usage: BUILD_DIR=build-release bash plugin/report/bench.sh [ROUNDS] [SECONDS]
#   ROUNDS   rounds of the three opens (default 5)
#   SECONDS  the video session's length: 8 s makes a traffic.pcap of about
#            50 MB (default 8)
# In /dev/shm: traffic.pcap, a video session from spicecap-synth (6 MiB/s of
# display stream data); report-stored.zip, that pcap with a generated
# report's other members, stored as ryll writes them; report-deflated.zip,
# the same deflated (Python's zipfile, zlib level 6). Each round runs
# `tshark -r FILE` on the three, through scripts/tshark-with-plugin.sh with
# spicecap.so and spicecap_report.so, under /usr/bin/time: wall time, CPU
# time (user + system: steadier than the wall time on a shared machine) and
# peak RSS. The goals (docs/plugin.md): the stored zip at most 1.1x the
# pcap's time, the deflated at most 1.5x (fastest round of each), and the
# peak at most the pcap's size plus 10% above the pcap's peak.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-build-release}
case $build in /*) ;; *) build=$here/$build ;; esac
rounds=${1:-5} seconds=${2:-8}
synth=$build/synth/gen/spicecap-synth
dissector=$build/plugin/spicecap.so
report=$build/plugin/report/spicecap_report.so
for f in "$synth" "$dissector" "$report"; do
  [ -e "$f" ] || { echo "bench.sh: no $f: build first (BUILD_DIR=$build)" >&2; exit 2; }
done
work=$(mktemp -d /dev/shm/spicecap-report-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

"$synth" --scenario video --rate 6M --duration "$seconds" --seed 1 -o "$work/traffic.pcap"
"$synth" --scenario desktop --duration 1 --seed 1 --bugreport "$work/small.zip" --report-type display
python3 - "$work" <<'PY'
import os, sys, zipfile
work = sys.argv[1]
pcap = open(os.path.join(work, "traffic.pcap"), "rb").read()
with zipfile.ZipFile(os.path.join(work, "small.zip")) as z:
    members = [(i.filename, pcap if i.filename == "traffic.pcap" else z.read(i)) for i in z.infolist()]
for name, how in (("report-stored.zip", zipfile.ZIP_STORED), ("report-deflated.zip", zipfile.ZIP_DEFLATED)):
    with zipfile.ZipFile(os.path.join(work, name), "w") as z:
        for member, body in members:
            z.writestr(zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0)), body, compress_type=how)
PY
chmod 644 "$work"/*
pcap_bytes=$(stat -c %s "$work/traffic.pcap")
echo "traffic.pcap: $pcap_bytes bytes; report-stored.zip $(stat -c %s "$work/report-stored.zip"),"\
     "report-deflated.zip $(stat -c %s "$work/report-deflated.zip") bytes"
version=$(tshark -v | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\)\..*/\1/p')
echo "$(tshark -v | head -1); plugins from $build"

run() { # run FILE -> "seconds cpu-seconds kbytes"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" bash "$here/scripts/tshark-with-plugin.sh" --version "$version" \
    --folder "$work/folder" --wiretap "$report" "$dissector" -- -r "$1" >/dev/null
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time"
}
run "$work/traffic.pcap" >/dev/null # warm the page cache and the plugin folder
declare -A best_t best_c best_m
for kind in pcap stored deflated; do best_t[$kind]=999999; best_c[$kind]=999999; best_m[$kind]=0; done
printf '%-6s %-10s %10s %10s %12s\n' round file seconds "cpu s" "peak KiB"
for ((i = 1; i <= rounds; i++)); do
  for kind in pcap stored deflated; do
    case $kind in pcap) f=traffic.pcap ;; stored) f=report-stored.zip ;; deflated) f=report-deflated.zip ;; esac
    read -r t c m < <(run "$work/$f")
    printf '%-6s %-10s %10s %10s %12s\n' "$i" "$kind" "$t" "$c" "$m"
    best_t[$kind]=$(python3 -c "print(min(${best_t[$kind]}, $t))")
    best_c[$kind]=$(python3 -c "print(min(${best_c[$kind]}, $c))")
    [ "$m" -gt "${best_m[$kind]}" ] && best_m[$kind]=$m
  done
done
python3 - "${best_t[pcap]}" "${best_t[stored]}" "${best_t[deflated]}" "${best_m[pcap]}" "${best_m[stored]}" \
  "${best_m[deflated]}" "$pcap_bytes" "${best_c[pcap]}" "${best_c[stored]}" "${best_c[deflated]}" <<'PY'
import sys
tp, ts, td, mp, ms, md, size, cp, cs, cd = map(float, sys.argv[1:])
allowed = size * 1.1 / 1024
print("fastest: pcap %.2f s, stored zip %.2f s (%.2fx, goal <= 1.1x), deflated zip %.2f s (%.2fx, goal <= 1.5x)"
      % (tp, ts, ts / tp, td, td / tp))
print("least CPU: pcap %.2f s, stored zip %.2f s (%.2fx), deflated zip %.2f s (%.2fx)"
      % (cp, cs, cs / cp, cd, cd / cp))
print("peak RSS: pcap %d KiB, stored +%d KiB, deflated +%d KiB (goal: at most +%d KiB, the pcap's size + 10%%)"
      % (mp, ms - mp, md - mp, allowed))
PY
