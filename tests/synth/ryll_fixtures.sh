#!/usr/bin/env bash
# The fixtures of what ryll really writes, checked by readers that share no
# code with the generator:
#  - check_ryll.py walks every record: the header, no record over the
#    snaplen, the seq chain's gaps exactly the manifest's snaplen gaps (each
#    65482k..65495k bytes), the queue-overflow drop under a contiguous chain,
#    every message held whole, cut or absent as the manifest says; live
#    received data in socket reads (records spanning message boundaries);
#    and each capture equal, record for record, to the same session written
#    with every record kept, less the records over 65535 bytes (and the
#    dropped read);
#  - tshark marks "previous segment not captured" on exactly the frames the
#    manifest names after each gap, and nowhere else;
#  - what ryll's channels hand to their recorders: a ring's playback holds
#    bodies without their header, one record each, and nothing sent; no
#    usbredir in a ring (a Usb report's traffic.pcap has no record); a live
#    directory holds capture.rs's five pcaps;
#  - check_unknown_type.py: the --unknown-type message, a type enums.h does
#    not define, is in the bytes where the manifest says;
#  - the reference samples from ryll's side keep the relation they document.
# Usage: ryll_fixtures.sh SPICECAP_SYNTH TSHARK SOURCE_DIR
set -euo pipefail
synth=$1 tshark=$2 f=$3/fixtures
check=$(dirname "$0")/check_ryll.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$check" "$f/live-reads/manifest.json" "$f/live-reads" --reads
python3 "$check" "$f/ryll/live/manifest.json" "$f/ryll/live" --reads \
  --same-as "$f/live-reads/manifest.json" "$f/live-reads"
python3 "$check" "$f/ryll/live-queue-overflow/manifest.json" "$f/ryll/live-queue-overflow" --reads \
  --same-as "$f/ryll/live/manifest.json" "$f/ryll/live"

# The ring and the bug report beside the Phase 08 intent of the same session,
# generated here (their options are regenerate.sh's, with --ryll-intent).
"$synth" --scenario desktop --seed 5 --duration 10 --max-image 128K --ring display --ring-cap 1M --ryll-intent \
  -o "$work/display-ring.pcap" -m "$work/display-ring.json"
"$synth" --scenario desktop --seed 7 --duration 4 --max-image 192K --ring-cap 512K --ryll-intent \
  --bugreport "$work/bugreport.zip" -m "$work/bugreport.json"
"$synth" --scenario video --seed 113 --duration 0.8 --rate 3M --ring display --ring-cap 1M --ryll-intent \
  -o "$work/video-ring.pcap" -m "$work/video-ring.json"
python3 "$check" "$f/ryll/display-ring.json" "$f/ryll/display-ring.pcap" \
  --same-as "$work/display-ring.json" "$work/display-ring.pcap"
python3 "$check" "$f/ryll/video-ring.json" "$f/ryll/video-ring.pcap" --same-as "$work/video-ring.json" "$work/video-ring.pcap"
python3 - "$f/ryll/video-ring.json" <<'PY'
import json, sys
gaps = [g for e in json.load(open(sys.argv[1]))["files"] for g in e["snaplen_loss"]["gaps"]]
odd = [g for g in gaps if g["bytes"] % 65495]
assert odd, "video-ring.pcap should hold a gap that is not a multiple of 65495 bytes"
print("video-ring.pcap: gap of %d bytes over records of %s bytes" % (odd[0]["bytes"], odd[0]["record_lengths"]))
PY
python3 "$check" "$f/ryll/bugreport.json" "$f/ryll/bugreport.zip" --same-as "$work/bugreport.json" "$work/bugreport.zip"

# What ryll's channels hand to their recorders, and a type spice-protocol does
# not name, each beside the same session recorded whole (regenerate.sh's
# options with --ryll-intent, or live reads of every channel).
"$synth" --scenario desktop --seed 21 --duration 3 --max-image 64K --ryll-intent \
  --bugreport "$work/autosnapshot-audio.zip" -m "$work/autosnapshot-audio.json"
python3 "$check" "$f/ryll/autosnapshot-audio.json" "$f/ryll/autosnapshot-audio.zip" --walk \
  --same-as "$work/autosnapshot-audio.json" "$work/autosnapshot-audio.zip"
python3 "$check" "$f/ryll/usb-report.json" "$f/ryll/usb-report.zip" --walk
"$synth" --scenario desktop --seed 24 --duration 2 --max-image 32K --ring display --ryll-intent --unknown-type \
  -o "$work/unknown-type-ring.pcap" -m "$work/unknown-type-ring.json"
python3 "$check" "$f/ryll/unknown-type-ring.json" "$f/ryll/unknown-type-ring.pcap" --walk \
  --same-as "$work/unknown-type-ring.json" "$work/unknown-type-ring.pcap"
mkdir "$work/live-unknown-type"
"$synth" --scenario desktop --seed 31 --duration 1.5 --max-image 128K --unknown-type --live "$work/live-unknown-type" \
  -m "$work/live-unknown-type.json"
python3 "$check" "$f/ryll/live-unknown-type/manifest.json" "$f/ryll/live-unknown-type" --reads \
  --same-as "$work/live-unknown-type.json" "$work/live-unknown-type"
