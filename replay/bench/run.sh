#!/usr/bin/env bash
# Replay benchmark, in one run:
#   - spicecap-render --at the last checkpoint of each real session (fixtures/replay/, and
#     ../shared/replay/ when it is there), from the raw capture and from the ryll capture
#     directory: wall time against the session's own duration up to that checkpoint (the goal: a
#     tenth or less), and peak memory (the goal: 256 MiB or less);
#   - spicecap-replay at the recorded pace (replay/bench/pace.py): each gap between two display
#     messages as a client receives them against the gap the capture itself shows (the goal:
#     within 10 ms), over the first PACE_SECONDS of the first session (default 45).
# Usage: replay/bench/run.sh [REPEAT]   (default 3: each render's fastest and median of REPEAT)
# BUILD_DIR (default build-release) is the Release build used.
set -euo pipefail
cd "$(dirname "$0")/../.."
repeat=${1:-3}
build=${BUILD_DIR:-build-release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target spicecap-render spicecap-replay -j"$(nproc)" >/dev/null
render=$build/replay/spicecap-render
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sessions=()
for folder in fixtures/replay ../shared/replay; do
  [ -d "$folder" ] || continue
  for tsv in "$folder"/*.checkpoints.tsv; do sessions+=("${tsv%.checkpoints.tsv}"); done
done
printf '%-44s %-9s %9s %9s %9s %9s %8s\n' session input "session" fastest median ratio "peak MiB"
for s in "${sessions[@]}"; do
  last=$(tail -n 1 "$s.checkpoints.tsv" | cut -f4)
  first_live=$(python3 -c "
import sys; sys.path.insert(0, 'tests'); import pcapio, glob
print(min(pcapio.read_pcap_file(f).ts_us(pcapio.read_pcap_file(f).records[0]) / 1e6
          for f in glob.glob('$s-live/*.pcap') if pcapio.read_pcap_file(f).records))")
  for input in raw live; do
    if [ "$input" = raw ]; then path=$s.pcap at=$last; else path=$s-live at=$(python3 -c "print($last - $first_live)"); fi
    : >"$work/times"
    for _ in $(seq "$repeat"); do
      /usr/bin/time -f '%e %M' -o "$work/one" "$render" "$path" --at "$at" -o "$work/screen.png" >/dev/null
      cat "$work/one" >>"$work/times"
    done
    sort -n "$work/times" | awk -v s="${s##*/}" -v i="$input" -v d="$at" '
      { t[NR] = $1; if ($2 > kb) kb = $2 }
      END { printf "%-44s %-9s %8.1fs %8.2fs %8.2fs %9.4f %8.1f\n", s, i, d, t[1], t[int((NR + 1) / 2)], t[int((NR + 1) / 2)] / d, kb / 1024 }'
  done
done
python3 replay/bench/pace.py "$build/replay/spicecap-replay" "${sessions[0]}.pcap" "${PACE_SECONDS:-45}"
