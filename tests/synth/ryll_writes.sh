#!/usr/bin/env bash
# What --ryll-compat records of each channel, as ryll's channel code hands it
# over, on sessions generated here, read back with Python's zipfile and
# tests/pcapio.py (the rules are restated below, not taken from the
# generator):
#  - a ring holds main, display, inputs and cursor whole both ways; of
#    playback only received bodies, without their 6-byte header (one record
#    each, the seq advancing by the body); of usbredir nothing. So a Usb
#    report's traffic.pcap and a drained usbredir ring have no record, an
#    AutoSnapshot no port 10009 record and nothing sent from port 10099, and
#    its channel-state.json counts the playback ring's shorter frames;
#  - --live DIR makes DIR and its parents, and writes exactly main, display,
#    cursor, inputs and usbredir .pcap (a channel without traffic gets ryll's
#    header alone) and metadata.json; a failed run leaves none of it, the
#    directories it made included;
#  - --unknown-type in every output: one display message from the server of
#    the type asked for, listed with no name and in unknown_type, and the
#    session's other messages those of the same seed without it;
#  - --ryll-intent and the default output record every channel whole.
# Usage: ryll_writes.sh SPICECAP_SYNTH
set -euo pipefail
synth=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { "$synth" --scenario desktop --seed 9 -d 1.5 --max-image 32K "$@"; }

run --ryll-compat --report-type usb --bugreport "$work/usb.zip" -m "$work/usb.json"
run --ryll-compat --bugreport "$work/auto.zip" -m "$work/auto.json"
run --ryll-intent --bugreport "$work/auto-intent.zip" -m "$work/auto-intent.json"
run --bugreport "$work/auto-ours.zip"
run --ryll-compat --ring usbredir -o "$work/usbredir-ring.pcap"
run --ryll-compat --ring playback -o "$work/playback-ring.pcap" -m "$work/playback-ring.json"
run --ryll-intent --ring playback -o "$work/playback-intent.pcap" -m "$work/playback-intent.json"
run --ryll-compat --live "$work/made/a/b" -m "$work/live.json"
"$synth" --scenario video --seed 9 -d 0.2 --rate 1M --ryll-compat --live "$work/video-live"
mkdir "$work/ours-live"
run --live "$work/ours-live"
for out in pcap ring live bugreport; do
  case $out in
    pcap) args=(-o "$work/u-$out.pcap") base=(-o "$work/b-$out.pcap") ;;
    ring) args=(--ring display --ryll-compat -o "$work/u-$out.pcap") base=(--ring display --ryll-compat -o "$work/b-$out.pcap") ;;
    live) args=(--ryll-compat --live "$work/u-$out") base=(--ryll-compat --live "$work/b-$out") ;;
    bugreport) args=(--bugreport "$work/u-$out.zip") base=(--bugreport "$work/b-$out.zip") ;;
  esac
  run --unknown-type=4000 "${args[@]}" -m "$work/u-$out.json"
  run "${base[@]}" -m "$work/b-$out.json"
done
run --unknown-type -o "$work/u-default.pcap" -m "$work/u-default.json"
run --unknown-type -o "$work/u-again.pcap" -m "$work/u-again.json"
cmp "$work/u-default.pcap" "$work/u-again.pcap"

# A failed run leaves nothing: a path under a file, and a session with no
# read for the queue overflow to drop, in a directory it made.
touch "$work/file"
for args in "--live $work/file/sub" "--live $work/gone/x -d 0.01 --fault queue-overflow"; do
  # shellcheck disable=SC2086
  if "$synth" --scenario desktop --seed 9 --ryll-compat $args 2>"$work/err"; then
    echo "FAIL: --ryll-compat $args succeeded"; exit 1
  fi
  echo "ok: refused: $(cat "$work/err")"
done
[ ! -e "$work/file/sub" ] && [ ! -e "$work/gone" ] || { echo "FAIL: a failed run left $(ls "$work")"; exit 1; }

PYTHONPATH=$(dirname "$0")/.. python3 - "$work" <<'PY'
import json, os, struct, sys, zipfile
import pcapio
w = sys.argv[1]
PORTS = {10001: "main", 10002: "display", 10003: "inputs", 10004: "cursor", 10009: "usbredir", 10099: "playback"}
RYLL_HEADER = struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
problems = []


def records(data):
    out = []
    for r in pcapio.read_pcap(data).records:
        seg = pcapio.parse_tcp(r.data)
        received = seg.sport == 5900
        out.append((PORTS[seg.dport if received else seg.sport], "received" if received else "sent", seg.seq,
                    bytes(seg.payload)))
    return out


def traffic(name):
    with zipfile.ZipFile(os.path.join(w, name)) as z:
        return z.read("traffic.pcap")


def flows(recs):
    return {(c, d) for c, d, _, _ in recs}


def expect(cond, text):
    if not cond:
        problems.append(text)
    else:
        print("ok: " + text)


usb = traffic("usb.zip")
expect(usb == RYLL_HEADER, "Usb report: traffic.pcap is ryll's header and no record")
expect(json.load(open(os.path.join(w, "usb.json")))["messages"] == [], "Usb report: its manifest lists no message")
empty = open(os.path.join(w, "usbredir-ring.pcap"), "rb").read()
expect(empty == RYLL_HEADER, "drained usbredir ring: no record")

