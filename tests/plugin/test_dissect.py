"""The spicecap plugin under tshark: every clean fixture dissects to exactly
its manifest's messages (channel, direction, type, wire size), large messages
once with their segment count, and real VNC traffic on port 5900 still
decodes as VNC.

Wireshark 4.0 loads no personal plugin and ignores WIRESHARK_PLUGIN_DIR for
root, so tshark runs as uid 65534 with the plugin in a private folder
(tshark_env). Run by ctest (plugin_dissects_fixtures); one check by hand, e.g.
python3 -m pytest tests/plugin/test_dissect.py -k golden"""
import json
import os

import pytest

import pcapio

CAPTURES = [("clean/%s.pcap" % n, "clean/%s.json" % n) for n in
            ("desktop", "video", "seq-wrap", "ring", "display-ring-ryll")]
CAPTURES.append(("ref/ryll-display-sample.pcap", "ref/ryll-display-sample.json"))


@pytest.fixture(scope="module")
def tshark(ts, fixtures_dir):
    """(exit status, stdout) of tshark -r capture args; capture relative to fixtures/."""
    def tshark(capture, *args):
        code, out, _ = ts.run(*args, capture=os.path.join(fixtures_dir, capture))
        return code, out
    return tshark


def manifest(fixtures_dir, name):
    with open(os.path.join(fixtures_dir, name)) as f:
        return json.load(f)


def test_plugin_listed(ts):
    """tshark -G plugins lists spicecap.so."""
    code, listing, _ = ts.run("-G", "plugins")
    assert "spicecap.so" in listing, listing[-300:]


@pytest.mark.parametrize("capture,manifest_name", CAPTURES, ids=[c for c, _ in CAPTURES])
def test_messages_equal_manifest(tshark, fixtures_dir, capture, manifest_name):
    """Every message dissected, equal to the manifest (channel, direction, type, wire size, segments)."""
    want = [(m["channel"], m["direction"], m["type"], m["wire_size"], m["segments"])
            for m in manifest(fixtures_dir, manifest_name)["messages"]]
    code, out = tshark(capture, "-Y", "spicecap", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                       "-e", "spicecap.channel", "-e", "spicecap.direction", "-e", "spicecap.type",
                       "-e", "spicecap.wire_size", "-e", "spicecap.segments")
    got = []
    for line in out.splitlines():
        if not line.strip():  # a frame holding part of a message: a spicecap item with no field
            continue
        cols = [c.split(",") for c in line.split("\t")]
        for i in range(len(cols[0])):
            got.append((cols[0][i], cols[1][i], int(cols[2][i]), int(cols[3][i]), int(cols[4][i])))
    assert code == 0 and got == want, "%s: exit %d, %d dissected, %d in the manifest; first difference: %s" % (
        capture, code, len(got), len(want), next(((a, b) for a, b in zip(want, got) if a != b), None))


def test_multi_segment_message_shown_once(tshark):
    """The 247018-byte stream_create of the ryll sample spans 4 segments: shown once, in frame 4,
    the frame that completes it."""
    code, out = tshark("ref/ryll-display-sample.pcap", "-Y", "spicecap.wire_size == 247018",
                       "-T", "fields", "-e", "frame.number", "-e", "spicecap.segments", "-e", "spicecap.name")
    assert out.strip() == "4\t4\tstream_create", out


def every_capture():
    """Every capture file under fixtures/, relative to it (clean, faults, live, ryll's, the real
    sessions: whatever a user may open)."""
    root = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fixtures")
    out = []
    for folder, _, names in os.walk(root):
        out += [os.path.relpath(os.path.join(folder, n), root) for n in names
                if n.endswith((".pcap", ".pcapng", ".pcapng.gz"))]
    return sorted(out)