unknown=$(dirname "$0")/check_unknown_type.py
python3 "$unknown" "$f/ryll/unknown-type-ring.json" "$f/ryll/unknown-type-ring.pcap" 399
python3 "$unknown" "$f/ryll/live-unknown-type/manifest.json" "$f/ryll/live-unknown-type" 399
PYTHONPATH=$(dirname "$0")/.. python3 - "$f/ryll" <<'PY'
import json, os, struct, sys, zipfile
import pcapio
ryll = sys.argv[1]
# The Usb report: ryll's usbredir channel has no ring, so traffic.pcap is
# ryll's header alone (big-endian, 2.4, snaplen 65535, Ethernet) and no record.
with zipfile.ZipFile(os.path.join(ryll, "usb-report.zip")) as z:
    traffic, meta = z.read("traffic.pcap"), json.loads(z.read("metadata.json"))
assert traffic == struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1), traffic.hex()
assert (meta["report_type"], meta["channel"]) == ("Usb", "usbredir"), meta
# The audio auto-snapshot: every playback message a body without its header,
# among them the 20 ms data frames (3844-byte bodies) and a stop of no body.
m = json.load(open(os.path.join(ryll, "autosnapshot-audio.json")))
play = [x for x in m["messages"] if x["channel"] == "playback"]
assert play and all(x["header_recorded"] is False and x["direction"] == "received" for x in play), play[:2]
assert any(x["recorded_size"] == 3844 for x in play) and play[-1]["recorded_size"] == 0, play[-1]
assert not [x for x in m["messages"] if x["channel"] == "usbredir"]
print("usb-report.zip: traffic.pcap is ryll's header and no record; autosnapshot-audio.zip: %d playback bodies "
      "without their header" % len(play))
PY

# tshark's view of the gaps.
python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("traffic.pcap"))' \
  "$f/ryll/bugreport.zip" "$work/traffic.pcap"
lost() { "$tshark" -r "$1" -Y tcp.analysis.lost_segment -T fields -e frame.number 2>/dev/null | tr '\n' ' '; }
listed() {
  python3 - "$1" "$2" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
entry = [e for e in m["files"] if e["file"] == sys.argv[2]][0]
print("".join("%d " % g["next_frame"] for g in entry["snaplen_loss"]["gaps"] if g["prev_frame"]), end="")
PY
}
compare_lost() { # capture manifest file-name
  local seen want
  seen=$(lost "$1") want=$(listed "$2" "$3")
  [ "$seen" = "$want" ] || { echo "FAIL: $1: tshark finds segments lost before frames [$seen], the manifest [$want]"; exit 1; }
  echo "tshark: $(basename "$(dirname "$1")")/$(basename "$1"): segments lost before frames [${seen% }], as listed"
}
for dir in ryll/live ryll/live-queue-overflow ryll/live-unknown-type; do
  for capture in "$f/$dir"/*.pcap; do
    compare_lost "$capture" "$f/$dir/manifest.json" "$(basename "$capture")"
  done
done
for capture in "$f"/live-reads/*.pcap; do
  compare_lost "$capture" "$f/live-reads/manifest.json" "$(basename "$capture")"
done
compare_lost "$f/ryll/display-ring.pcap" "$f/ryll/display-ring.json" display-ring.pcap
compare_lost "$f/ryll/video-ring.pcap" "$f/ryll/video-ring.json" video-ring.pcap
compare_lost "$work/traffic.pcap" "$f/ryll/bugreport.json" traffic.pcap
compare_lost "$f/ryll/unknown-type-ring.pcap" "$f/ryll/unknown-type-ring.json" unknown-type-ring.pcap
python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("traffic.pcap"))' \
  "$f/ryll/autosnapshot-audio.zip" "$work/audio-traffic.pcap"
compare_lost "$work/audio-traffic.pcap" "$f/ryll/autosnapshot-audio.json" traffic.pcap

# The reference samples: the live "real" one is the complete one less every
# record over its snaplen, and no "real" sample holds such a record.
python3 - "$f/ref" "$(dirname "$0")/.." <<'PY'
import os, sys
sys.path.insert(0, sys.argv[2])
import pcapio  # the tests' pcap reader
def records(path):
    cap = pcapio.read_pcap_file(path)
    assert not cap.trailing, "%s: a record header cut short" % path
    return cap.snaplen, [(r.ts_sec, r.ts_frac, r.caplen, r.data) for r in cap.records]
ref = sys.argv[1]
snap, full = records(os.path.join(ref, "ryll-live-display.pcap"))
snap_real, real = records(os.path.join(ref, "ryll-live-display-real.pcap"))
assert snap == snap_real == 65535, (snap, snap_real)
kept = [r for r in full if r[2] <= snap]
assert kept == real, "ryll-live-display-real.pcap is not ryll-live-display.pcap less its long records"
for name in ("ryll-live-display-real.pcap", "ryll-display-real.pcap"):
    s, recs = records(os.path.join(ref, name))
    assert all(r[2] <= s for r in recs), name
print("ref: ryll-live-display-real.pcap = ryll-live-display.pcap less its %d records over 65535 bytes" %
      (len(full) - len(kept)))
PY
