#!/usr/bin/env python3
"""The spicecap plugin under tshark: every clean fixture dissects to exactly
its manifest's messages (channel, direction, type, wire size), large messages
once with their segment count, and real VNC traffic on port 5900 still
decodes as VNC.

Wireshark 4.0 loads no personal plugin and ignores WIRESHARK_PLUGIN_DIR for
root, so tshark runs as uid 65534 with the plugin in a private folder.
Usage: test_dissect.py TSHARK PLUGIN_SO WIRESHARK_MAJOR_MINOR SOURCE_DIR"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import Results, Tshark  # noqa: E402

TSHARK, PLUGIN, VERSION, SRC = sys.argv[1:5]
FIX = os.path.join(SRC, "fixtures")
results = Results()
check = results.check
ts = Tshark(TSHARK, PLUGIN, VERSION)


def tshark(capture, *args):
    code, out, _ = ts.run(*args, capture=capture)
    return code, out


def dissected(capture):
    """[(channel, direction, type, wire_size, segments)] in frame order."""
    code, out = tshark(capture, "-Y", "spicecap", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                       "-e", "spicecap.channel", "-e", "spicecap.direction", "-e", "spicecap.type",
                       "-e", "spicecap.wire_size", "-e", "spicecap.segments")
    messages = []
    for line in out.splitlines():
        cols = [c.split(",") for c in line.split("\t")]
        for i in range(len(cols[0])):
            messages.append((cols[0][i], cols[1][i], int(cols[2][i]), int(cols[3][i]), int(cols[4][i])))
    return code, messages


try:
    code, listing, _ = ts.run("-G", "plugins")
    check("tshark -G plugins lists spicecap.so", "spicecap.so" in listing, listing[-300:])

    captures = [("clean/%s.pcap" % n, "clean/%s.json" % n) for n in
                ("desktop", "video", "seq-wrap", "ring", "display-ring-ryll")]
    captures.append(("ref/ryll-display-sample.pcap", "ref/ryll-display-sample.json"))
    for capture, manifest in captures:
        want = [(m["channel"], m["direction"], m["type"], m["wire_size"], m["segments"])
                for m in json.load(open(os.path.join(FIX, manifest)))["messages"]]
        code, got = dissected(os.path.join(FIX, capture))
        check("%s: %d messages dissected, equal to the manifest" % (capture, len(want)), code == 0 and got == want,
              "exit %d, %d dissected; first difference: %s" % (
                  code, len(got), next(((a, b) for a, b in zip(want, got) if a != b), None)))

    # The 247018-byte stream_create of the ryll sample spans 4 segments: shown once, in frame 4.
    code, out = tshark(os.path.join(FIX, "ref/ryll-display-sample.pcap"), "-Y", "spicecap.wire_size == 247018",
                       "-T", "fields", "-e", "frame.number", "-e", "spicecap.segments", "-e", "spicecap.name")
    check("a 4-segment message is shown once, in the frame that completes it", out.strip() == "4\t4\tstream_create",
          out)

    # -z spicecap,stat: per channel/direction/type counts and bytes equal the manifest's.
    manifest = json.load(open(os.path.join(FIX, "clean/desktop.json")))["messages"]
    want = {}
    for m in manifest:
        key = (m["channel"], m["direction"], m["name"])
        n, b = want.get(key, (0, 0))
        want[key] = (n + 1, b + m["wire_size"])
    code, out = tshark(os.path.join(FIX, "clean/desktop.pcap"), "-q", "-z", "spicecap,stat")
    got = {}
    for line in out.splitlines():
        cols = line.split()
        if len(cols) == 5 and cols[3].isdigit() and cols[0] != "total":
            got[(cols[0], cols[1], cols[2])] = (int(cols[3]), int(cols[4]))
    check("-z spicecap,stat counts messages and bytes per channel, direction and type", got == want,
          (len(got), len(want), out[-500:]))

    # Bodies as fields: a draw_copy's bitmap is its wire size less the 99 bytes of header, display
    # base, copy, image descriptor and bitmap header (docs/synth.md); stream data less 18.
    code, out = tshark(os.path.join(FIX, "clean/desktop.pcap"), "-Y", 'spicecap.name == "draw_copy"', "-T", "fields",
                       "-e", "spicecap.display.image.width", "-e", "spicecap.display.image.height",
                       "-e", "spicecap.display.image.data_size", "-e", "spicecap.wire_size")
    rows = [list(map(int, line.split("\t"))) for line in out.splitlines()]
    check("draw_copy image descriptor: width x height x 4 = data size = wire size - 99",
          rows and all(w * h * 4 == d == wire - 99 for w, h, d, wire in rows), rows[:3])
    code, out = tshark(os.path.join(FIX, "clean/video.pcap"), "-Y", 'spicecap.name == "stream_data"', "-T", "fields",
                       "-e", "spicecap.display.stream.id", "-e", "spicecap.display.stream.data_size",
                       "-e", "spicecap.wire_size")
    rows = [list(map(int, line.split("\t"))) for line in out.splitlines()]
    check("stream_data: stream 7, data size = wire size - 18", rows and all(
        i == 7 and d == wire - 18 for i, d, wire in rows), rows[:3])
    code, out = tshark(os.path.join(FIX, "clean/desktop.pcap"), "-Y", "spicecap.inputs.scancode", "-T", "fields",
                       "-e", "spicecap.name")
    names = set(out.split())
    check("key events carry their scancodes", names == {"key_down", "key_up"}, names)
    code, out = tshark(os.path.join(FIX, "clean/desktop.pcap"), "-q", "-z", "expert")
    check("a clean capture raises no expert info from spicecap", "SPICEcap" not in out, out[-400:])

    # The K2 bug: every 0-byte record carries the "dropped by the recorder" expert info.
    code, out = tshark(os.path.join(FIX, "ref/ryll-display-k2.pcap"), "-Y", "spicecap.dropped", "-T", "fields",
                       "-e", "frame.number")
    check("ryll K2 sample: 7 frames flagged 'message dropped by the recorder'",
          out.split() == ["1", "8", "15", "22", "29", "43", "50"], out)
    code, out = tshark(os.path.join(FIX, "faults/k2.pcap"), "-Y", "spicecap.dropped", "-T", "fields",
                       "-e", "frame.number")
    k2 = json.load(open(os.path.join(FIX, "faults/k2.json")))["faults"]
    check("k2 fixture: the dropped messages are flagged at the manifest's frames",
          out.split() == [str(f["frame"]) for f in k2], (out, k2))

    # Golden -V output (spicecap's subtree expanded) for a small fixture: any change to what a user
    # reads shows up here. Regenerate with: tshark -r fixtures/live/cursor.pcap -V -O spicecap.
    code, out = tshark(os.path.join(FIX, "live/cursor.pcap"), "-V", "-O", "spicecap")
    golden = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "cursor-V.txt")).read()
    check("golden -V output of live/cursor.pcap", out == golden,
          next(((i, a, b) for i, (a, b) in enumerate(zip(golden.splitlines(), out.splitlines())) if a != b), None))

    # Real VNC on port 5900 (not ryll's addresses) still goes to the VNC dissector.
    rfb = b"RFB 003.008\n"
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 20 + len(rfb), 0, 0x4000, 64, 6, 0, bytes([192, 168, 1, 1]),
                     bytes([192, 168, 1, 2]))
    tcp = struct.pack("!HHIIBBHHH", 5900, 40000, 1, 1, 0x50, 0x18, 65535, 0, 0)
    frame = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp + rfb
    vnc = ts.path("vnc.pcap")
    with open(vnc, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        f.write(struct.pack("<IIII", 0, 0, len(frame), len(frame)) + frame)
    code, out = tshark(vnc, "-T", "fields", "-e", "_ws.col.Protocol")
    check("real VNC on port 5900 still decodes as VNC", out.strip() == "VNC", out)
finally:
    ts.close()
sys.exit(results.finish())
