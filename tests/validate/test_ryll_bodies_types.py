"""spicecap-validate on what ryll really writes, part 2: its playback ring
records message bodies without their header; a server newer than the
spice-protocol the tools were built with sends types they do not name; a
Usb report's ring is always empty. The expected answers come from the
generator's manifests and from captures built here with tests/pcapio.py
(whose records this file counts itself), never from the validator's code.
Run by ctest (validate_ryll_bodies_and_types); one check by hand, e.g.:
python3 -m pytest tests/validate/test_ryll_bodies_types.py -k unknown"""
import io
import json
import os
import struct
import zipfile

import pytest

import pcapio

CLIENT, SERVER = "10.0.0.1", "10.0.0.2"
SERVER_PORT, PLAYBACK_PORT, DISPLAY_PORT = 5900, 10099, 10002
SEGMENT = 65495  # ryll's largest TCP payload; a record of it is over the 65535 snaplen
UNNAMED = 399    # a display type spice-protocol does not name
FLOW = "10.0.0.2:5900 -> 10.0.0.1:10099"

# Bug reports whose playback ring holds bodies (the manifest says header_recorded false).
WITH_BODIES = [("ryll/autosnapshot-audio.zip", "ryll/autosnapshot-audio.json"),
               ("ryll/bugreport.zip", "ryll/bugreport.json")]
# Captures holding one message of a type spice-protocol does not name (the manifest's unknown_type).
UNKNOWN = [("ryll/unknown-type-ring.pcap", "ryll/unknown-type-ring.json"),
           ("ryll/live-unknown-type", "ryll/live-unknown-type/manifest.json")]


def load(fixtures_dir, name):
    with open(os.path.join(fixtures_dir, name)) as f:
        return json.load(f)


def need(fixtures_dir, *names):
    for name in names:
        if not os.path.exists(os.path.join(fixtures_dir, name)):
            pytest.skip("%s is not generated yet (fixtures/regenerate.sh)" % name)


def server_records(pcap_bytes, client_port):
    """(frame number, TCP payload) of every record from the server to client_port."""
    cap = pcapio.read_pcap(pcap_bytes)
    out = []
    for number, rec in enumerate(cap.records, 1):
        t = pcapio.parse_tcp(rec.data)
        if t and t.sport == SERVER_PORT and t.dport == client_port:
            out.append((number, bytes(t.payload)))
    return out


def channel_messages(r, channel):
    return sum(f["channels"].get(channel, {}).get("messages", 0) for f in r["files"])


# --- playback bodies without their header -----------------------------------

@pytest.mark.parametrize("capture,manifest", WITH_BODIES, ids=[c for c, _ in WITH_BODIES])
def test_playback_bodies_are_one_finding_and_one_message_a_record(report, fix, fixtures_dir, capture, manifest):
    """One headerless-playback finding for the flow, at its first record,
    naming ryll's playback.rs and the fix; each record of the flow counted
    as one playback message (records counted here, empty ones included);
    the manifest's messages all match (its bodies by recorded_size)."""
    need(fixtures_dir, capture, manifest)
    m = load(fixtures_dir, manifest)
    bodies = [x for x in m["messages"] if x["channel"] == "playback" and x.get("header_recorded") is False]
    if not bodies:
        pytest.skip("%s records playback with its headers (an older fixture)" % capture)
    with zipfile.ZipFile(fix(capture)) as z:
        records = server_records(z.read("traffic.pcap"), PLAYBACK_PORT)
    code, r, err = report("--manifest", fix(manifest), fix(capture))
    assert code == 1, err
    headerless = [x for x in r["findings"] if x["kind"] == "headerless-playback"]
    assert len(headerless) == 1, headerless
    h = headerless[0]
    assert h["frame"] == records[0][0] == min(x["frame"] for x in bodies)
    assert h["flow"] == FLOW
    assert "playback.rs" in h["detail"] and "record_received" in h["detail"] and "header" in h["detail"]
    assert channel_messages(r, "playback") == len(records) == sum(x["held"] == "whole" for x in bodies)
    assert not [x for x in r["findings"] if x["kind"].startswith("manifest-")]


def ring(frames_payloads, client_port, seq=2000):
    """Server-to-client records as ryll's ring writes them: each payload at
    its seq; an int in the list is a gap of that many bytes."""
    frames = []
    for p in frames_payloads:
        if isinstance(p, int):
            seq += p
            continue
        frames.append(pcapio.tcp_frame(SERVER, CLIENT, SERVER_PORT, client_port, seq, payload=p))
        seq += len(p)
    return frames


