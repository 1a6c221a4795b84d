#!/usr/bin/env bash
# Triage benchmark, on run.sh's captures (validate/bench/captures.sh), in one run:
#   1. each capture validated with and without --html, taking turns round by round: the page may
#      add at most 10% (the timeline is gathered in the validator's own pass);
#   2. a ryll --capture directory of a video session (SIZE_GB) with two bug reports (a Display
#      report and an AutoSnapshot, the same seed as its live pcaps, --ryll-compat): `spicecap-validate DIR` (its files, its reports and the
#      cross-check) against its files given one by one (no cross-check): at most 50% more.
# Usage: validate/bench/triage.sh [SIZE_GB]   (default 1; e.g. 0.2 for a quick look)
# BUILD_DIR (default build-release), REPEAT rounds (default 3): fastest and median of each leg.
set -euo pipefail
cd "$(dirname "$0")/../.."
gb=${1:-1}
build=${BUILD_DIR:-build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target spicecap-synth spicecap-validate -j"$(nproc)" >/dev/null
dir=/dev/shm/spicecap-triage-bench-$$
mkdir -p "$dir/live"
trap 'rm -rf "$dir"' EXIT
synth=$build/synth/gen/spicecap-synth
validate=$build/validate/spicecap-validate
. validate/bench/captures.sh
measure=validate/bench/measure.py
repeat=${REPEAT:-3}
fastest_median() { sort -n "$1" | awk '{ t[NR] = $1 } END { print t[1], t[int((NR + 1) / 2)] }'; }
# Two legs taking turns; prints both and the ratio of the second to the first.
compare() {
  local label=$1 first=$2 second=$3
  local clock
  for clock in wall cpu; do
    : > "$dir/a.times"; : > "$dir/b.times"
    for _ in $(seq "$repeat"); do
      SPICECAP_MEASURE_CPU=$([ $clock = cpu ] && echo 1 || echo 0) python3 $measure sh -c "$first" >> "$dir/a.times"
      SPICECAP_MEASURE_CPU=$([ $clock = cpu ] && echo 1 || echo 0) python3 $measure sh -c "$second" >> "$dir/b.times"
    done
    read -r a_s a_med < <(fastest_median "$dir/a.times")
    read -r b_s b_med < <(fastest_median "$dir/b.times")
    awk -v l="$label" -v c="$clock" -v a="$a_s" -v am="$a_med" -v b="$b_s" -v bm="$b_med" 'BEGIN {
      printf "%-34s %-4s %7.3f / %7.3f s -> %7.3f / %7.3f s: %+.1f%% fastest, %+.1f%% median\n",
        l, c, a, am, b, bm, 100 * (b / a - 1), 100 * (bm / am - 1) }'
  done
}
echo "(fastest / median of $repeat rounds, wall-clock and CPU (user + system) seconds; without -> with)"
for capture in "$dir/display.pcap" "$dir/small.pcap" "$dir/live/display.pcap"; do
  cat "$capture" > /dev/null
  name=${capture#"$dir"/}
  compare "--html, $name ($(du -m "$capture" | cut -f1) MB)" "'$validate' '$capture' > /dev/null" \
    "'$validate' --html '$dir/page.html' '$capture' > /dev/null"
  echo "   page: $(stat -c %s "$dir/page.html") bytes"
done
# The capture directory: the live session's pcaps and two reports of it.
cap=$dir/capture
mkdir -p "$cap/bug-reports/auto-snapshots"
# A video session as long as the display capture (its rings full: display 32 MiB).
secs=$(seconds 171)
for extra in "--live $cap" "--bugreport $cap/bug-reports/ryll-bugreport.zip --report-type display" \
             "--bugreport $cap/bug-reports/auto-snapshots/ryll-auto-snapshot.zip --report-type auto-snapshot"; do
  # shellcheck disable=SC2086 # the options are words
  "$synth" --scenario video --rate 6M --seed 1 --ryll-compat --duration "$secs" $extra
done
files=$(ls "$cap"/*.pcap "$cap"/bug-reports/*.zip "$cap"/bug-reports/auto-snapshots/*.zip | tr '\n' ' ')
compare "cross-check, $(du -sm "$cap" | cut -f1) MB directory" "'$validate' $files > /dev/null" \
  "'$validate' '$cap' > /dev/null"
