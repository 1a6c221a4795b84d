"""Bug reports for the triage and HTML tests: made with spicecap-synth,
rewritten member by member with Python's zipfile, and read back frame by
frame with pcapio (ryll's recorded convention: client 10.0.0.1, server
10.0.0.2:5900, the client port naming the channel), independently of the
validator."""
import collections
import io
import json
import struct
import subprocess
import zipfile
import zlib

import pcapio

SERVER_PORT = 5900
# ryll's client ports (README "The recorded format"); 10099 is every other channel.
PORT_CHANNEL = {10001: "main", 10002: "display", 10003: "inputs", 10004: "cursor", 10009: "usbredir",
                10099: "playback"}

Frame = collections.namedtuple("Frame", "number ts_us channel direction flow seq payload")


def make_report(synth, path, report_type="display", *extra, scenario="desktop", seed=1):
    subprocess.run([synth, "--scenario", scenario, "--seed", str(seed), "--bugreport", path,
                    "--report-type", report_type, *extra], check=True, capture_output=True)
    return path


def rewrite(src, dst, replace=None, add=None):
    """Copy a zip, members in the same order, replacing (None: dropping) some and adding others."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    zout.writestr(info.filename, replace[info.filename])
            else:
                zout.writestr(info, zin.read(info.filename))
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def metadata(path):
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("metadata.json"))


def with_metadata(src, dst, **changes):
    meta = metadata(src)
    meta.update(changes)
    return rewrite(src, dst, {"metadata.json": json.dumps(meta, indent=2).encode()})


def frames(zip_path, member="traffic.pcap"):
    """Every record of the report's pcap as a Frame (channel None for other traffic)."""
    with zipfile.ZipFile(zip_path) as z:
        cap = pcapio.read_pcap(z.read(member))
    out = []
    for n, rec in enumerate(cap.records, 1):
        seg = pcapio.parse_tcp(rec.data)
        channel = direction = flow = seq = None
        payload = b""
        if seg is not None:
            received = seg.sport == SERVER_PORT
            client = seg.dport if received else seg.sport
            channel, direction = PORT_CHANNEL.get(client), "received" if received else "sent"
            flow, seq, payload = (seg.sport, seg.dport), seg.seq, seg.payload
        out.append(Frame(n, cap.ts_us(rec), channel, direction, flow, seq, payload))
    return out


def message_starts(frs):
    """(frame, channel, direction, type, wire size) of each message a drained ring's records begin:
    a record starts a message when the one before it in its flow ended one (6-byte mini header:
    u16 type, u32 body size, little-endian); a seq jump (a lost record) ends the message."""
    left, next_seq, out = {}, {}, []
    for f in frs:
        if f.flow is None or not f.payload:
            continue
        if next_seq.get(f.flow) not in (None, f.seq):
            left[f.flow] = 0
        next_seq[f.flow] = (f.seq + len(f.payload)) & 0xffffffff
        if left.get(f.flow, 0) == 0 and len(f.payload) >= 6:
            mtype, size = struct.unpack_from("<HI", f.payload)
            out.append((f.number, f.channel, f.direction, mtype, 6 + size))
            left[f.flow] = 6 + size
        left[f.flow] = max(0, left.get(f.flow, 0) - len(f.payload))
    return out


def seq_jumps(frs):
    """Frames whose seq lies past the end of the one before in their flow: bytes lost before them."""
    next_seq, out = {}, []
    for f in frs:
        if f.flow is None:
            continue
        if f.flow in next_seq and f.seq != next_seq[f.flow]:
            out.append(f.number)
        next_seq[f.flow] = (f.seq + len(f.payload)) & 0xffffffff
    return out


def png(width, height, rgb=(200, 40, 40)):
    """A small truecolour PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\0" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
