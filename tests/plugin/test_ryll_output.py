"""The plugin on what ryll really writes (issue 12): records over its 65535
snaplen never written (seq gaps), live captures written per socket read, and
bytes that vanish under a contiguous seq when its writer's queue overflows.

On every real-output fixture (fixtures/ryll/**, fixtures/live-reads/,
fixtures/ref/ryll-*.pcap), with the manifest's word for what the file holds
of each message (held: whole, cut, absent):
- the messages shown whole are the manifest's whole messages (channel,
  direction, type, wire size), in order;
- each loss is flagged once: every seq gap with one expert info in the frame
  after it (spicecap.message_cut naming the message it cut, or
  spicecap.seq_gap), every queue overflow with one spicecap.header_desync,
  and no other loss expert info;
- each message cut with its header in the file is shown once as cut, with its
  type and wire size;
- a capture with no loss raises no loss expert info;
- the validator finds each loss in the frame the plugin flags it in;
- one pass and two (tshark -2) show the same trees;
- the statistics count the cut messages and the bytes missing.

What the plugin shows is read from tshark -T pdml, one spicecap item at a
time (a frame may show several messages and losses). The ref/ manifests have
no held: it is computed here from the file's own records (every byte of the
message's seq range in some record).

Run by ctest (plugin_ryll_output); one check by hand, e.g.
python3 -m pytest tests/plugin/test_ryll_output.py -k queue-overflow"""
import collections
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import pytest

import pcapio
from test_dissect import plugin_lines

LOSS_EXPERTS = ("spicecap.message_cut", "spicecap.seq_gap", "spicecap.header_desync", "spicecap.message_suspect",
                "spicecap.size_short", "spicecap.size_long")


def fixtures(fixtures_dir):
    """(id, pcap, manifest, file name in the manifest) of every real-output fixture."""
    out = [("ryll/display-ring", "ryll/display-ring.pcap", "ryll/display-ring.json"),
           ("ryll/video-ring", "ryll/video-ring.pcap", "ryll/video-ring.json"),
           ("ryll/bugreport", "ryll/bugreport.zip", "ryll/bugreport.json")]
    for ident, pcap, manifest in (("ryll/autosnapshot-audio", "ryll/autosnapshot-audio.zip",
                                   "ryll/autosnapshot-audio.json"),
                                  ("ryll/unknown-type-ring", "ryll/unknown-type-ring.pcap",
                                   "ryll/unknown-type-ring.json")):
        if os.path.exists(os.path.join(fixtures_dir, pcap)):
            out.append((ident, pcap, manifest))
    for d in ("ryll/live", "ryll/live-queue-overflow", "ryll/live-unknown-type", "live-reads"):
        if not os.path.isdir(os.path.join(fixtures_dir, d)):
            continue
        for name in sorted(os.listdir(os.path.join(fixtures_dir, d))):
            if name.endswith(".pcap"):
                out.append(("%s/%s" % (d, name[:-5]), "%s/%s" % (d, name), "%s/manifest.json" % d))
    for name in ("ryll-display-real", "ryll-live-display-real", "ryll-live-display"):
        out.append(("ref/" + name, "ref/%s.pcap" % name, "ref/%s.json" % name))
    return out


FIXTURES = fixtures(os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                 "fixtures"))
IDS = [f[0] for f in FIXTURES]


