"""The plugin on what ryll really writes, part 2: its playback ring records
message bodies without their header, and a server newer than the
spice-protocol the plugin was built with sends types it does not name.

Expected answers come from the generator's manifests and from the records
counted here with tests/pcapio.py, not from the plugin's or the walker's
code. What the plugin shows is read from tshark -T pdml (one spicecap item
at a time) and from its info column.

Run by ctest (plugin_ryll_bodies_and_types); one check by hand, e.g.
python3 -m pytest tests/plugin/test_ryll_bodies_types.py -k unknown"""
import json
import os
import re
import struct
import zipfile

import pytest

import pcapio
from tshark_env import spicecap_items

PLAYBACK_PORT = 10099
ERRORS = re.compile(r"Malformed Packet|Dissector bug|bytes vanished|not framed|header that cannot be")


def need(fixtures_dir, *names):
    for name in names:
        if not os.path.exists(os.path.join(fixtures_dir, name)):
            pytest.skip("%s is not generated yet (fixtures/regenerate.sh)" % name)


def info_lines(ts, path):
    code, out, err = ts.run("-T", "fields", "-e", "frame.number", "-e", "_ws.col.Info", capture=path)
    assert code == 0, err[-500:]
    return dict(line.split("\t", 1) for line in out.splitlines() if "\t" in line)


def report_pcap(ts, fixtures_dir, name):
    """A bug report's traffic.pcap, where the user tshark runs as can read it."""
    with zipfile.ZipFile(os.path.join(fixtures_dir, name)) as z:
        data = z.read("traffic.pcap")
    path = ts.path(os.path.basename(name) + ".pcap")
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, 0o644)
    return path, data


BODIES = ["ryll/autosnapshot-audio.zip", "ryll/bugreport.zip"]


@pytest.mark.parametrize("name", BODIES)
def test_playback_bodies_shown_as_bodies(ts, fixtures_dir, name):
    """Each record of the playback flow (server to client port 10099, counted here, empty ones
    included) is one "playback body (header not recorded by ryll)" of its size; the flow's first
    frame has the one note; no error, nothing not framed, no unknown type on that flow."""
    need(fixtures_dir, name)
    manifest = json.load(open(os.path.join(fixtures_dir, name[:-4] + ".json")))
    if not any(x.get("header_recorded") is False for x in manifest["messages"]):
        pytest.skip("%s records playback with its headers (an older fixture)" % name)
    path, data = report_pcap(ts, fixtures_dir, name)
    records = []
    for number, rec in enumerate(pcapio.read_pcap(data).records, 1):
        t = pcapio.parse_tcp(rec.data)
        if t and t.sport == 5900 and t.dport == PLAYBACK_PORT:
            records.append((number, len(t.payload)))
    items, out = spicecap_items(ts, path)
    # A body is shown in the frame where the walk knows it is one: the first, at the second record
    # (spicecap.first_frame names its own).
    bodies = [(int(f.get("spicecap.first_frame", frame)), int(f["spicecap.body_size"])) for frame, f, _ in items
              if "spicecap.header_not_recorded" in f]
    assert bodies == records
    assert [frame for frame, f, _ in items if "spicecap.header_not_recorded" in f][0] == records[1][0]
    want = [(x["frame"], x["recorded_size"]) for x in manifest["messages"]
            if x.get("header_recorded") is False and x["held"] == "whole"]
    assert bodies == want
    notes = [frame for frame, _, experts in items for e in experts if e == "spicecap.headerless_bodies"]
    assert notes == [records[1][0]]
    playback_frames = {frame for frame, _ in records}
    for frame, f, experts in items:
        if frame in playback_frames:
            assert not [e for e in experts if e != "spicecap.headerless_bodies" and "Note" not in e], (frame, experts)
            assert "spicecap.unframed" not in f and "spicecap.type" not in f, (frame, f)
    info = info_lines(ts, path)
    for frame, size in records[1:]:
        if size == 0:
            # An empty record (the stop message's body) carries no payload: on 4.4 and 4.6 TCP's
            # analysis owns its Info column ("[TCP Dup ACK ...]"); the tree items above show the body.
            continue
        assert "playback body (header not recorded by ryll), %d bytes" % size in info[str(frame)], info[str(frame)]
        assert not ERRORS.search(info[str(frame)])


UNKNOWN = [("ryll/unknown-type-ring.pcap", "ryll/unknown-type-ring.json"),
           ("ryll/live-unknown-type/display.pcap", "ryll/live-unknown-type/manifest.json")]


