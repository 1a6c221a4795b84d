#!/usr/bin/env bash
# Every committed fixture agrees with its manifest (read back independently),
# every fault is where its manifest says, and the seq-wrap capture really
# wraps inside a message.
# Usage: check_fixtures.sh SOURCE_DIR
set -euo pipefail
f=$1/fixtures
check=$(dirname "$0")/check_capture.py
for name in desktop video seq-wrap ring display-ring-ryll; do
  python3 "$check" "$f/clean/$name.json" "$f/clean/$name.pcap"
done
python3 "$check" "$f/live/manifest.json" "$f/live"
python3 "$check" "$f/bugreport/manifest.json" "$f/bugreport/bugreport.zip"
for fault in k2 drop-segment duplicate-segment reorder-segments bad-checksum truncate-file lying-size; do
  python3 "$check" "$f/faults/$fault.json" "$f/faults/$fault.pcap"
  python3 - "$f/faults/$fault.json" "$fault" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
kinds = {x["kind"] for x in m["faults"]}
assert kinds == {sys.argv[2]}, "manifest records %s, expected only %s" % (kinds, sys.argv[2])
PY
done
python3 - "$f/clean/seq-wrap.json" "$f/clean/video.json" <<'PY'
import json, sys
wrap = json.load(open(sys.argv[1]))["messages"]
crossing = [m for m in wrap if m["seq"] + m["wire_size"] > 2**32 and m["segments"] > 1]
assert crossing, "no multi-segment message crosses 2^32"
video = json.load(open(sys.argv[2]))["messages"]
frames = [m for m in video if m["name"] in ("stream_data", "stream_data_sized")]
multi = [m for m in frames if m["segments"] > 1]
assert len(multi) * 2 > len(frames), "most video frames should span several segments"
print("seq-wrap: %d message(s) wrap mid-message; video: %d of %d frames multi-segment" % (
    len(crossing), len(multi), len(frames)))
PY