class Capture:
    """A fixture: its records (per direction: seq, length, frame), its manifest's messages and losses,
    and what the plugin shows."""

    def __init__(self, ts, fixtures_dir, fixture):
        ident, pcap, manifest = fixture
        path = os.path.join(fixtures_dir, pcap)
        if path.endswith(".zip"):  # a bug report: its traffic.pcap
            with zipfile.ZipFile(path) as z:
                data = z.read("traffic.pcap")
            path = ts.path(ident.replace("/", "-") + ".pcap")
            with open(path, "wb") as f:
                f.write(data)
            os.chmod(path, 0o644)
        self.path = path
        name = os.path.basename(pcap) if not pcap.endswith(".zip") else "traffic.pcap"
        with open(os.path.join(fixtures_dir, manifest)) as f:
            m = json.load(f)
        self.records = collections.defaultdict(list)  # direction -> [(seq, len, frame)]
        with open(path, "rb") as f:
            cap = pcapio.read_pcap(f.read())
        for number, rec in enumerate(cap.records, 1):
            t = pcapio.parse_tcp(rec.data)
            if t is not None and t.payload:
                self.records["received" if t.sport == 5900 else "sent"].append((t.seq, len(t.payload), number))
        self.messages = [x for x in m["messages"] if x.get("file", name) == name]
        for x in self.messages:
            if "held" not in x:
                x["missing"] = self.missing(x)
                x["vanished"] = []
                x["held"] = "whole" if not x["missing"] else "absent" if x["missing"] == [
                    [x["seq"], x["seq"] + x["wire_size"]]] else "cut"
        files = [f for f in m.get("files", []) if f["file"] == name]
        if files:
            self.gaps = [(g["direction"], g["seq_start"], g["seq_end"], g["next_frame"], g["prev_frame"])
                         for g in files[0]["snaplen_loss"]["gaps"]]
            self.drops = files[0].get("queue_overflow", {}).get("drops", [])
        else:
            self.gaps, self.drops = self.seq_gaps(), []
        self.items, self.bugs = shown(ts, path)

    def missing(self, x):
        """The seq ranges of the message no record holds (the ref/ manifests do not say)."""
        out, at, end = [], x["seq"], x["seq"] + x["wire_size"]
        for seq, n, _ in sorted(self.records[x["direction"]]):
            if seq + n <= at or seq >= end:
                continue
            if seq > at:
                out.append([at, seq])
            at = max(at, seq + n)
        if at < end:
            out.append([at, end])
        return out

    def seq_gaps(self):
        """The breaks of each direction's seq chain: (direction, start, end, next frame, previous frame),
        and the records before its first that the session sent (previous frame 0)."""
        out = []
        for direction, recs in self.records.items():
            sent_before = [x["seq"] for x in self.messages if x["direction"] == direction and x["seq"] < recs[0][0]]
            if sent_before:
                out.append((direction, min(sent_before), recs[0][0], recs[0][2], 0))
            for (seq, n, frame), (seq2, _, frame2) in zip(recs, recs[1:]):
                if seq2 != seq + n:
                    out.append((direction, seq + n, seq2, frame2, frame))
        return out

    def first_byte_held(self, x):
        return any(seq <= x["seq"] < seq + n for seq, n, _ in self.records[x["direction"]])


def shown(ts, path):
    """Per spicecap item: (frame, its fields (first value of each), its expert infos' names)."""
    code, out, err = ts.run("-T", "pdml", "-J", "spicecap", "-o", "tcp.relative_sequence_numbers:FALSE",
                            capture=path)
    assert code == 0, err[-500:]
    bugs = re.findall(r'\[Malformed Packet[^"]*|Dissector bug[^"]*', out)
    items = []
    for packet in ET.fromstring(out).iter("packet"):
        frame = int(next(f for f in packet.iter("field") if f.get("name") == "num").get("show"))
        for proto in packet.findall("proto"):
            if proto.get("name") != "spicecap":
                continue
            fields, experts = {}, []
            for f in proto.iter("field"):
                name = f.get("name")
                if name.startswith("_ws.expert"):
                    continue
                if name in LOSS_EXPERTS or name in ("spicecap.short_body", "spicecap.unknown_type",
                                                    "spicecap.size_insane"):
                    experts.append(name)
                else:
                    fields.setdefault(name, f.get("show"))
            items.append((frame, fields, experts))
    return items, bugs


@pytest.fixture(scope="module", params=FIXTURES, ids=IDS)
def capture(request, ts, fixtures_dir):
    return request.param[0], Capture(ts, fixtures_dir, request.param)


def whole_shown(items):
    """The messages shown whole, per (channel, direction): (type, wire size), or ("body", its size) for
    a body ryll recorded without its header."""
    got = collections.defaultdict(list)
    for _, f, _ in items:
        if "spicecap.header_not_recorded" in f:
            got[f["spicecap.channel"], f["spicecap.direction"]].append(("body", int(f["spicecap.body_size"])))
        elif "spicecap.name" in f and not {"spicecap.cut", "spicecap.suspect", "spicecap.size_held"} & set(f):
            got[f["spicecap.channel"], f["spicecap.direction"]].append((int(f["spicecap.type"]),
                                                                        int(f["spicecap.wire_size"])))
    return got


def test_no_exception(capture):
    """No frame shows a dissector bug or a malformed-packet exception."""
    ident, c = capture
    assert not c.bugs, (ident, c.bugs[:3])