@pytest.mark.parametrize("capture", every_capture())
def test_no_text_cut_at_240(tshark, capture):
    """No item's text, expert infos included, is cut at Wireshark's 240 characters: tshark -V shows no
    "[truncated]" on any fixture."""
    code, out = tshark(capture, "-V")
    # A file cut short: tshark says so and exits non-zero (2 in 4.0 and 4.4, 14 in 4.6), after the frames.
    assert code == 0 or capture == "faults/truncate-file.pcap"
    assert "Frame 1:" in out
    cut = [line.strip()[:120] for line in out.splitlines() if "[truncated]" in line]
    assert not cut, cut[:3]


def test_stat_tap(tshark, fixtures_dir):
    """-z spicecap,stat counts messages and bytes per channel, direction and type, as the manifest does."""
    want = {}
    for m in manifest(fixtures_dir, "clean/desktop.json")["messages"]:
        key = (m["channel"], m["direction"], m["name"])
        n, b = want.get(key, (0, 0))
        want[key] = (n + 1, b + m["wire_size"])
    code, out = tshark("clean/desktop.pcap", "-q", "-z", "spicecap,stat")
    got = {}
    for line in out.splitlines():
        cols = line.split()
        if len(cols) == 5 and cols[3].isdigit() and cols[0] != "total":
            got[(cols[0], cols[1], cols[2])] = (int(cols[3]), int(cols[4]))
    assert got == want, (len(got), len(want), out[-500:])


# Bodies as fields: a draw_copy's bitmap is its wire size less the 99 bytes of header, display
# base, copy, image descriptor and bitmap header (docs/synth.md); stream data less 18.
def test_draw_copy_image_descriptor(tshark):
    """draw_copy image descriptor: width x height x 4 = data size = wire size - 99."""
    code, out = tshark("clean/desktop.pcap", "-Y", 'spicecap.name == "draw_copy"', "-T", "fields",
                       "-e", "spicecap.display.image.width", "-e", "spicecap.display.image.height",
                       "-e", "spicecap.display.image.data_size", "-e", "spicecap.wire_size")
    rows = [list(map(int, line.split("\t"))) for line in out.splitlines()]
    assert rows and all(w * h * 4 == d == wire - 99 for w, h, d, wire in rows), rows[:3]


def test_stream_data_fields(tshark):
    """stream_data: stream 7, data size = wire size - 18."""
    code, out = tshark("clean/video.pcap", "-Y", 'spicecap.name == "stream_data"', "-T", "fields",
                       "-e", "spicecap.display.stream.id", "-e", "spicecap.display.stream.data_size",
                       "-e", "spicecap.wire_size")
    rows = [list(map(int, line.split("\t"))) for line in out.splitlines()]
    assert rows and all(i == 7 and d == wire - 18 for i, d, wire in rows), rows[:3]


def test_key_scancodes(tshark):
    """Key events carry their scancodes."""
    code, out = tshark("clean/desktop.pcap", "-Y", "spicecap.inputs.scancode", "-T", "fields", "-e", "spicecap.name")
    names = set(out.split())
    assert names == {"key_down", "key_up"}, names


def test_clean_capture_no_expert_info(tshark):
    """A clean capture raises no expert info from spicecap."""
    code, out = tshark("clean/desktop.pcap", "-q", "-z", "expert")
    assert "SPICEcap" not in out, out[-400:]


def test_ryll_k2_sample_flagged(tshark):
    """The K2 bug: ryll's K2 sample has 7 frames flagged 'message dropped by the recorder'."""
    code, out = tshark("ref/ryll-display-k2.pcap", "-Y", "spicecap.dropped", "-T", "fields", "-e", "frame.number")
    assert out.split() == ["1", "8", "15", "22", "29", "43", "50"], out


def test_k2_fixture_flagged(tshark, fixtures_dir):
    """k2 fixture: the dropped messages are flagged at the manifest's frames."""
    code, out = tshark("faults/k2.pcap", "-Y", "spicecap.dropped", "-T", "fields", "-e", "frame.number")
    k2 = manifest(fixtures_dir, "faults/k2.json")["faults"]
    assert out.split() == [str(f["frame"]) for f in k2], (out, k2)


