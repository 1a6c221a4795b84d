#!/usr/bin/env bash
# tshark, an independent reader, finds every checksum good in the clean
# fixtures and exactly one bad TCP checksum in the bad-checksum fixture.
# Usage: tshark_fixtures.sh TSHARK SOURCE_DIR
set -euo pipefail
tshark=$1 f=$2/fixtures
opts=(-o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -T fields -e ip.checksum.status -e tcp.checksum.status)
for capture in "$f"/clean/*.pcap "$f"/live/*.pcap; do
  total=$("$tshark" -r "$capture" "${opts[@]}" 2>/dev/null | wc -l)
  good=$("$tshark" -r "$capture" "${opts[@]}" 2>/dev/null | grep -c $'^1\t1$' || true)
  echo "$(basename "$capture"): $good of $total frames with both checksums good"
  [ "$total" -gt 0 ] && [ "$good" -eq "$total" ]
done
bad=$("$tshark" -r "$f/faults/bad-checksum.pcap" "${opts[@]}" 2>/dev/null | grep -c $'^1\t0$' || true)
echo "bad-checksum.pcap: $bad frame(s) with a bad TCP checksum"
[ "$bad" -eq 1 ]
