"""The spicecap plugin on a real SPICE session (qemu's server and
remote-viewer on 127.0.0.1, fixtures/ref/qemu-kernel-nocompress.pcapng.gz).

The expected answer is an independent walk: Wireshark's own stream
reassembly (`-z follow,tcp,raw`) gives each direction's bytes, and this
file walks the link stage and the message headers over them, from
spice-protocol's layout, with no code of the plugin. The plugin's
dissection must equal it message for message, in one pass and in two, on
the session's own port (chosen with Decode As or the spicecap_tcp
heuristic) and on port 5900 (with no option at all); the built-in SPICE
dissector must still decode the session when a user picks it; and the
recorded flows' client-port preference must map a foreign port.
Run by ctest (plugin_real_capture); one check by hand, e.g.
python3 -m pytest tests/plugin/test_real_capture.py -k heuristic"""
import json
import os
import struct
import subprocess

import pytest

import pcapio

PORT = 5950

# spice-protocol facts the walk needs (protocol.h); spelled out here on
# purpose: the walk must not share the plugin's code.
LINK_HEADER = 16
TICKET = 128
CAP_AUTH_SELECTION, CAP_MINI_HEADER = 0, 3
MESS_CAPS = 6    # SpiceLinkMess: connection_id u32, channel_type u8, channel_id u8, then the caps fields
REPLY_CAPS = 166  # SpiceLinkReply: error u32, pub_key[162], then the caps fields
AUTH_SPICE = 1 << 1 | 1 << CAP_AUTH_SELECTION
DECODE_AS = ("-d", "tcp.port==%d,spicecap" % PORT)


@pytest.fixture(scope="module")
def real(fixtures_dir):
    return os.path.join(fixtures_dir, "ref", "qemu-kernel-nocompress.pcapng.gz")


def stream_bytes(ts, capture, stream):
    """(client bytes, server bytes) of a TCP stream, as Wireshark follows it."""
    code, out, err = ts.run("-q", "-z", "follow,tcp,raw,%d" % stream, capture=capture)
    sides = [bytearray(), bytearray()]
    for line in out.splitlines():
        text = line.strip()
        if not text or any(c not in "0123456789abcdef" for c in text):
            continue
        sides[1 if line.startswith("\t") else 0] += bytes.fromhex(text)
    return bytes(sides[0]), bytes(sides[1])


def first_cap_word(body, caps_at):
    common, _channel, offset = struct.unpack_from("<III", body, caps_at)
    return struct.unpack_from("<I", body, offset)[0] if common else 0


def walk(client, server):
    """(channel type, {direction: [(type, wire size)]}) of one connection."""
    size = struct.unpack_from("<I", client, 12)[0]
    mess = client[LINK_HEADER:LINK_HEADER + size]
    channel = mess[4]
    client_caps = first_cap_word(mess, MESS_CAPS)
    size = struct.unpack_from("<I", server, 12)[0]
    reply = server[LINK_HEADER:LINK_HEADER + size]
    server_caps = first_cap_word(reply, REPLY_CAPS)
    both = client_caps & server_caps
    at_client = LINK_HEADER + len(mess) + (4 if both >> CAP_AUTH_SELECTION & 1 else 0) + TICKET
    at_server = LINK_HEADER + len(reply) + 4
    mini = both >> CAP_MINI_HEADER & 1
    messages = {}
    for direction, data, at in (("sent", client, at_client), ("received", server, at_server)):
        found = messages.setdefault(direction, [])
        while at + (6 if mini else 18) <= len(data):
            mtype, msize = struct.unpack_from("<HI", data, at) if mini else struct.unpack_from("<HI", data, at + 8)
            wire = (6 if mini else 18) + msize
            if at + wire > len(data):
                break  # cut by the end of the capture
            found.append((mtype, wire))
            at += wire
    return channel, messages


