#!/usr/bin/env python3
"""The spicecap plugin on a real SPICE session (qemu's server and
remote-viewer on 127.0.0.1, fixtures/ref/qemu-kernel-nocompress.pcapng.gz).

The expected answer is an independent walk: Wireshark's own stream
reassembly (`-z follow,tcp,raw`) gives each direction's bytes, and this
script walks the link stage and the message headers over them, from
spice-protocol's layout, with no code of the plugin. The plugin's
dissection must equal it message for message, in one pass and in two, on
the session's own port (chosen with Decode As or the spicecap_tcp
heuristic) and on port 5900 (with no option at all); the built-in SPICE
dissector must still decode the session when a user picks it; and the
recorded flows' client-port preference must map a foreign port.
Usage: test_real_capture.py TSHARK PLUGIN_SO WIRESHARK_MAJOR_MINOR SOURCE_DIR"""
import json
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import Results, Tshark  # noqa: E402

TSHARK, PLUGIN, VERSION, SRC = sys.argv[1:5]
REAL = os.path.join(SRC, "fixtures", "ref", "qemu-kernel-nocompress.pcapng.gz")
DESKTOP = os.path.join(SRC, "fixtures", "clean", "desktop.pcap")
PORT = 5950

# spice-protocol facts the walk needs (protocol.h); spelled out here on
# purpose: the walk must not share the plugin's code.
LINK_HEADER = 16
TICKET = 128
CAP_AUTH_SELECTION, CAP_MINI_HEADER = 0, 3
MESS_CAPS = 6    # SpiceLinkMess: connection_id u32, channel_type u8, channel_id u8, then the caps fields
REPLY_CAPS = 166  # SpiceLinkReply: error u32, pub_key[162], then the caps fields

results = Results()
check = results.check
ts = Tshark(TSHARK, PLUGIN, VERSION)


def stream_bytes(capture, stream):
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


def dissected(capture, *options):
    """{(stream, direction): [(type, wire size)]}, the channels by stream, exit status, stderr."""
    code, out, err = ts.run(*options, "-Y", "spicecap", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                            "-e", "tcp.stream", "-e", "spicecap.direction", "-e", "spicecap.type",
                            "-e", "spicecap.wire_size", "-e", "spicecap.link.channel_type", "-e", "spicecap.channel",
                            capture=capture)
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


def rewrite_ports(src, dst, mapping):
    """Copy a classic pcap (Ethernet, IPv4, TCP) with TCP ports renamed; checksums are not looked at here."""
    data = bytearray(open(src, "rb").read())
    big = data[:4] == b"\xa1\xb2\xc3\xd4"
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack_from(">I" if big else "<I", data, off + 8)[0]
        frame = off + 16
        if struct.unpack_from(">H", data, frame + 12)[0] == 0x0800 and data[frame + 23] == 6:
            tcp = frame + 14 + (data[frame + 14] & 15) * 4
            for k in (0, 2):
                port = struct.unpack_from(">H", data, tcp + k)[0]
                struct.pack_into(">H", data, tcp + k, mapping.get(port, port))
        off = frame + caplen
    open(dst, "wb").write(data)


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
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    for n, (side, payload) in enumerate(turns):
        ports = (40000, 5900) if side == 0 else (5900, 40000)
        tcp = struct.pack(">HHIIBBHHH", ports[0], ports[1], seq[side], seq[1 - side], 0x50, 0x18, 65535, 0, 0)
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 40 + len(payload), 0, 0x4000, 64, 6, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
        frame = bytes(6) + bytes(6) + b"\x08\x00" + ip + tcp + payload
        out += struct.pack("<IIII", n, 0, len(frame), len(frame)) + frame
        seq[side] += len(payload)
    open(path, "wb").write(out)


