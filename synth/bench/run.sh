#!/usr/bin/env bash
# Generator benchmark: a 2 GiB `video` capture written to tmpfs, and in the
# same run memcpy of the same number of bytes.
# Usage: synth/bench/run.sh [duration_seconds]   (342 s of 6 MiB/s video is about 2 GiB)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-342}
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release --target spicecap-synth memcpy_rate -j"$(nproc)" >/dev/null
out=/dev/shm/spicecap-bench-video.pcap
trap 'rm -f "$out"' EXIT
# On a fresh VM the first time tmpfs pages are used the host must back them
# (measured: 0.7 GB/s for dd's first 2 GiB, 5.5 GB/s for its second), so
# tmpfs is warmed first with a file of the same size, then removed.
dd if=/dev/zero of="$out" bs=1M count=2100 status=none
rm -f "$out"
# CPU time (user, system) next to the wall time says where the time goes:
# the generator's own work is user time, the kernel's tmpfs write system time.
cpu=$(mktemp)
trap 'rm -f "$out" "$cpu"' EXIT
start=$(date +%s.%N)
/usr/bin/time -o "$cpu" -f "%U %S" \
  ./build-release/synth/gen/spicecap-synth --scenario video --seed 1 --rate 6M --duration "$duration" -o "$out"
end=$(date +%s.%N)
read -r gen_user gen_sys < "$cpu"
bytes=$(stat -c %s "$out")
gen_s=$(echo "$end - $start" | bc -l)
copy_s=$(./build-release/synth/bench/memcpy_rate "$bytes")
# The file system's own floor: writing the same number of bytes to tmpfs.
rm -f "$out"
start=$(date +%s.%N)
/usr/bin/time -o "$cpu" -f "%U %S" dd if=/dev/zero of="$out" bs=1M count=$((bytes >> 20)) status=none
end=$(date +%s.%N)
read -r dd_user dd_sys < "$cpu"
write_s=$(echo "$end - $start" | bc -l)
awk -v b="$bytes" -v g="$gen_s" -v c="$copy_s" -v w="$write_s" -v gu="$gen_user" -v gs="$gen_sys" \
    -v du="$dd_user" -v ds="$dd_sys" 'BEGIN {
  printf "video capture: %.2f GB in %.3f s = %.2f GB/s (goal >= 1 GB/s); CPU %.2f s user, %.2f s system\n",
         b / 1e9, g, b / g / 1e9, gu, gs
  printf "memcpy of the same bytes: %.3f s = %.2f GB/s\n", c, b / c / 1e9
  printf "dd of the same bytes to tmpfs: %.3f s = %.2f GB/s (%.0f%% of memcpy); CPU %.2f s user, %.2f s system\n",
         w, b / w / 1e9, 100 * c / w, du, ds
  printf "generator rate = %.0f%% of memcpy (goal >= 30%%)\n", 100 * c / g }'