@pytest.fixture(scope="module")
def walked(ts, real):
    """The independent walk of every connection: ({(stream, direction): [(type, wire size)]},
    {stream: channel type})."""
    expected, channels = {}, {}
    for stream in range(4):
        client, server = stream_bytes(ts, real, stream)
        channel, by_direction = walk(client, server)
        channels[stream] = channel
        for direction, found in by_direction.items():
            expected[(stream, direction)] = found
    return expected, channels


@pytest.fixture(scope="module")
def dissected(ts):
    def dissected(capture, *options):
        """{(stream, direction): [(type, wire size)]}, the channels by stream, exit status, stderr."""
        code, out, err = ts.run(*options, "-Y", "spicecap", "-T", "fields", "-E", "occurrence=a",
                                "-E", "aggregator=,", "-e", "tcp.stream", "-e", "spicecap.direction",
                                "-e", "spicecap.type", "-e", "spicecap.wire_size", "-e", "spicecap.link.channel_type",
                                "-e", "spicecap.channel", capture=capture)
        messages, channels = {}, {}
        for line in out.splitlines():
            stream, directions, types, wires, link_channel, names = line.split("\t")
            if link_channel:
                channels[int(stream)] = int(link_channel)
            if not types:
                continue
            for d, t, w in zip(directions.split(","), types.split(","), wires.split(",")):
                messages.setdefault((int(stream), d), []).append((int(t), int(w)))
        return messages, channels, code, err
    return dissected


def differing(got, expected):
    return [k for k in expected if got.get(k) != expected[k]]


def rewrite_ports(src, dst, mapping):
    """Copy a classic pcap (Ethernet, IPv4, TCP) with TCP ports renamed; checksums are not looked at here."""
    cap = pcapio.read_pcap_file(src)
    with open(dst, "wb") as out:
        out.write(cap.header())
        for rec in cap.records:
            frame = bytearray(rec.data)
            tcp = pcapio.parse_tcp(rec.data)
            if tcp is not None:
                for k in (0, 2):
                    port = struct.unpack_from(">H", frame, tcp.tcp_offset + k)[0]
                    struct.pack_into(">H", frame, tcp.tcp_offset + k, mapping.get(port, port))
            out.write(cap.record_bytes(rec, bytes(frame)))
        out.write(cap.trailing)


def session_pcap(path, client_caps, server_caps, client_after, server_after, error=0):
    """A made-up real connection on port 5900 (client 127.0.0.1:40000):
    link message and reply with the given first common capability words,
    then the raw bytes given for each side, one segment each, in turn."""
    def link(body):
        return struct.pack("<4sIII", b"REDQ", 2, 2, len(body)) + body
    mess = struct.pack("<IBBIII", 0, 1, 0, 1, 0, 18) + struct.pack("<I", client_caps)
    reply = struct.pack("<I", error) + bytes(162) + struct.pack("<III", 1, 0, 178) + struct.pack("<I", server_caps)
    turns = [(0, link(mess)), (1, link(reply))]
    for i in range(max(len(client_after), len(server_after))):
        turns += [(0, client_after[i])] if i < len(client_after) else []
        turns += [(1, server_after[i])] if i < len(server_after) else []
    seq = [1000, 2000]
    frames = []
    for side, payload in turns:
        ports = (40000, 5900) if side == 0 else (5900, 40000)
        frames.append(pcapio.tcp_frame("127.0.0.1", "127.0.0.1", ports[0], ports[1], seq[side], ack=seq[1 - side],
                                       payload=payload, flags=pcapio.TCP_PSH | pcapio.TCP_ACK))
        seq[side] += len(payload)
    pcapio.write_pcap(path, frames)


def test_walk_finds_four_channels(walked):
    """The walk finds the four channels' messages (over a thousand)."""
    expected, channels = walked
    total = sum(len(v) for v in expected.values())
    assert sorted(channels.values()) == [1, 2, 3, 4] and total > 1000, (channels, total)