@pytest.mark.parametrize("capture,manifest", UNKNOWN, ids=[c for c, _ in UNKNOWN])
def test_unknown_type_is_framed(ts, fixtures_dir, capture, manifest):
    """The manifest's message of a type spice-protocol does not name is shown as a message (its type
    and wire size), named "type N (unknown to this spice-protocol)" with the unknown-type warning, in
    the frame that completes it; the file shows no desync and no "bytes vanished"."""
    need(fixtures_dir, capture, manifest)
    m = json.load(open(os.path.join(fixtures_dir, manifest)))
    u = m["unknown_type"]
    (msg,) = [x for x in m["messages"] if x["type"] == u["type"] and x["channel"] == u["channel"]]
    path = os.path.join(fixtures_dir, capture)
    items, out = spicecap_items(ts, path)
    shown = [(frame, f, experts) for frame, f, experts in items if f.get("spicecap.type") == str(u["type"])]
    assert len(shown) == 1, shown
    frame, f, experts = shown[0]
    assert int(f["spicecap.wire_size"]) == msg["wire_size"]
    assert "spicecap.unknown_type" in experts
    assert frame >= msg["frame"]
    assert not [e for _, _, ex in items for e in ex if e == "spicecap.header_desync"]
    info = info_lines(ts, path)
    assert "type %d (unknown to this spice-protocol)" % u["type"] in info[str(frame)], info[str(frame)]
    assert not [line for line in info.values() if "bytes vanished" in line or "cannot be" in line]


def test_unknown_type_across_reads(ts, tmp_path):
    """Socket reads cutting a type-399 message and the header after it: framed, no desync."""
    def mini(t, body):
        return struct.pack("<HI", t, len(body)) + body
    stream = mini(102, b"") + mini(102, b"") + mini(399, bytes(range(150))) + mini(302, bytes(40)) + mini(102, b"")
    frames, seq = [], 2000
    for part in (stream[:13], stream[13:170], stream[170:]):
        frames.append(pcapio.tcp_frame("10.0.0.2", "10.0.0.1", 5900, 10002, seq, payload=part))
        seq += len(part)
    path = ts.path("reads-399.pcap")
    pcapio.write_pcap(path, frames, byteorder=">", snaplen=65535)
    os.chmod(path, 0o644)
    items, out = spicecap_items(ts, path)
    types = [int(f["spicecap.type"]) for _, f, _ in items if "spicecap.type" in f]
    assert types == [102, 102, 399, 302, 102], types
    assert not [e for _, _, ex in items for e in ex if e == "spicecap.header_desync"]


def test_usb_report_pcap_is_empty(ts, fixtures_dir):
    """ryll records no usbredir into its rings: a Usb report's pcap opens, with no frame."""
    need(fixtures_dir, "ryll/usb-report.zip")
    path, data = report_pcap(ts, fixtures_dir, "ryll/usb-report.zip")
    code, out, err = ts.run(capture=path)
    assert code == 0 and out.strip() == "", (out, err)


@pytest.mark.parametrize("name", BODIES)
def test_playback_gap_is_not_a_lost_header(ts, fixtures_dir, name):
    """A playback record dropped from the middle of the flow (a seq gap, counted here with pcapio):
    the bodies after it are still bodies, and no frame says a header was lost in the gap: ryll never
    recorded those headers."""
    need(fixtures_dir, name)
    _, data = report_pcap(ts, fixtures_dir, name)
    cap = pcapio.read_pcap(data)
    playback = [i for i, rec in enumerate(cap.records)
                if (lambda t: t and t.sport == 5900 and t.dport == PLAYBACK_PORT and t.payload)(pcapio.parse_tcp(rec.data))]
    if len(playback) < 5:
        pytest.skip("%s has too few playback records" % name)
    drop = playback[len(playback) // 2]
    kept = [r for i, r in enumerate(cap.records) if i != drop]
    path = ts.path("gap-" + os.path.basename(name) + ".pcap")
    with open(path, "wb") as f:
        f.write(cap.header() + b"".join(cap.record_bytes(r) for r in kept))
    os.chmod(path, 0o644)
    info = info_lines(ts, path)
    after = [str(i) for i in playback if i > drop]  # frame numbers in the new file: index + 1 - 1
    assert after
    for frame in after:
        assert "playback body (header not recorded by ryll)" in info[frame], info[frame]
        assert "header a seq gap took" not in info[frame], info[frame]
