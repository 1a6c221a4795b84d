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
- one loss filter: spicecap.loss is on every frame the validator names in a
  finding, one item per finding;
- the loss summary (-z spicecap,stat, and the GUI's table, -z
  spicecap,losses) counts what the filters find, and the manifest's whole
  and cut messages; bytes missing from the file (the seq gaps, from the
  records themselves) apart from bytes in it of no whole message;
- (test_dissect.py checks that no item's text is cut at 240 characters, on every fixture).

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
import zipfile

import pytest

import pcapio
from test_dissect import plugin_lines
from tshark_env import spicecap_items

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
        self.ts, self._summary, self._findings = ts, None, None

    def summary(self):
        """tshark -q -z spicecap,stat -z spicecap,losses on the file (run once, for every test that reads it)."""
        if self._summary is None:
            code, out, err = self.ts.run("-q", "-z", "spicecap,stat", "-z", "spicecap,losses", capture=self.path)
            assert code == 0, err[-300:]
            self._summary = out
        return self._summary

    def findings(self, validate_bin):
        """The validator's findings on the file (run once)."""
        if self._findings is None:
            p = subprocess.run([validate_bin, "--json", self.path], capture_output=True, text=True, timeout=300)
            self._findings = json.loads(p.stdout)["findings"]
        return self._findings

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
    """Per spicecap item: (frame, its fields, its expert infos), and the dissector bugs tshark shows."""
    items, out = spicecap_items(ts, path, "-o", "tcp.relative_sequence_numbers:FALSE")
    return items, re.findall(r'\[Malformed Packet[^"]*|Dissector bug[^"]*', out)


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
                              for _, f, _ in c.items if "spicecap.cut" in f and "spicecap.type" in f
                              and "spicecap.suspect" not in f)
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
    # A flow of playback bodies lost its headers, not bytes: its one loss item says so.
    assert not [frame for frame, f, _ in c.items if f.get("spicecap.loss.kind", "8") != "8"
                or "spicecap.unframed_bytes" in f], ident