def test_whole_messages_shown(capture):
    """Every message the file holds whole is shown, with its channel, direction, type and wire size, in
    order; nothing else is shown as a whole message."""
    ident, c = capture
    want = collections.defaultdict(list)
    for x in c.messages:
        if x["held"] == "whole" and x.get("header_recorded") is False:
            want[x["channel"], x["direction"]].append(("body", x["recorded_size"]))
        elif x["held"] == "whole":
            want[x["channel"], x["direction"]].append((x["type"], x["wire_size"]))
    got = whole_shown(c.items)
    for key in set(want) | set(got):
        assert got[key] == want[key], "%s %s: %d shown, %d whole in the file; first difference %s" % (
            ident, key, len(got[key]), len(want[key]),
            next(((a, b) for a, b in zip(want[key], got[key]) if a != b), None))


def test_losses_flagged_once(capture):
    """One loss expert info per seq gap (in the frame after it), one header desync per queue overflow
    (at or after it), and none other."""
    ident, c = capture
    flags = collections.Counter()
    for frame, _, experts in c.items:
        for e in experts:
            if e in LOSS_EXPERTS:
                flags[frame, e] += 1
    expected = 0
    for direction, start, end, next_frame, prev_frame in c.gaps:
        if prev_frame == 0 and any(x["seq"] == end and x["direction"] == direction for x in c.messages):
            continue  # the flow's first record starts a message: nothing tells of the records before it
        at = flags[next_frame, "spicecap.message_cut"] + flags[next_frame, "spicecap.seq_gap"]
        assert at == 1, "%s: gap [%d, %d) %s: %d flags in frame %d" % (ident, start, end, direction, at, next_frame)
        expected += 1
    desyncs = [frame for (frame, e), n in flags.items() for _ in range(n) if e == "spicecap.header_desync"]
    assert len(desyncs) == len(c.drops), (ident, desyncs, c.drops)
    for drop, frame in zip(c.drops, sorted(desyncs)):
        assert frame >= drop["next_frame"], (ident, drop, frame)
    expected += len(c.drops)
    suspects = sum(n for (_, e), n in flags.items() if e == "spicecap.message_suspect")
    assert suspects <= len(c.drops), (ident, suspects)
    expected += suspects
    assert sum(flags.values()) == expected, (ident, sorted(flags.items()))


def test_cut_messages_shown_once(capture):
    """Each message a seq gap cut whose header is in the file is shown once as cut (type, wire size);
    a message whose bytes vanished in a queue overflow is the one flagged as likely not whole."""
    ident, c = capture
    want = collections.Counter((x["type"], x["wire_size"]) for x in c.messages
                               if x["held"] == "cut" and x["missing"] and not x["vanished"]
                               and x["missing"][0][0] >= x["seq"] + 6 and c.first_byte_held(x))
    got = collections.Counter((int(f["spicecap.type"]), int(f["spicecap.wire_size"]))
                              for _, f, _ in c.items if "spicecap.cut" in f and "spicecap.type" in f)
    assert got == want, (ident, got - want, want - got)
    vanished = {(x["type"], x["wire_size"]) for x in c.messages if x.get("vanished")}
    suspect = {(int(f["spicecap.type"]), int(f["spicecap.wire_size"])) for _, f, _ in c.items
               if "spicecap.suspect" in f and "spicecap.type" in f}
    assert suspect <= vanished, (ident, suspect, vanished)


def test_loss_expert_info_only_where_lost(capture):
    """A file that lost nothing raises no loss expert info and shows no lost bytes; a file that lost
    records or bytes raises some."""
    ident, c = capture
    flagged = [(frame, e) for frame, _, experts in c.items for e in experts if e in LOSS_EXPERTS]
    if c.gaps or c.drops:
        assert flagged, ident
        return
    assert not flagged, ident
    assert not [frame for frame, f, _ in c.items if "spicecap.lost_bytes" in f], ident


def test_lost_bytes_account_for_the_gaps(capture):
    """spicecap.lost_bytes: the gaps' bytes, and file bytes in no whole message, never more than the
    flow's seq span."""
    ident, c = capture
    missing = sum(int(f["spicecap.gap"]) for _, f, _ in c.items if "spicecap.gap" in f)
    assert missing == sum(int(f["spicecap.lost_bytes"]) for _, f, _ in c.items if "spicecap.gap" in f), ident
    assert missing == sum(end - start for _, start, end, _, prev in c.gaps if prev != 0), ident


