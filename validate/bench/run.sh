#!/usr/bin/env bash
# Validator benchmark: on the same 1 GB captures (one display-heavy, one of
# many small messages), in one run: spicecap-validate, tshark -2 with TCP
# analysis, a bare libpcap pcap_next_ex loop, and cat > /dev/null; time and
# peak memory of each.
# Usage: validate/bench/run.sh [size_gb]
set -euo pipefail
cd "$(dirname "$0")/../.."
gb=${1:-1}
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release --target spicecap-synth spicecap-validate pcap_loop -j"$(nproc)" >/dev/null
dir=/dev/shm/spicecap-validate-bench
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
synth=build-release/synth/gen/spicecap-synth
# Display-heavy: 6 MiB/s video for as long as it takes to reach the size.
"$synth" --scenario video --seed 1 --rate 6M --duration $((gb * 171)) -o "$dir/display.pcap"
# Many small messages: a desktop session whose images stay under 2 KB.
"$synth" --scenario desktop --seed 1 --max-image 1K --duration $((gb * 20000)) -o "$dir/small.pcap"
measure=validate/bench/measure.py
for capture in "$dir/display.pcap" "$dir/small.pcap"; do
  bytes=$(stat -c %s "$capture")
  cat "$capture" > /dev/null # the file is in tmpfs: every leg reads it from memory
  echo "== $(basename "$capture"): $(awk -v b="$bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }'), $(build-release/validate/bench/pcap_loop "$capture")"
  read -r v_s v_kb < <(python3 $measure build-release/validate/spicecap-validate "$capture")
  read -r p_s p_kb < <(python3 $measure build-release/validate/bench/pcap_loop "$capture")
  read -r c_s c_kb < <(python3 $measure sh -c "cat '$capture' > /dev/null")
  read -r t_s t_kb < <(python3 $measure tshark -2 -r "$capture" -Y tcp.analysis.flags)
  awk -v b="$bytes" -v v="$v_s" -v vk="$v_kb" -v p="$p_s" -v c="$c_s" -v t="$t_s" -v tk="$t_kb" 'BEGIN {
    printf "spicecap-validate  %7.3f s  %6.2f GB/s  peak %d MB\n", v, b / v / 1e9, vk / 1024
    printf "libpcap loop       %7.3f s  %6.2f GB/s\n", p, b / p / 1e9
    printf "cat > /dev/null    %7.3f s  %6.2f GB/s\n", c, b / c / 1e9
    printf "tshark -2 -Y ...   %7.3f s  %6.2f GB/s  peak %d MB\n", t, b / t / 1e9, tk / 1024
    printf "validate is %.1fx faster than tshark, %.2fx the libpcap loop'\''s speed, %.0f%% of cat'\''s rate\n",
      t / v, p / v, 100 * c / v }'
done
