#!/usr/bin/env bash
# Corrupted captures (editcap -E at several error rates, and records cut
# short with -s) dissected by tshark with the plugin built with ASan and
# UBSan: no crash, no sanitizer report, ever. Each variant is dissected in
# two passes (-2), so the per-frame results the first pass stores are what
# the second shows.
# Usage: corruption.sh TSHARK SANITIZED_PLUGIN WIRESHARK_MAJOR_MINOR SOURCE_DIR [variants_per_input]
set -uo pipefail
tshark=$1 plugin=$2 version=$3 src=$4 per_input=${5:-40}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -p "$work/in"
runner=$src/scripts/tshark-with-plugin.sh
preload="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
# The real session's first 1500 frames hold all four link stages and
# mini-header messages: decoded with Decode As on its port 5950.
editcap -r "$src/fixtures/ref/qemu-kernel-nocompress.pcapng.gz" "$work/real-excerpt.pcapng" 1-1500
# What ryll really writes takes the recorded flows' walker through its
# losses: a drained ring and a video ring with snaplen gaps (one starting
# inside a message), socket reads with gaps and with a queue overflow's desync.
inputs=("$src/fixtures/clean/desktop.pcap" "$src/fixtures/clean/video.pcap" "$src/fixtures/ref/ryll-display-sample.pcap"
        "$src/fixtures/faults/k2.pcap" "$src/fixtures/clean/ring.pcap" "$work/real-excerpt.pcapng"
        "$src/fixtures/ryll/display-ring.pcap" "$src/fixtures/ryll/video-ring.pcap"
        "$src/fixtures/ryll/live/display.pcap" "$src/fixtures/ryll/live-queue-overflow/display.pcap")
rates=(0.001 0.01 0.05 0.2)
n=0
for input in "${inputs[@]}"; do
  for ((i = 0; i < per_input; i++)); do
    out="$work/in/v$n.${input##*.}"
    if ((i % 5 == 4)); then
      editcap -s $((60 + i * 997 % 4000)) "$input" "$out" >/dev/null 2>&1   # records cut short
    else
      editcap --seed $((n + 1)) -E "${rates[i % 4]}" "$input" "$out" >/dev/null 2>&1
    fi
    n=$((n + 1))
  done
done
chmod -R a+rX "$work"
# A plugin that did not load would pass every variant: check first that it
# dissects. (Not with -G plugins: under the preloaded ASan runtime, the
# extcap helpers that -G starts hang.)
"$runner" --tshark "$tshark" --version "$version" --folder "$work/tshark" --env LD_PRELOAD="$preload" \
  --env ASAN_OPTIONS=detect_leaks=0 "$plugin" -- -r "$src/fixtures/clean/desktop.pcap" -c 1 -T fields \
  -e spicecap.name 2>/dev/null | grep -q . || { echo "FAIL: $tshark does not dissect with $plugin"; exit 1; }
run_one() {
  # The runner execs tshark (a kept folder): the timeout applies to tshark itself.
  timeout 120 "$runner" --tshark "$tshark" --version "$version" --folder "$work/tshark" --env LD_PRELOAD="$preload" \
    --env ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 --env UBSAN_OPTIONS=halt_on_error=1 \
    "$plugin" -- -r "$1" -2 -d tcp.port==5950,spicecap -V -z spicecap,stat -q >/dev/null 2>"$1.err"
  local rc=$?
  if [ "$rc" -ge 124 ] || grep -q "runtime error\|ERROR: AddressSanitizer\|ERROR: LeakSanitizer" "$1.err"; then
    echo "FAIL: $1 (exit $rc)"; head -20 "$1.err"; return 1
  fi
}
export -f run_one
export work preload tshark runner version plugin
failures=$(ls "$work"/in/v* | grep -v '\.err$' | xargs -P "$(nproc)" -I{} bash -c 'run_one {}' | tee /dev/stderr | grep -c "^FAIL" || true)
echo "$n corrupted variants dissected under ASan+UBSan: $failures with a crash or sanitizer report"
echo "$((n - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