def mini(msg_type, body):
    return struct.pack("<HI", msg_type, len(body)) + body


def write_ryll(path, frames):
    """ryll's pcap header: big-endian, snaplen 65535."""
    pcapio.write_pcap(str(path), frames, byteorder=">", snaplen=65535)


SET_ACK_BODY = struct.pack("<II", 1, 20)
START_BODY = struct.pack("<IHII", 2, 1, 48000, 0x00123456)


def data_body(i):
    return struct.pack("<I", 0x00123456 + 20 * i) + bytes(range(96))


def test_a_ring_of_bodies_keeps_its_snaplen_loss(report, tmp_path):
    """Bodies, then a body of 65495 + 500 bytes whose full segment ryll never
    wrote: one headerless-playback, one snaplen-loss for the gap, and the
    rest of the cut body is no message (5 bodies counted of 6 records)."""
    path = tmp_path / "bodies.pcap"
    write_ryll(path, ring([SET_ACK_BODY, START_BODY, data_body(0), data_body(1), SEGMENT, bytes(500),
                           data_body(2)], PLAYBACK_PORT))
    code, r, err = report(str(path))
    kinds = sorted(x["kind"] for x in r["findings"])
    assert code == 1 and kinds == ["headerless-playback", "snaplen-loss"], r["findings"]
    assert channel_messages(r, "playback") == 5


def test_a_ring_with_headers_keeps_todays_checks(report, tmp_path):
    """The playback port with whole messages (a ring that records headers): no
    headerless-playback; a gap that takes a header is a snaplen-loss, and
    the walk resumes at the next record that starts a message."""
    path = tmp_path / "headers.pcap"
    whole = [mini(3, SET_ACK_BODY), mini(103, START_BODY), mini(101, data_body(0))]
    write_ryll(path, ring(whole + [SEGMENT, bytes(500), mini(101, data_body(1))], PLAYBACK_PORT))
    code, r, err = report(str(path))
    kinds = sorted(x["kind"] for x in r["findings"])
    assert code == 1 and kinds == ["snaplen-loss"], r["findings"]
    assert channel_messages(r, "playback") == 4


def test_socket_reads_with_headers_are_clean(report, tmp_path):
    """The playback port read as a socket is (several messages a record): clean."""
    stream = b"".join([mini(3, SET_ACK_BODY), mini(103, START_BODY)] + [mini(101, data_body(i)) for i in range(4)])
    reads = [stream[:40], stream[40:150], stream[150:]]
    path = tmp_path / "reads.pcap"
    write_ryll(path, ring(reads, PLAYBACK_PORT))
    code, r, err = report(str(path))
    assert code == 0 and r["findings_total"] == 0, r["findings"]
    assert channel_messages(r, "playback") == 6


def test_a_lying_first_header_is_not_taken_for_bodies(report, tmp_path):
    """A record starting with a playback data header whose size runs past
    it, then a gap: the header walk's loss, not a flow of bodies."""
    path = tmp_path / "lie.pcap"
    write_ryll(path, ring([struct.pack("<HI", 101, 1000000) + bytes(100), 1, bytes(106)], PLAYBACK_PORT))
    code, r, err = report(str(path))
    assert "headerless-playback" not in {x["kind"] for x in r["findings"]}, r["findings"]


# --- types spice-protocol does not name -------------------------------------

@pytest.mark.parametrize("capture,manifest", UNKNOWN, ids=[c for c, _ in UNKNOWN])
def test_unknown_type_is_counted_and_noted(report, fix, fixtures_dir, capture, manifest):
    """The manifest's message of a type spice-protocol does not name is
    walked (the manifest matches, message for message), counted in
    unknown_type_messages, and noted with its channel and type; no desync."""
    need(fixtures_dir, capture, manifest)
    m = load(fixtures_dir, manifest)
    u = m["unknown_type"]
    code, r, err = report("--manifest", fix(manifest), fix(capture))
    kinds = {x["kind"] for x in r["findings"]}
    assert not {k for k in kinds if k.startswith("manifest-")}, r["findings"][:3]
    assert "desync" not in kinds
    assert sum(f.get("unknown_type_messages", 0) for f in r["files"]) == 1
    notes = [n for f in r["files"] for n in f["notes"] if "unknown to this spice-protocol" in n]
    assert len(notes) == 1 and "type %d" % u["type"] in notes[0] and u["channel"] in notes[0], notes
    assert "newer" in notes[0]
    want = {}
    for x in m["messages"]:
        if x["held"] == "whole":
            want[x["channel"]] = want.get(x["channel"], 0) + 1
    assert {c: channel_messages(r, c) for c in want} == want


