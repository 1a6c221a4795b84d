#!/usr/bin/env bash
# Two source trees (a refactor's before and after) measured in one run, legs
# alternating before/after in every round so that both see the same machine:
#   - spicecap-validate on validate/bench/run.sh's display-heavy and
#     small-message captures (wall time and peak memory, validate/bench/measure.py);
#   - tshark -r with each tree's plugin on plugin/bench/run.sh's video capture
#     (the same bytes as the display capture), through scripts/tshark-with-plugin.sh,
#     beside the payload shown as bare data (the floor of any dissector).
# Each tree is built as Release in $BUILD_DIR (default build-compare) inside it;
# the captures are written once, by the after tree's generator, to /dev/shm.
# Prints every leg, then per leg the fastest and the median of the rounds.
#
# Usage: scripts/bench-compare.sh BEFORE_TREE AFTER_TREE [SIZE_GB] [ROUNDS]   (default 1 GB, 5 rounds)
# e.g.   git worktree add --detach /tmp/before d5a567b
#        BUILD_DIR=build-c-release scripts/bench-compare.sh /tmp/before . 1 7
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
before=$(cd "$1" && pwd) after=$(cd "$2" && pwd) gb=${3:-1} rounds=${4:-5}
build=${BUILD_DIR:-build-compare}
for t in "$before" "$after"; do
  cmake -S "$t" -B "$t/$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$t/$build" --target spicecap-synth spicecap-validate spicecap -j2 >/dev/null
done
dir=$(mktemp -d /dev/shm/spicecap-compare.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
synth=$after/$build/synth/gen/spicecap-synth
seconds() { awk -v gb="$gb" -v per="$1" 'BEGIN { printf "%.3f", gb * per }'; }
"$synth" --scenario video --seed 1 --rate 6M --duration "$(seconds 171)" -o "$dir/display.pcap"
"$synth" --scenario desktop --seed 1 --max-image 1K --duration "$(seconds 20000)" -o "$dir/small.pcap"
chmod -R a+rX "$dir"
measure=$after/validate/bench/measure.py
version=$(pkg-config --modversion wireshark | cut -d. -f1,2)
rev() { git -C "$1" rev-parse --short HEAD 2>/dev/null || echo "$1"; }
echo "before: $(rev "$before") ($before), after: $(rev "$after") ($after); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
results=$dir/results
for capture in display.pcap small.pcap; do
  cat "$dir/$capture" >/dev/null # in tmpfs: every leg reads it from memory
  echo "== spicecap-validate $capture: $(stat -c %s "$dir/$capture") bytes"
  for side in before after; do
    t=${!side}
    echo "   $side says: $("$t/$build/validate/spicecap-validate" "$dir/$capture" | tail -1)"
  done
  for ((r = 1; r <= rounds; r++)); do
    for side in before after; do
      t=${!side}
      read -r s kb < <(python3 "$measure" "$t/$build/validate/spicecap-validate" "$dir/$capture")
      echo "round $r $side $s s $((kb / 1024)) MB"
      echo "validate-$capture $side $s $((kb / 1024))" >>"$results"
    done
  done
done
# tshark_leg TREE [tshark arguments]: "seconds MB", tshark's own (the runner execs it).
tshark_leg() {
  local t=$1 start end
  shift
  start=$(date +%s%N)
  /usr/bin/time -f %M -o "$dir/rss.txt" "$after/scripts/tshark-with-plugin.sh" --version "$version" \
    --folder "$dir/tshark-$(basename "$t")" "$t/$build/plugin/spicecap.so" -- -r "$dir/display.pcap" "$@" \
    >"$dir/out.txt" 2>"$dir/err.txt" || { cat "$dir/err.txt" >&2; exit 1; }
  end=$(date +%s%N)
  awk -v ns=$((end - start)) -v kb="$(tail -1 "$dir/rss.txt")" 'BEGIN { printf "%.3f %d\n", ns / 1e9, kb / 1024 }'
}
echo "== tshark -r display.pcap"
for ((r = 1; r <= rounds; r++)); do
  for side in before after; do
    t=${!side}
    read -r s mb < <(tshark_leg "$t")
    echo "round $r $side $s s $mb MB ($(grep -c SPICEcap "$dir/out.txt" || true) rows naming SPICEcap)"
    echo "tshark $side $s $mb" >>"$results"
  done
  read -r s mb < <(tshark_leg "$after" --disable-protocol spicecap -d tcp.port==5900,data)
  echo "round $r payload as bare data $s s $mb MB"
  echo "tshark bare-data $s $mb" >>"$results"
done
echo "== fastest and median of $rounds rounds (peak memory: the largest)"
sort -k1,1 -k2,2 -k3,3g "$results" | awk '
  function flush() { if (n) printf "%-24s %-9s fastest %.3f s  median %.3f s  peak %d MB\n", leg, side, v[1],
                     n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2, peak }
  $1 != leg || $2 != side { flush(); leg = $1; side = $2; n = 0; peak = 0 }
  { v[++n] = $3; if ($4 > peak) peak = $4 }
  END { flush() }'
