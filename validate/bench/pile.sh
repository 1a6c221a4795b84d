#!/usr/bin/env bash
# A pile of reports: spicecap-validate DIR on ryll's report directory of N auto-snapshots (default
# 100, each a video session's rings of SECS (default 10) seconds, about 7 MB) against the validator on one of them, taking
# turns round by round. The figure is the pile's throughput in bytes per second as a share of the
# single report's, and as a share of one plain pcap's of the same session and size (the
# validator's single-file throughput; issue 27 asks 80% or more). The page of the pile (--html)
# is measured too: its size and time.
# Usage: validate/bench/pile.sh [N]   BUILD_DIR (default build-release), REPEAT rounds (default 3).
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100}
build=${BUILD_DIR:-build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target spicecap-synth spicecap-validate -j"$(nproc)" >/dev/null
dir=/dev/shm/spicecap-pile-bench-$$
mkdir -p "$dir/pile/auto-snapshots"
trap 'rm -rf "$dir"' EXIT
validate=$build/validate/spicecap-validate
measure=validate/bench/measure.py
repeat=${REPEAT:-3}
"$build/synth/gen/spicecap-synth" --scenario video --rate 6M --seed 1 --ryll-compat --duration "${SECS:-10}" \
  --bugreport "$dir/one.zip" --report-type auto-snapshot
for i in $(seq "$n"); do
  cp "$dir/one.zip" "$dir/pile/auto-snapshots/ryll-auto-snapshot-20260101T000000Z-T+$i.0s.zip"
done
one=$(stat -c %s "$dir/one.zip")
# traffic.pcap's own bytes in one report (the zip may deflate it): the pile's rate in the bytes read.
inner=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo("traffic.pcap").file_size)' "$dir/one.zip")
# The single-file baseline: one pcap of the same session as long as the pile is large.
secs=$(awk -v b="$one" -v n="$n" 'BEGIN { printf "%.1f", n * b / 6291456 }')
"$build/synth/gen/spicecap-synth" --scenario video --rate 6M --seed 1 --ryll-compat --duration "$secs" -o "$dir/big.pcap"
big=$(stat -c %s "$dir/big.pcap")
: > "$dir/one.times"; : > "$dir/pile.times"; : > "$dir/page.times"; : > "$dir/big.times"
for _ in $(seq "$repeat"); do
  python3 $measure sh -c "'$validate' '$dir/one.zip' > /dev/null; true" >> "$dir/one.times"
  python3 $measure sh -c "'$validate' '$dir/pile' > /dev/null; true" >> "$dir/pile.times"
  python3 $measure sh -c "'$validate' --html '$dir/pile.html' '$dir/pile' > /dev/null; true" >> "$dir/page.times"
  python3 $measure sh -c "'$validate' '$dir/big.pcap' > /dev/null; true" >> "$dir/big.times"
done
fastest() { sort -n "$1" | awk 'NR == 1 { print $1, $2 }'; }
read -r t1 k1 < <(fastest "$dir/one.times")
read -r tp kp < <(fastest "$dir/pile.times")
read -r th kh < <(fastest "$dir/page.times")
read -r tb kb < <(fastest "$dir/big.times")
awk -v n="$n" -v b="$one" -v t1="$t1" -v tp="$tp" -v th="$th" -v k1="$k1" -v kp="$kp" -v kh="$kh" \
    -v bb="$big" -v tb="$tb" -v kb="$kb" -v inb="$inner" \
    -v page="$(stat -c %s "$dir/pile.html")" 'BEGIN {
  printf "one report (%.1f MB):      %7.3f s  %6.1f MB/s  peak %4d MB\n", b / 1e6, t1, b / t1 / 1e6, k1 / 1024
  printf "%d reports (%.0f MB):      %7.3f s  %6.1f MB/s  peak %4d MB\n", n, n * b / 1e6, tp, n * b / tp / 1e6, kp / 1024
  printf "the pile with --html:      %7.3f s  peak %4d MB, a page of %d bytes\n", th, kh / 1024, page
  printf "one pcap (%.0f MB):        %7.3f s  %6.1f MB/s  peak %4d MB\n", bb / 1e6, tb, bb / tb / 1e6, kb / 1024
  printf "the pile in traffic.pcap bytes (%.0f MB): %6.1f MB/s\n", n * inb / 1e6, n * inb / tp / 1e6
  printf "the pile'\''s throughput: %.0f%% of one report'\''s; in traffic.pcap bytes, %.0f%% of one pcap'\''s (fastest of %d rounds)\n",
    100 * n * t1 / tp, 100 * (n * inb / tp) / (bb / tb), '"$repeat"' }'