auto = records(traffic("auto.zip"))
expect(flows(auto) == {(c, d) for c in ("main", "display", "inputs", "cursor") for d in ("sent", "received")} |
       {("playback", "received")}, "AutoSnapshot: main, display, inputs, cursor both ways, playback received only")
# channel-state.json (every channel's snapshot, keyed by name) counts what the channels received, ring or
# not: playback's bytes_in is its bodies in the ring plus their 6-byte headers; usbredir's traffic is
# counted though its ring holds nothing.
with zipfile.ZipFile(os.path.join(w, "auto.zip")) as z:
    state = json.loads(z.read("channel-state.json"))
    frames = [r.data for r in pcapio.read_pcap(z.read("traffic.pcap")).records]
play = [f for f in frames if pcapio.parse_tcp(f).dport == 10099]
bodies = sum(len(pcapio.parse_tcp(f).payload) for f in play)
expect(state["playback"]["bytes_in"] == bodies + 6 * len(play),
       "AutoSnapshot: playback's bytes_in %d is its %d bodies (%d bytes) with their headers"
       % (state["playback"]["bytes_in"], len(play), bodies))
expect(state["usbredir"]["bytes_in"] > 0 and state["usbredir"]["bytes_out"] > 0,
       "AutoSnapshot: usbredir's traffic is counted in its snapshot, though its ring is empty")
for name in ("auto-intent.zip", "auto-ours.zip"):
    expect(("usbredir", "sent") in flows(records(traffic(name))) and ("playback", "sent") in flows(records(traffic(name))),
           "%s: every channel recorded whole, usbredir and playback's sends included" % name)

# Playback's ring: each record one body, its seq right after the last, and
# the bodies the messages of the whole-message ring less their headers.
bodies = [r for r in records(open(os.path.join(w, "playback-ring.pcap"), "rb").read())]
whole = [r for r in records(open(os.path.join(w, "playback-intent.pcap"), "rb").read()) if r[1] == "received"]
expect([b[3] for b in bodies] == [m[3][6:] for m in whole] and all(b[1] == "received" for b in bodies),
       "playback ring: %d records, each the body of a message of the whole ring (%d)" % (len(bodies), len(whole)))
seq = 2000
for b in bodies:
    if b[2] != seq:
        problems.append("playback ring: a body at seq %d, want %d" % (b[2], seq))
    seq += len(b[3])
expect(all(struct.unpack("<I", m[3][2:6])[0] == len(m[3]) - 6 for m in whole), "playback: the whole ring's headers")
pm = json.load(open(os.path.join(w, "playback-ring.json")))["messages"]
im = json.load(open(os.path.join(w, "playback-intent.json")))["messages"]
expect([(m["type"], m["wire_size"], m["recorded_size"], m["header_recorded"]) for m in pm] ==
       [(m["type"], m["wire_size"], m["wire_size"] - 6, False) for m in im if m["direction"] == "received"],
       "playback ring manifest: each message's type and wire size, header_recorded false, recorded_size the body")

# Live directories.
five = ["cursor.pcap", "display.pcap", "inputs.pcap", "main.pcap", "metadata.json", "usbredir.pcap"]
expect(sorted(os.listdir(os.path.join(w, "made/a/b"))) == five, "--ryll-compat --live made a/b and wrote %s" % five)
video = os.path.join(w, "video-live")
expect(sorted(os.listdir(video)) == five and
       [n for n in five if n.endswith(".pcap") and open(os.path.join(video, n), "rb").read() == RYLL_HEADER] ==
       ["cursor.pcap", "inputs.pcap", "main.pcap", "usbredir.pcap"],
       "video --ryll-compat --live: five pcaps, the four without traffic ryll's header alone")
expect("playback.pcap" in os.listdir(os.path.join(w, "ours-live")), "--live without --ryll-compat: playback.pcap too")
lm = json.load(open(os.path.join(w, "live.json")))
expect(sorted(f["file"] for f in lm["files"]) == [n for n in five if n.endswith(".pcap")] and
       not [m for m in lm["messages"] if m["channel"] == "playback"], "live manifest: five files, no playback")

# --unknown-type in each output.
for out in ("pcap", "ring", "live", "bugreport"):
    u = json.load(open(os.path.join(w, "u-%s.json" % out)))
    b = json.load(open(os.path.join(w, "b-%s.json" % out)))
    ut = u["unknown_type"]
    odd = [i for i, m in enumerate(u["messages"]) if m["type"] == 4000]
    key = lambda m: (m["channel"], m["direction"], m["type"], m["wire_size"], m["ts_us"])
    rest = [key(m) for i, m in enumerate(u["messages"]) if i not in odd]
    expect(ut["type"] == 4000 and (ut["channel"], ut["direction"]) == ("display", "received") and odd == [ut["message"]]
           and u["messages"][odd[0]]["name"] is None and "unknown_type" not in b,
           "--unknown-type=4000, %s: one display message of type 4000, unnamed, at unknown_type.message" % out)
    if out != "live":  # live reads are drawn per received message, so they move
        expect(rest == [key(m) for m in b["messages"]], "--unknown-type, %s: the other messages unchanged" % out)
d = json.load(open(os.path.join(w, "u-default.json")))["unknown_type"]
expect(d["type"] == 399, "--unknown-type alone: type 399")
for p in problems:
    print("FAIL: " + p)
sys.exit(1 if problems else 0)
PY
