#!/usr/bin/env bash
# Plugin overhead: `tshark -r` on a 1 GB `video` capture with the plugin,
# and in the same run with the plugin disabled. Goal: at most 1.3 times as
# long as with it disabled. Then the same on a live capture as ryll writes
# it today (`--live --ryll-compat`: received data per socket read, every
# record over the 65535 snaplen missing; the display file of a video
# session of the same length), beside its payload as bare data.
#
# Disabled two ways, both printed:
#  - `--disable-protocol spicecap` (the goal's baseline, measured once: it
#    takes minutes). Port 5900's payload then goes to VNC and to the
#    heuristic dissectors, and Thrift's heuristic takes the random video
#    bytes for its own and has TCP reassemble ever longer PDUs (quadratic);
#  - `--disable-protocol spicecap -d tcp.port==5900,data` (every round): the
#    payload shown as bare data, the floor for any dissector of these bytes.
# Usage: [BUILD_DIR=dir] plugin/bench/run.sh [size_gb] [rounds]
# BUILD_DIR (default build-release) is configured as a Release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
gb=${1:-1}
rounds=${2:-3}
build=${BUILD_DIR:-build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target spicecap-synth spicecap -j"$(nproc)" >/dev/null
version=$(pkg-config --modversion wireshark | cut -d. -f1,2)
dir=$(mktemp -d /dev/shm/spicecap-plugin-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
"$build/synth/gen/spicecap-synth" --scenario video --seed 1 --rate 6M --duration $((gb * 171)) -o "$dir/video.pcap"
mkdir "$dir/live"
"$build/synth/gen/spicecap-synth" --scenario video --seed 1 --rate 6M --duration $((gb * 171)) --live "$dir/live" \
  --ryll-compat
chmod -R a+rX "$dir"
# tshark runs through the runner (a private plugin folder; as uid 65534 when
# root, since Wireshark loads no plugin for root), which execs it: the time
# and the peak memory are tshark's. Its summary lines go to a file, so a run
# that did not dissect shows.
# time_of prints the wall seconds and the peak resident memory in MB.
# CAPTURE (default video.pcap) is the file read.
time_of() {
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f %M -o "$dir/rss.txt" scripts/tshark-with-plugin.sh --version "$version" --folder "$dir/tshark" \
    "$build/plugin/spicecap.so" -- -r "$dir/${CAPTURE:-video.pcap}" "$@" >"$dir/out.txt" 2>"$dir/err.txt" ||
    { cat "$dir/err.txt" >&2; exit 1; }
  end=$(date +%s%N)
  echo "$(((end - start) / 1000000)) $(($(tail -1 "$dir/rss.txt") / 1024))" | awk '{ printf "%.3f %d", $1 / 1000, $2 }'
}
# Frames whose protocol column is SPICEcap (a message or a loss shown).
shown() { awk '$6 == "SPICEcap"' "$dir/out.txt" | wc -l; }
with_s=()
for ((round = 1; round <= rounds; round++)); do
  r=$(time_of)
  read -r with with_mb <<<"$r"
  messages=$(shown)
  r=$(time_of --disable-protocol spicecap -d tcp.port==5900,data)
  read -r floor floor_mb <<<"$r"
  with_s+=("$with")
  awk -v a="$with" -v am="$with_mb" -v b="$floor" -v bm="$floor_mb" -v r="$round" -v m="$messages" 'BEGIN {
    printf "round %d: with the plugin %.2f s, %d MB peak (%d frames shown as SPICEcap); payload as bare data %.2f s, %d MB: %.2fx\n",
      r, a, am, m, b, bm, a / b }'
done
r=$(time_of --disable-protocol spicecap)
read -r disabled disabled_mb <<<"$r"
best=$(printf '%s\n' "${with_s[@]}" | sort -g | head -1)
awk -v a="$best" -v v="$disabled" -v vm="$disabled_mb" 'BEGIN {
  printf "--disable-protocol spicecap %.2f s, %d MB peak; fastest run with the plugin %.2f s: %.3fx (goal <= 1.3)\n",
    v, vm, a, a / v }'
echo "capture: $(stat -c %s "$dir/video.pcap") bytes, $(capinfos -c -M "$dir/video.pcap" | awk '/Number of packets/ {print $4}') frames"
for ((round = 1; round <= rounds; round++)); do
  r=$(CAPTURE=live/display.pcap time_of)
  read -r with with_mb <<<"$r"
  messages=$(shown)
  r=$(CAPTURE=live/display.pcap time_of --disable-protocol spicecap -d tcp.port==5900,data)
  read -r floor floor_mb <<<"$r"
  awk -v a="$with" -v am="$with_mb" -v b="$floor" -v bm="$floor_mb" -v r="$round" -v m="$messages" 'BEGIN {
    printf "live round %d: with the plugin %.2f s, %d MB peak (%d frames shown as SPICEcap); payload as bare data %.2f s, %d MB: %.2fx (goal <= 1.3)\n",
      r, a, am, m, b, bm, a / b }'
done
echo "live capture (socket reads, snaplen loss): $(stat -c %s "$dir/live/display.pcap") bytes, $(capinfos -c -M "$dir/live/display.pcap" | awk '/Number of packets/ {print $4}') frames"