@pytest.fixture(scope="module")
def decode_as(dissected, real):
    """The session dissected with Decode As spicecap on its own port."""
    return dissected(real, *DECODE_AS)


def test_decode_as_equals_walk(decode_as, walked):
    """Decode As spicecap: every message equals the walk, in order."""
    got, channels, code, err = decode_as
    assert code == 0 and got == walked[0], "exit %d %s; streams differing: %s" % (
        code, err[-300:], differing(got, walked[0]))


def test_decode_as_channels_from_link(decode_as, walked):
    """Decode As spicecap: each connection's channel from its link message."""
    got, channels, code, err = decode_as
    assert channels == walked[1], (channels, walked[1])


def test_two_passes(dissected, walked, real):
    """Two passes (-2) frame every message as one pass does."""
    got, _, code, err = dissected(real, "-2", *DECODE_AS)
    assert code == 0 and got == walked[0], differing(got, walked[0])


def test_heuristic_equals_decode_as(dissected, walked, real):
    """The spicecap_tcp heuristic, when enabled, frames the session as Decode As does."""
    got, _, code, _ = dissected(real, "--enable-heuristic", "spicecap_tcp", "--disable-heuristic", "spice_tcp")
    assert got == walked[0], differing(got, walked[0])


def test_own_port_stays_builtin(ts, real):
    """By default the session's own port stays with the built-in dissector."""
    code, out, _ = ts.run("-Y", "spicecap", capture=real)
    assert code == 0 and out == "", out[:300]


@pytest.fixture(scope="module")
def on5900(ts, real):
    """The same session on port 5900, the port spicecap claims from VNC."""
    classic = ts.path("real.pcap")
    subprocess.run(["editcap", "-F", "pcap", real, classic], check=True)
    moved = ts.path("real-5900.pcap")
    rewrite_ports(classic, moved, {PORT: 5900})
    return moved


def test_port_5900_equals_walk(dissected, walked, on5900):
    """On port 5900 with no option: every message equals the walk."""
    got, _, code, err = dissected(on5900)
    assert code == 0 and got == walked[0], differing(got, walked[0])


def test_link_mini_header_capability(ts, on5900):
    """Link messages and replies show the mini header capability (8 of them)."""
    code, out, _ = ts.run("-Y", "spicecap.link.cap.mini_header == 1", "-T", "fields", "-e", "frame.number",
                          capture=on5900)
    assert len(out.split()) == 8, out


def test_link_results_ok(ts, on5900):
    """Four link results, all ok."""
    code, out, _ = ts.run("-Y", "spicecap.link.result == 0", "-T", "fields", "-e", "frame.number", capture=on5900)
    assert len(out.split()) == 4, out


def test_builtin_decode_as_on_5900(ts, real, on5900):
    """Decode As spice on port 5900: the built-in dissector decodes what it decodes on its own port."""
    def builtin_frames(capture, *options):
        code, out, _ = ts.run(*options, "-Y", "spice && !spicecap", "-T", "fields", "-e", "frame.number",
                              capture=capture)
        return out.split()

    own_port = builtin_frames(real)
    picked = builtin_frames(on5900, "-d", "tcp.port==5900,spice")
    assert len(own_port) > 100 and picked == own_port, "%d vs %d frames" % (len(picked), len(own_port))


def test_real_connections_off(ts, on5900):
    """real_connections off hands the session on."""
    code, out, _ = ts.run("-o", "spicecap.real_connections:FALSE", "-Y", "spicecap", capture=on5900)
    assert out == "", out[:300]


