#!/usr/bin/env bash
# Same seed, same bytes, for every output kind; another seed, other bytes.
# Usage: determinism.sh SPICECAP_SYNTH
set -euo pipefail
synth=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
  local tag=$1 seed=$2; mkdir -p "$work/$tag/live" "$work/$tag/live-ryll" "$work/$tag/live-q" "$work/$tag/live-intent"
  "$synth" --scenario desktop --seed "$seed" -d 1 --max-image 128K -o "$work/$tag/d.pcap" -m "$work/$tag/d.json"
  "$synth" --scenario ring --seed "$seed" -d 2 --ryll-compat -o "$work/$tag/r.pcap"
  "$synth" --scenario video --seed "$seed" -d 0.3 --rate 3M -o "$work/$tag/v.pcap"
  "$synth" --scenario desktop --seed "$seed" -d 1 --max-image 64K --live "$work/$tag/live"
  "$synth" --scenario desktop --seed "$seed" -d 1 --max-image 64K --bugreport "$work/$tag/b.zip" -f k2
  # what ryll really writes: snaplen loss, socket reads, a queue overflow
  "$synth" --scenario desktop --seed "$seed" -d 2 --max-image 256K --ring display --ryll-compat \
    -o "$work/$tag/rr.pcap" -m "$work/$tag/rr.json"
  "$synth" --scenario desktop --seed "$seed" -d 1 --max-image 256K --ryll-compat --live "$work/$tag/live-ryll" \
    -m "$work/$tag/live-ryll.json"
  "$synth" --scenario desktop --seed "$seed" -d 1 --max-image 256K --ryll-compat --fault queue-overflow \
    --live "$work/$tag/live-q" -m "$work/$tag/live-q.json"
  "$synth" --scenario desktop --seed "$seed" -d 1 --max-image 64K --ryll-intent --live "$work/$tag/live-intent"
  "$synth" --scenario desktop --seed "$seed" -d 1 --max-image 256K --ryll-compat --bugreport "$work/$tag/br.zip"
  # what ryll's channels hand over (playback bodies, no usbredir), a type spice-protocol does not name
  "$synth" --scenario desktop --seed "$seed" -d 1 --max-image 64K --ryll-compat --unknown-type \
    --live "$work/$tag/live-u" -m "$work/$tag/live-u.json"
  "$synth" --scenario desktop --seed "$seed" -d 1 --max-image 64K --ryll-compat --unknown-type=1234 \
    --bugreport "$work/$tag/bu.zip" -m "$work/$tag/bu.json"
}
run a 42; run b 42; run c 43
diff -r "$work/a" "$work/b"
echo "seed 42 twice: $(find "$work/a" -type f | wc -l) files identical"
if cmp -s "$work/a/d.pcap" "$work/c/d.pcap"; then echo "seed 43 gave the same desktop capture"; exit 1; fi
if cmp -s "$work/a/live-ryll/display.pcap" "$work/c/live-ryll/display.pcap"; then
  echo "seed 43 gave the same socket reads"; exit 1
fi
echo "seed 43: different bytes"