def plugin_lines(verbose):
    """Per frame of tshark -V output, the lines of its spicecap trees (each top-level
    "SPICE (recorded by ryll)" line and the indented lines under it)."""
    frames = []
    for block in verbose.split("\n\n"):
        lines, inside = [], False
        for line in block.splitlines():
            if not line[:1].isspace():
                inside = line.startswith("SPICE (recorded by ryll)")
            if inside:
                lines.append(line)
        if block.strip():
            frames.append(lines)
    return frames


def test_golden_verbose_output(tshark):
    """Golden -V output (spicecap's subtree expanded) of live/cursor.pcap: any change to what a user
    reads shows up here. Regenerate with: tshark -r fixtures/live/cursor.pcap -V -O spicecap.
    Compared is what the plugin writes, frame by frame (its trees, every line of them), not the
    other protocols' lines, whose wording changes between Wireshark versions (4.6 writes
    "Frame 1: Packet, 68 bytes on wire" where 4.0 and 4.4 write "Frame 1: 68 bytes on wire")."""
    code, out = tshark("live/cursor.pcap", "-V", "-O", "spicecap")
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "cursor-V.txt")) as f:
        want = plugin_lines(f.read())
    got = plugin_lines(out)
    assert sum(len(frame) for frame in want) > len(want), "the golden file holds no spicecap tree"
    assert code == 0 and got == want, next(((i + 1, a, b) for i, (a, b) in enumerate(zip(want, got)) if a != b),
                                           ("frames", len(want), len(got)))


def test_real_vnc_stays_vnc(ts):
    """Real VNC on port 5900 (not ryll's addresses) still goes to the VNC dissector."""
    rfb = b"RFB 003.008\n"
    frame = pcapio.tcp_frame("192.168.1.1", "192.168.1.2", 5900, 40000, 1, ack=1, payload=rfb,
                             flags=pcapio.TCP_PSH | pcapio.TCP_ACK, src_mac=b"\x02\0\0\0\0\x01",
                             dst_mac=b"\x02\0\0\0\0\x02")
    vnc = ts.path("vnc.pcap")
    pcapio.write_pcap(vnc, [frame], snaplen=65535)
    code, out, _ = ts.run("-T", "fields", "-e", "_ws.col.Protocol", capture=vnc)
    assert out.strip() == "VNC", out


RECORDED = [c for c in every_capture() if c.startswith(("ryll/", "ref/ryll-", "clean/", "faults/"))]


@pytest.mark.parametrize("capture", RECORDED)
def test_info_texts_and_filter(tshark, capture):
    """Every frame of a recorded SPICE flow carrying bytes is found by the filter "spicecap" (a frame
    holding only part of a message included), and the Info column has no stray separator after
    another dissector's prefix ("[TCP Previous segment not captured] , ..."). TCP hands a payload it
    calls a retransmission or out of order to no dissector: those frames are TCP's."""
    code, out = tshark(capture, "-T", "fields", "-E", "separator=|", "-e", "frame.number", "-e", "frame.protocols",
                       "-e", "tcp.len", "-e", "tcp.port", "-e", "tcp.analysis.retransmission",
                       "-e", "tcp.analysis.out_of_order", "-e", "_ws.col.Info")
    assert code == 0 or capture == "faults/truncate-file.pcap"
    missed, stray = [], []
    for line in out.splitlines():
        number, protocols, tcp_len, ports, retransmission, out_of_order, info = line.split("|", 6)
        if tcp_len not in ("", "0") and "5900" in ports.split(",") and not retransmission and not out_of_order \
                and "spicecap" not in protocols.split(":"):
            missed.append(number)
        if " , " in info or ", ," in info or info.startswith(", "):
            stray.append(line)
    assert not missed, missed[:10]
    assert not stray, stray[:3]
