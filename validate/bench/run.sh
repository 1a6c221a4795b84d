#!/usr/bin/env bash
# Validator benchmark: on the same captures, in one run: spicecap-validate, a
# bare libpcap pcap_next_ex loop, cat > /dev/null and tshark -2 with TCP
# analysis; time and peak memory of each, and validate's ratio to the libpcap
# loop. The captures (in /dev/shm): SIZE_GB of display-heavy video, SIZE_GB of
# many small messages, and SIZE_GB / 2 of live capture as ryll's --capture
# writes it (received data per socket read, so records start and end
# mid-message; every record kept: what ryll would write with a large enough
# snaplen).
# Usage: validate/bench/run.sh [SIZE_GB]   (default 1; a fraction for a quick check, e.g. 0.05)
# BUILD_DIR (default build-release) is the Release build used; TSHARK=0 leaves tshark out. The
# validator, the loop and cat take turns for REPEAT rounds (default 3); each gets its fastest and
# median time (and largest peak): a shared machine's other load only ever slows a run down, and
# taking turns spreads a change in that load over all three.
set -euo pipefail
cd "$(dirname "$0")/../.."
gb=${1:-1}
build=${BUILD_DIR:-build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target spicecap-synth spicecap-validate pcap_loop -j"$(nproc)" >/dev/null
dir=/dev/shm/spicecap-validate-bench-$$
mkdir -p "$dir/live"
trap 'rm -rf "$dir"' EXIT
synth=$build/synth/gen/spicecap-synth
. validate/bench/captures.sh
measure=validate/bench/measure.py
repeat=${REPEAT:-3}
# "FASTEST MEDIAN PEAK_KB" of the times a leg's rounds appended to a file.
summary() { sort -n "$1" | awk '{ t[NR] = $1; if ($2 > kb) kb = $2 } END { print t[1], t[int((NR + 1) / 2)], kb }'; }
for capture in "$dir/display.pcap" "$dir/small.pcap" "$dir/live/display.pcap"; do
  bytes=$(stat -c %s "$capture")
  name=$(basename "$capture")
  [ "$capture" = "$dir/live/display.pcap" ] && name="live/display.pcap (socket reads)"
  cat "$capture" > /dev/null # the file is in tmpfs: every leg reads it from memory
  echo "== $name: $(awk -v b="$bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }'), $("$build/validate/bench/pcap_loop" "$capture")"
  "$build/validate/spicecap-validate" "$capture" | tail -1 | sed 's/^/   spicecap-validate: /'
  # The legs take turns, round by round: a change in the machine's load falls on all of them.
  : > "$dir/v.times"; : > "$dir/p.times"; : > "$dir/c.times"
  for _ in $(seq "$repeat"); do
    python3 $measure "$build/validate/spicecap-validate" "$capture" >> "$dir/v.times"
    python3 $measure "$build/validate/bench/pcap_loop" "$capture" >> "$dir/p.times"
    python3 $measure sh -c "cat '$capture' > /dev/null" >> "$dir/c.times"
  done
  read -r v_s v_med v_kb < <(summary "$dir/v.times")
  read -r p_s p_med p_kb < <(summary "$dir/p.times")
  read -r c_s c_med c_kb < <(summary "$dir/c.times")
  t_s=0 t_kb=0
  if [ "${TSHARK:-1}" != 0 ]; then
    read -r t_s t_kb < <(python3 $measure tshark -2 -r "$capture" -Y tcp.analysis.flags)
  fi
  awk -v b="$bytes" -v v="$v_s" -v vm="$v_med" -v vk="$v_kb" -v p="$p_s" -v pm="$p_med" -v pk="$p_kb" -v c="$c_s" \
      -v t="$t_s" -v tk="$t_kb" -v n="$repeat" 'BEGIN {
    printf "(fastest / median of %d rounds)\n", n
    printf "spicecap-validate  %7.3f / %7.3f s  %6.2f GB/s  peak %4d MB\n", v, vm, b / v / 1e9, vk / 1024
    printf "libpcap loop       %7.3f / %7.3f s  %6.2f GB/s  peak %4d MB\n", p, pm, b / p / 1e9, pk / 1024
    printf "cat > /dev/null    %7.3f s            %6.2f GB/s\n", c, b / c / 1e9
    if (t > 0)
      printf "tshark -2 -Y ...   %7.3f s  %6.2f GB/s  peak %4d MB\n", t, b / t / 1e9, tk / 1024
    printf "validate / libpcap loop: time %.2fx fastest, %.2fx median (%s), peak memory %.1fx (%d MB vs %d MB); %.0f%% of cat'\''s rate",
      v / p, vm / pm, v <= p && vm <= pm ? "no slower" : "slower", vk / pk, vk / 1024, pk / 1024, 100 * c / v
    if (t > 0)
      printf "; %.1fx faster than tshark", t / v
    printf "\n" }'
done