def test_validator_agrees(capture, validate_bin):
    """The validator, on the same walker, finds each loss in the frame where the plugin flags it: a
    snaplen loss or other seq gap where the plugin says message_cut or seq_gap, a desync where it says
    header_desync."""
    ident, c = capture
    validator = collections.Counter((f["frame"], "desync" if "desync" in f["kind"] else "gap")
                                    for f in c.findings(validate_bin)
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


def test_whole_messages_kept_alike(ts, fixtures_dir):
    """Keeping whole messages (spicecap.keep_whole_messages) shows the same messages and body fields
    as the default prefix, on messages whose fields lie in their first bytes."""
    path = os.path.join(fixtures_dir, "ref", "ryll-display-sample.pcap")
    args = ("-Y", "spicecap", "-T", "fields", "-E", "occurrence=a", "-e", "spicecap.name",
            "-e", "spicecap.wire_size", "-e", "spicecap.display.stream.id", "-e", "spicecap.display.image.width")
    default = ts.run(*args, capture=path)[1]
    whole = ts.run("-o", "spicecap.keep_whole_messages:TRUE", *args, capture=path)[1]
    assert default == whole and default.count("\n") > 10


def per_flow(items):
    """What the filters find per (channel, direction): whole messages, spicecap.cut items, gaps and their
    bytes (spicecap.gap), bytes of no whole message (spicecap.unframed_bytes), desyncs; and the 0-byte
    records (no flow: a record with no bytes has no addresses)."""
    got = collections.defaultdict(lambda: [0] * 7)
    for key, shown_whole in whole_shown(items).items():
        got[key][0] = len(shown_whole)
    k2 = 0
    for _, f, _ in items:
        if f.get("spicecap.loss.kind") == "7":
            k2 += 1
            got["unknown", "-"][2] += 1  # its flow named by the seq gap that is its bytes, when one is
            continue
        if "spicecap.channel" not in f:
            continue
        row = got[f["spicecap.channel"], f["spicecap.direction"]]
        row[1] += "spicecap.cut" in f
        row[2] += "spicecap.gone" in f
        got["unknown", "-"][2] -= "spicecap.gone" in f
        if "spicecap.gap" in f:
            row[3] += 1
            row[4] += int(f["spicecap.gap"])
        row[5] += int(f.get("spicecap.unframed_bytes", 0))
        row[6] += f.get("spicecap.loss.kind") == "4"
    return got, k2


def loss_table(out):
    """-z spicecap,stat's loss summary: {(channel, direction): [whole, cut, gone, gaps, missing, not whole,
    desyncs]}."""
    rows, table = {}, out[out.index("SPICE messages whole, cut and gone"):]
    for line in table.splitlines()[2:]:
        cols = line.split()
        if len(cols) == 9 and cols[0] != "total":
            rows[cols[0], cols[1]] = list(map(int, cols[2:]))
    return rows


LOSS_COLUMNS = ["Whole", "Cut", "Gone", "Gaps", "Bytes missing", "Bytes not whole", "Desyncs"]


def losses_table(out):
    """The same from -z spicecap,losses (the GUI's stat_tap_table, printed by tshark), read by its
    column heads (the GUI table puts the byte columns last), in loss_table()'s order."""
    rows, heads = {}, None
    for line in out.splitlines():
        cols = [x.strip() for x in line.split("|")]
        if cols[:2] == ["Channel", "Direction"]:
            heads = cols
        elif len(cols) == 10 and cols[2].isdigit():
            rows[cols[0], cols[1]] = [int(cols[heads.index(name)]) for name in LOSS_COLUMNS]
    return rows


def test_loss_filter_names_every_finding(ts, capture, validate_bin):
    """spicecap.loss, filtered as Wireshark does (two passes: the tree and filters after the file is
    read), is on every frame the validator names in a finding, and there are as many loss items as
    findings (one per loss event, whatever its kind)."""
    ident, c = capture
    findings = [f for f in c.findings(validate_bin) if f["frame"] > 0]  # frame 0: the report's own
    code, out, _ = ts.run("-2", "-Y", "spicecap.loss", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|",
                          "-e", "frame.number", "-e", "spicecap.loss.kind", capture=c.path)
    assert code == 0
    items = collections.Counter()
    for line in out.splitlines():
        frame, kinds = line.split("\t")
        items[int(frame)] += len(kinds.split("|"))
    missed = sorted({f["frame"] for f in findings} - set(items))
    assert not missed, (ident, missed, [f["detail"][:100] for f in findings if f["frame"] in missed])
    assert sum(items.values()) == len(findings), (ident, sorted(items.items()), [(f["frame"], f["kind"])
                                                                                for f in findings])


def test_loss_summary_counts_what_filters_find(capture):
    """The loss summary per channel and direction equals what the filters find (whole messages,
    spicecap.cut, gaps and spicecap.gap's bytes, spicecap.unframed_bytes, desyncs), in -z spicecap,stat
    and in the GUI's table alike; the 0-byte records are the messages gone; the bytes missing are the
    seq gaps of the records themselves."""
    ident, c = capture
    out = c.summary()
    stat, gui = loss_table(out), losses_table(out)
    got, k2 = per_flow(c.items)
    got = {key: row for key, row in got.items() if any(row)}  # the text table leaves out rows of zeros
    gui = {key: row for key, row in gui.items() if any(row)}
    assert stat == gui, (ident, stat, gui)
    for key in set(stat) | set(got):
        want = got.get(key, [0] * 7)
        assert stat.get(key, [0] * 7) == want, (ident, key, "stats", stat.get(key), "filters", want)
    assert sum(row[2] for row in stat.values()) == k2, ident
    missing = sum(row[4] for row in stat.values())
    assert missing == sum(end - start for _, start, end, _, prev in c.gaps if prev != 0), ident


def test_loss_summary_counts_the_manifest(capture):
    """Against the manifest (what the generator wrote): the whole messages per channel and direction
    exactly; the cut ones exactly in a drained ring (each record after a gap is one message's last),
    at most in a live capture (a gap while the framing is lost may hold one message's end and the
    next's start: the walk cannot tell); a message gone entirely is counted when a 0-byte record stands
    for it, and the others lie in the bytes missing."""
    ident, c = capture
    stat = loss_table(c.summary())
    held = collections.defaultdict(collections.Counter)
    absent_bytes = 0
    for x in c.messages:
        held[x["channel"], x["direction"]][x["held"]] += 1
        absent_bytes += x["wire_size"] if x["held"] == "absent" else 0
    live = "live" in ident
    for key in set(stat) | set(held):
        row = stat.get(key, [0] * 7)
        assert row[0] == held[key]["whole"], (ident, key, row, held[key])
        if live:
            assert row[1] <= held[key]["cut"], (ident, key, row, held[key])
        else:
            assert row[1] == held[key]["cut"], (ident, key, row, held[key])
        assert row[2] <= held[key]["absent"], (ident, key, row, held[key])
    assert sum(row[4] for row in stat.values()) >= absent_bytes, ident


@pytest.mark.parametrize("name", ["ref/ryll-display-k2.pcap", "faults/k2.pcap"])
def test_zero_byte_records_are_messages_gone(ts, fixtures_dir, validate_bin, name):
    """Each 0-byte record (the K2 bug), found in the file's own records, is one message gone in the loss
    summary and one spicecap.gone (on the seq gap that is its bytes); the loss filter is on the records
    themselves, the frames the validator names."""
    path = os.path.join(fixtures_dir, name)
    with open(path, "rb") as f:
        zero = [n for n, rec in enumerate(pcapio.read_pcap(f.read()).records, 1) if not rec.data]
    assert zero, name
    stat = loss_table(ts.run("-q", "-z", "spicecap,stat", capture=path)[1])
    assert sum(row[2] for row in stat.values()) == len(zero), (name, stat)

    def frames(flt):
        code, out, _ = ts.run("-2", "-Y", flt, "-T", "fields", "-e", "frame.number", capture=path)
        assert code == 0
        return [int(x) for x in out.split()]
    # A record before any frame of its flow leaves no gap to name it: counted on the unknown row.
    unnamed = stat.get(("unknown", "-"), [0] * 7)[2]
    assert len(frames("spicecap.gone")) == len(zero) - unnamed
    assert unnamed == (1 if zero[0] == 1 else 0), (name, zero, unnamed)
    assert frames("spicecap.loss") == zero == frames("spicecap.loss.kind == 7")
    p = subprocess.run([validate_bin, "--json", path], capture_output=True, text=True, timeout=300)
    assert sorted(f["frame"] for f in json.loads(p.stdout)["findings"] if f["kind"] == "k2-empty-record") == zero


def test_filters_find_losses(ts, fixtures_dir):
    """On ryll's live display capture: spicecap.cut finds the cut messages (with a header in the file, or
    the first bytes after a gap that took it), spicecap.loss.missing the frames after a gap only, and
    spicecap.unframed_bytes the frames that hold bytes of no whole message."""
    path = os.path.join(fixtures_dir, "ryll", "live", "display.pcap")

    def frames(flt):
        code, out, _ = ts.run("-Y", flt, "-T", "fields", "-e", "frame.number", capture=path)
        assert code == 0
        return out.split()
    assert frames("spicecap.cut") == ["18", "20", "35", "40", "58"]
    assert frames("spicecap.gap.snaplen_records == 3") == ["40", "58", "61"]
    gaps = frames("spicecap.loss.missing")
    assert gaps == frames("tcp.analysis.lost_segment") and len(gaps) == 11
    assert frames("spicecap.loss") == gaps
    assert set(frames("spicecap.unframed_bytes")) - set(gaps)
