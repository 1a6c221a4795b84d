#!/usr/bin/env bash
# An independent reader's view of a drained ring: tshark verifies every IPv4
# and TCP checksum, finds no TCP analysis problem (gap, overlap,
# retransmission), and its reassembled server stream equals the bytes sent.
# Usage: tshark_checksums.sh MAKE_DRAINED_CAPTURE TSHARK
set -euo pipefail
make_capture=$1 tshark=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$make_capture" "$work/drained.pcap" "$work/server-stream.bin" >/dev/null

opts=(-o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE)
frames=$("$tshark" -r "$work/drained.pcap" "${opts[@]}" -T fields -e frame.number | wc -l)
# Checksum status 1 is "Good" (0 bad, 2 unverified): every frame must say 1 twice.
good=$("$tshark" -r "$work/drained.pcap" "${opts[@]}" -T fields -e ip.checksum.status -e tcp.checksum.status |
  grep -c $'^1\t1$' || true)
echo "frames: $frames, both checksums good: $good"
[ "$frames" -eq 21 ] || { echo "expected 21 frames (14 messages, 21 segments)"; exit 1; }
[ "$good" -eq "$frames" ] || { echo "some frame has a bad or unverified checksum"; exit 1; }

flagged=$("$tshark" -r "$work/drained.pcap" "${opts[@]}" -Y "tcp.analysis.flags && !tcp.analysis.window_update" | wc -l)
[ "$flagged" -eq 0 ] || { echo "tshark flags $flagged frames (lost segment, overlap, ...)"; exit 1; }

# Follow the flow: lines of the node that spoke first are flush left, the
# other node's are tab-indented. Pick the server's (10.0.0.2:5900) lines.
"$tshark" -r "$work/drained.pcap" -q -z follow,tcp,raw,0 > "$work/follow.txt"
if grep -q '^Node 0: 10.0.0.2:5900$' "$work/follow.txt"; then server_lines='^[0-9a-f]+$'; else server_lines='^\t[0-9a-f]+$'; fi
sed -n '/^Node 1:/,/^=====/p' "$work/follow.txt" | grep -P "$server_lines" | tr -d '\t\n' | xxd -r -p > "$work/followed.bin"
cmp "$work/server-stream.bin" "$work/followed.bin"
echo "server stream reassembled by tshark: $(stat -c %s "$work/followed.bin") bytes, identical"