def test_validator_agrees(capture, validate_bin):
    """The validator, on the same walker, finds each loss in the frame where the plugin flags it: a
    snaplen loss or other seq gap where the plugin says message_cut or seq_gap, a desync where it says
    header_desync."""
    ident, c = capture
    p = subprocess.run([validate_bin, "--json", c.path], capture_output=True, text=True, timeout=300)
    report = json.loads(p.stdout)
    validator = collections.Counter((f["frame"], "desync" if "desync" in f["kind"] else "gap")
                                    for f in report["findings"]
                                    if "desync" in f["kind"] or "gap" in f["kind"] or "loss" in f["kind"])
    plugin = collections.Counter((frame, "desync" if e == "spicecap.header_desync" else "gap")
                                 for frame, _, experts in c.items for e in experts
                                 if e in ("spicecap.message_cut", "spicecap.seq_gap", "spicecap.header_desync"))
    assert plugin == validator, (ident, sorted((plugin - validator).items()), sorted((validator - plugin).items()))


TWO_PASS = ["ryll/display-ring", "ryll/video-ring", "ryll/live-queue-overflow/display", "ref/ryll-live-display-real"]


@pytest.mark.parametrize("ident", TWO_PASS)
def test_one_pass_equals_two(ts, fixtures_dir, ident):
    """tshark in one pass and in two (-2) shows the same spicecap trees in every frame."""
    fixture = next(f for f in FIXTURES if f[0] == ident)
    path = os.path.join(fixtures_dir, fixture[1])
    one = ts.run("-V", "-O", "spicecap", capture=path)[1]
    two = ts.run("-2", "-V", "-O", "spicecap", capture=path)[1]
    assert plugin_lines(one) == plugin_lines(two)
    assert sum(len(lines) for lines in plugin_lines(one)) > 100
    assert "Dissector bug" not in one + two and "[Malformed Packet" not in one + two


def test_stats_count_losses(ts, fixtures_dir):
    """-z spicecap,stat: the losses table counts the cut messages and the bytes the gaps took, per
    channel and direction; the stats tree has the same cut messages."""
    c = Capture(ts, fixtures_dir, next(f for f in FIXTURES if f[0] == "ryll/live/display"))
    code, out, _ = ts.run("-q", "-z", "spicecap,stat", capture=c.path)
    rows = {}
    table = out[out.index("SPICE losses"):]
    for line in table.splitlines():
        cols = line.split()
        if len(cols) == 6 and cols[2].isdigit():
            rows[cols[0], cols[1]] = tuple(map(int, cols[2:]))
    cut = sum(1 for _, f, _ in c.items if "spicecap.cut" in f)
    missing = sum(end - start for _, start, end, _, _ in c.gaps)
    assert rows[("display", "received")][0] == cut and rows[("display", "received")][2] == missing, table
    code, tree, _ = ts.run("-q", "-z", "spicecap,tree", capture=c.path)
    found = re.search(r"^\s*Cut messages\s+(\d+)", tree, re.M)
    assert found and int(found.group(1)) == cut, tree


def test_filters_find_losses(ts, fixtures_dir):
    """spicecap.cut finds the cut messages, spicecap.lost_bytes every item that lost bytes, and
    spicecap.gap.snaplen_records the gaps that fit ryll's snaplen rule."""
    path = os.path.join(fixtures_dir, "ryll", "live", "display.pcap")
    code, out, _ = ts.run("-Y", "spicecap.cut", "-T", "fields", "-e", "frame.number", capture=path)
    assert out.split() == ["18", "35", "58"], out
    code, out, _ = ts.run("-Y", "spicecap.gap.snaplen_records == 3", "-T", "fields", "-e", "frame.number",
                          capture=path)
    assert out.split() == ["40", "58", "61"], out
    code, out, _ = ts.run("-Y", "spicecap.lost_bytes", "-T", "fields", "-e", "frame.number", capture=path)
    assert "18" in out.split() and "61" in out.split(), out


def test_whole_messages_kept_alike(ts, fixtures_dir):
    """Keeping whole messages (spicecap.keep_whole_messages) shows the same messages and body fields
    as the default prefix, on messages whose fields lie in their first bytes."""
    path = os.path.join(fixtures_dir, "ref", "ryll-display-sample.pcap")
    args = ("-Y", "spicecap", "-T", "fields", "-E", "occurrence=a", "-e", "spicecap.name",
            "-e", "spicecap.wire_size", "-e", "spicecap.display.stream.id", "-e", "spicecap.display.image.width")
    default = ts.run(*args, capture=path)[1]
    whole = ts.run("-o", "spicecap.keep_whole_messages:TRUE", *args, capture=path)[1]
    assert default == whole and default.count("\n") > 10