def test_data_headers_without_mini_header(ts):
    """A connection without the mini header (one side lacks it): 18-byte data headers, with the
    serial, name and wire size of each message."""
    data_header = ts.path("data-header.pcap")
    ping = struct.pack("<QHII", 1, 4, 12, 0) + struct.pack("<IQ", 7, 99)            # main ping (server)
    pong = struct.pack("<QHII", 1, 3, 12, 0) + struct.pack("<IQ", 7, 99)            # main pong (client)
    init = struct.pack("<QHII", 2, 103, 32, 0) + bytes(32)                           # main init (server)
    session_pcap(data_header, AUTH_SPICE, AUTH_SPICE | 1 << CAP_MINI_HEADER,
                 [struct.pack("<I", 1) + bytes(TICKET), pong], [struct.pack("<I", 0) + init + ping])
    code, out, _ = ts.run("-Y", "spicecap.type", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                          "-e", "spicecap.direction", "-e", "spicecap.name", "-e", "spicecap.serial",
                          "-e", "spicecap.wire_size", capture=data_header)
    assert out.splitlines() == ["received,received\tinit,ping\t2,1\t50,30", "sent\tpong\t1\t30"], out


def test_refused_link(ts):
    """A refused link is named, flagged, and what follows is bytes, not messages."""
    refused = ts.path("refused.pcap")
    session_pcap(refused, AUTH_SPICE, AUTH_SPICE, [bytes(20)], [bytes(8)], error=7)
    code, out, _ = ts.run("-Y", "spicecap", "-T", "fields", "-e", "_ws.col.Info", "-e", "_ws.expert.message",
                          capture=refused)
    assert ("server link reply (permission denied)" in out and "refused the link: permission denied" in out
            and out.count("cannot be framed") == 2 and "spicecap.type" not in out), out


def test_sasl_left_unframed(ts):
    """SASL is named and its exchange left unframed."""
    sasl = ts.path("sasl.pcap")
    session_pcap(sasl, AUTH_SPICE | 1 << 2, AUTH_SPICE | 1 << 2, [struct.pack("<I", 2), bytes(40)], [bytes(30)])
    code, out, _ = ts.run("-Y", "spicecap", "-T", "fields", "-e", "_ws.col.Info", capture=sasl)
    assert "auth mechanism sasl" in out and out.count("cannot be framed") == 2, out


# The recorded flows' client-port preference.
@pytest.fixture(scope="module")
def moved_display(ts, fixtures_dir):
    """desktop.pcap with its display flow on client port 20002, and the display messages of its manifest."""
    with open(os.path.join(fixtures_dir, "clean", "desktop.json")) as f:
        manifest = json.load(f)["messages"]
    want = sorted((m["direction"], m["type"], m["wire_size"]) for m in manifest if m["channel"] == "display")
    moved = ts.path("desktop-20002.pcap")
    rewrite_ports(os.path.join(fixtures_dir, "clean", "desktop.pcap"), moved, {10002: 20002})

    def display_messages(*options):
        code, out, err = ts.run(*options, "-Y", 'spicecap.channel == "display"', "-T", "fields", "-E",
                                "occurrence=a", "-E", "aggregator=,", "-e", "spicecap.direction", "-e",
                                "spicecap.type", "-e", "spicecap.wire_size", capture=moved)
        found = []
        for line in out.splitlines():
            found += [(d, int(t), int(w)) for d, t, w in zip(*(c.split(",") for c in line.split("\t")))]
        return sorted(found), err
    return want, display_messages


def test_unmapped_client_port(moved_display):
    """A recorded flow on an unmapped client port is not named display."""
    found, _ = moved_display[1]()
    assert found == [], found[:3]


def test_client_ports_maps_display(moved_display):
    """spicecap.client_ports maps port 20002 to display: all its messages."""
    want, display_messages = moved_display
    found, _ = display_messages("-o", "spicecap.client_ports:20002=display")
    assert found == want, "%d vs %d" % (len(found), len(want))


def test_bad_client_ports_entry(moved_display):
    """A bad client_ports entry is named in a message and skipped."""
    want, display_messages = moved_display
    found, err = display_messages("-o", "spicecap.client_ports:20002=display,oops,30000=nochannel")
    assert found == want and '"oops"' in err and '"30000=nochannel"' in err, err[-300:]