def display_stream():
    """Two marks, a type-399 message of 150 bytes, a draw_fill, a mark."""
    return (mini(102, b"") + mini(102, b"") + mini(UNNAMED, bytes(range(150))) +
            mini(302, bytes(40)) + mini(102, b""))


@pytest.mark.parametrize("cut", [13, 20, 100, 168, 173, 175, 180])
def test_unknown_type_in_socket_reads_is_framed(report, tmp_path, cut):
    """Socket reads cutting the stream anywhere in or after the type-399
    message: five messages, exit 0, one unknown type counted; never a
    desync ("bytes vanished")."""
    stream = display_stream()
    path = tmp_path / "live.pcap"
    write_ryll(path, ring([stream[:13], stream[13:cut], stream[cut:]] if cut > 13 else [stream[:13], stream[13:]],
                          DISPLAY_PORT))
    code, r, err = report(str(path))
    assert code == 0 and r["findings_total"] == 0, r["findings"]
    assert channel_messages(r, "display") == 5
    assert r["files"][0]["unknown_type_messages"] == 1


def test_vanished_bytes_still_desync(report, tmp_path):
    """Bytes vanished inside a draw_fill, its size leading to bytes that read
    as a header of type 400 and a sane size, whose size leads to bytes that
    cannot be a header: one desync (bytes vanished), as before."""
    fill = struct.pack("<HI", 302, 40) + bytes(30)  # 10 bytes of it vanished
    body = bytearray(b"\x11" * 60)
    body[4:10] = struct.pack("<HI", 400, 20)
    body[30:36] = b"\xff" * 6
    stream = mini(102, b"") + mini(102, b"") + fill + mini(302, bytes(body)) + mini(102, b"")
    path = tmp_path / "vanished.pcap"
    write_ryll(path, ring([stream[:13], stream[13:50], stream[50:]], DISPLAY_PORT))
    code, r, err = report(str(path))
    assert [x["kind"] for x in r["findings"]] == ["desync"], r["findings"]
    assert "vanished" in r["findings"][0]["detail"]
    assert "unknown_type_messages" not in r["files"][0]


# --- a Usb report ---------------------------------------------------------------

def test_usb_report_says_ryll_records_no_usbredir(report, fix, fixtures_dir):
    """ryll's usbredir channel has no ring: the report's pcap is empty (its
    records counted here), and report-channel-empty says why."""
    need(fixtures_dir, "ryll/usb-report.zip")
    with zipfile.ZipFile(fix("ryll/usb-report.zip")) as z:
        assert not pcapio.read_pcap(z.read("traffic.pcap")).records
    code, r, err = report(fix("ryll/usb-report.zip"))
    assert code == 1
    (f,) = r["findings"]
    assert f["kind"] == "report-channel-empty" and "usbredir" in f["detail"]
    assert "no usbredir traffic into its rings" in f["detail"]


# --- the text report: one line per finding kind and flow -------------------------

def test_text_report_groups_findings(run, report, fix):
    """ryll/live/display.pcap's snaplen losses are one line of the text report: how many, the bytes and
    the frames of the --json findings (which list each, as -v does)."""
    code, r, err = report(fix("ryll/live/display.pcap"))
    losses = [x for x in r["findings"] if x["kind"] == "snaplen-loss"]
    assert len(losses) == r["findings_total"] > 1
    code, out, err = run(fix("ryll/live/display.pcap"))
    lines = [line for line in out.splitlines() if line.startswith("  snaplen-loss:")]
    assert len(lines) == 1, lines
    want = "%d findings, %d bytes, frames %d to %d" % (
        len(losses), sum((x["seq_end"] - x["seq_start"]) % 2**32 for x in losses),
        min(x["frame"] for x in losses), max(x["frame"] for x in losses))
    assert want in lines[0] and losses[0]["flow"] in lines[0], (want, lines[0])
    code, out, err = run("-v", fix("ryll/live/display.pcap"))
    each = [line for line in out.splitlines() if line.startswith("  snaplen-loss:")]
    assert len(each) == len(losses) and all("frame %d:" % x["frame"] in line for x, line in zip(losses, each))