try:
    # The independent walk of every connection.
    expected, channels_walked = {}, {}
    for stream in range(4):
        client, server = stream_bytes(REAL, stream)
        channel, by_direction = walk(client, server)
        channels_walked[stream] = channel
        for direction, found in by_direction.items():
            expected[(stream, direction)] = found
    total = sum(len(v) for v in expected.values())
    check("the walk finds the four channels' messages (%d)" % total,
          sorted(channels_walked.values()) == [1, 2, 3, 4] and total > 1000, channels_walked)

    decode_as = ("-d", "tcp.port==%d,spicecap" % PORT)
    got, channels, code, err = dissected(REAL, *decode_as)
    check("Decode As spicecap: every message equals the walk, in order", code == 0 and got == expected,
          "exit %d %s; streams differing: %s" % (code, err[-300:],
                                                 [k for k in expected if got.get(k) != expected[k]]))
    check("Decode As spicecap: each connection's channel from its link message", channels == channels_walked,
          (channels, channels_walked))

    got2, _, code, err = dissected(REAL, "-2", *decode_as)
    check("two passes (-2) frame every message as one pass does", code == 0 and got2 == expected,
          [k for k in expected if got2.get(k) != expected[k]])

    got, _, code, _ = dissected(REAL, "--enable-heuristic", "spicecap_tcp", "--disable-heuristic", "spice_tcp")
    check("the spicecap_tcp heuristic, when enabled, frames the session as Decode As does", got == expected,
          [k for k in expected if got.get(k) != expected[k]])

    code, out, _ = ts.run("-Y", "spicecap", capture=REAL)
    check("by default the session's own port stays with the built-in dissector", code == 0 and out == "", out[:300])

    # The same session on port 5900, the port spicecap claims from VNC.
    classic = ts.path("real.pcap")
    subprocess.run(["editcap", "-F", "pcap", REAL, classic], check=True)
    on5900 = ts.path("real-5900.pcap")
    rewrite_ports(classic, on5900, {PORT: 5900})
    got, _, code, err = dissected(on5900)
    check("on port 5900 with no option: every message equals the walk", code == 0 and got == expected,
          [k for k in expected if got.get(k) != expected[k]])

    code, out, _ = ts.run("-Y", "spicecap.link.cap.mini_header == 1", "-T", "fields", "-e", "frame.number",
                          capture=on5900)
    check("link messages and replies show the mini header capability (8 of them)", len(out.split()) == 8, out)
    code, out, _ = ts.run("-Y", "spicecap.link.result == 0", "-T", "fields", "-e", "frame.number", capture=on5900)
    check("four link results, all ok", len(out.split()) == 4, out)

    def builtin_frames(capture, *options):
        code, out, _ = ts.run(*options, "-Y", "spice && !spicecap", "-T", "fields", "-e", "frame.number",
                              capture=capture)
        return out.split()

    own_port = builtin_frames(REAL)
    picked = builtin_frames(on5900, "-d", "tcp.port==5900,spice")
    check("Decode As spice on port 5900: the built-in dissector decodes what it decodes on its own port "
          "(%d frames)" % len(own_port), len(own_port) > 100 and picked == own_port,
          "%d vs %d frames" % (len(picked), len(own_port)))

    code, out, _ = ts.run("-o", "spicecap.real_connections:FALSE", "-Y", "spicecap", capture=on5900)
    check("real_connections off hands the session on", out == "", out[:300])

    # A connection without the mini header: 18-byte data headers.
    AUTH_SPICE = 1 << 1 | 1 << CAP_AUTH_SELECTION
    data_header = ts.path("data-header.pcap")
    ping = struct.pack("<QHII", 1, 4, 12, 0) + struct.pack("<IQ", 7, 99)            # main ping (server)
    pong = struct.pack("<QHII", 1, 3, 12, 0) + struct.pack("<IQ", 7, 99)            # main pong (client)
    init = struct.pack("<QHII", 2, 103, 32, 0) + bytes(32)                           # main init (server)
    session_pcap(data_header, AUTH_SPICE, AUTH_SPICE | 1 << CAP_MINI_HEADER,
                 [struct.pack("<I", 1) + bytes(TICKET), pong], [struct.pack("<I", 0) + init + ping])
    code, out, _ = ts.run("-Y", "spicecap.type", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
                          "-e", "spicecap.direction", "-e", "spicecap.name", "-e", "spicecap.serial",
                          "-e", "spicecap.wire_size", capture=data_header)
    check("data headers when one side lacks the mini header: serial, name and wire size of each message",
          out.splitlines() == ["received,received\tinit,ping\t2,1\t50,30", "sent\tpong\t1\t30"], out)

    refused = ts.path("refused.pcap")
    session_pcap(refused, AUTH_SPICE, AUTH_SPICE, [bytes(20)], [bytes(8)], error=7)
    code, out, _ = ts.run("-Y", "spicecap", "-T", "fields", "-e", "_ws.col.Info", "-e", "_ws.expert.message",
                          capture=refused)
    check("a refused link is named, flagged, and what follows is bytes, not messages",
          "server link reply (permission denied)" in out and "refused the link: permission denied" in out
          and out.count("cannot be framed") == 2 and "spicecap.type" not in out, out)

    sasl = ts.path("sasl.pcap")
    session_pcap(sasl, AUTH_SPICE | 1 << 2, AUTH_SPICE | 1 << 2, [struct.pack("<I", 2), bytes(40)], [bytes(30)])
    code, out, _ = ts.run("-Y", "spicecap", "-T", "fields", "-e", "_ws.col.Info", capture=sasl)
    check("SASL is named and its exchange left unframed", "auth mechanism sasl" in out and
          out.count("cannot be framed") == 2, out)

    # The recorded flows' client-port preference.
    manifest = json.load(open(os.path.join(SRC, "fixtures", "clean", "desktop.json")))["messages"]
    want = sorted((m["direction"], m["type"], m["wire_size"]) for m in manifest if m["channel"] == "display")
    moved = ts.path("desktop-20002.pcap")
    rewrite_ports(DESKTOP, moved, {10002: 20002})

    def display_messages(*options):
        code, out, err = ts.run(*options, "-Y", 'spicecap.channel == "display"', "-T", "fields", "-E",
                                "occurrence=a", "-E", "aggregator=,", "-e", "spicecap.direction", "-e",
                                "spicecap.type", "-e", "spicecap.wire_size", capture=moved)
        found = []
        for line in out.splitlines():
            found += [(d, int(t), int(w)) for d, t, w in zip(*(c.split(",") for c in line.split("\t")))]
        return sorted(found), err

    found, _ = display_messages()
    check("a recorded flow on an unmapped client port is not named display", found == [], found[:3])
    found, _ = display_messages("-o", "spicecap.client_ports:20002=display")
    check("spicecap.client_ports maps port 20002 to display: its %d messages" % len(want), found == want,
          "%d vs %d" % (len(found), len(want)))
    found, err = display_messages("-o", "spicecap.client_ports:20002=display,oops,30000=nochannel")
    check("a bad client_ports entry is named in a message and skipped", found == want and '"oops"' in err and
          '"30000=nochannel"' in err, err[-300:])
finally:
    ts.close()
sys.exit(results.finish())
