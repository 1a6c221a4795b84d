#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets from fixtures/, cut small.

Usage: make_seeds.py SOURCE_DIR [BODIES.pcap...]
       make_seeds.py SOURCE_DIR --only TARGET
  writes SOURCE_DIR/fuzz/corpus/<target>/; each BODIES.pcap (a recorded
  capture, e.g. the one tests/plugin/make_body_capture writes with one of
  each body the plugin decodes) adds its messages to plugin_dissect's seeds.
  --only writes that target's seeds alone (report_reader and report_zip
  need no BODIES).

Seeds are the starting points libFuzzer mutates: each shows a target one
shape of valid input (a file format, a wrapper, a link stage, a message
body) so coverage starts where a real file takes the code. Captures are cut
to their first records: a few KiB reach the same code as the megabytes.
Rerun after the fixtures change; the output is deterministic.
"""
import gzip
import io
import os
import shutil
import struct
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import pcapio  # noqa: E402  (the tests' pcap reader and writer)

CAPTURE_BUDGET = 12 * 1024  # bytes of records per cut capture
STREAM_BUDGET = 8 * 1024    # bytes of SPICE payload per spice_stream seed
BODY_CAP = 1024             # bytes of a body kept in a plugin_dissect seed
SERVER_PORTS = (5900, 5950)  # ryll's recorded port; the qemu reference capture's


def cut_pcap(data, budget=CAPTURE_BUDGET):
    """The header and the first records that fit in budget (at least one)."""
    cap = pcapio.read_pcap(data)
    out, used = [cap.header()], 0
    for rec in cap.records:
        if used and used + len(rec.data) + 16 > budget:
            break
        out.append(cap.record_bytes(rec))
        used += len(rec.data) + 16
    return b"".join(out)


def cut_pcapng(data, budget):
    """SHB, IDB and the first enhanced packet blocks that fit in budget."""
    out, used = [], 0
    for btype, block in pcapio.pcapng_blocks(data):
        if btype == pcapio.PCAPNG_EPB:
            if used + len(block) > budget:
                break
            used += len(block)
        out.append(block)
    return b"".join(out)


def frames_of(path):
    """Every frame of a capture, pcap or (gzipped) pcapng, or a bug report's traffic.pcap."""
    raw = open(path, "rb").read()
    if raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            raw = z.read("traffic.pcap")
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[:4] == b"\x0a\x0d\x0d\x0a":
        for btype, block in pcapio.pcapng_blocks(raw):
            if btype == pcapio.PCAPNG_EPB:
                yield pcapio.pcapng_epb_data(block)
    else:
        for rec in pcapio.read_pcap(raw).records:
            yield rec.data


def flows(path):
    """Per connection (client port): [(direction, payload)] in capture order,
    retransmitted and empty segments left out. Direction 1: from the server."""
    out, next_seq = {}, {}
    for frame in frames_of(path):
        t = pcapio.parse_tcp(frame)
        if t is None or not t.payload:
            continue
        sport, dport, seq, payload = t.sport, t.dport, t.seq, t.payload
        if sport in SERVER_PORTS:
            key, direction = dport, 1
        elif dport in SERVER_PORTS:
            key, direction = sport, 0
        else:
            continue
        want = next_seq.get((key, direction))
        if want is not None and seq != want:
            continue  # a retransmission or a segment after a hole
        next_seq[(key, direction)] = (seq + len(payload)) & 0xFFFFFFFF
        out.setdefault(key, []).append((direction, payload))
    return out


def write(dir_, name, data):
    os.makedirs(dir_, exist_ok=True)
    with open(os.path.join(dir_, name), "wb") as f:
        f.write(data)


def capture_seeds(src):
    """Name -> bytes: every format and wrapper the reader knows, cut small."""
    fx = os.path.join(src, "fixtures")
    rd = lambda *p: open(os.path.join(fx, *p), "rb").read()
    seeds = {}
    for name, parts in [("le-usec-desktop.pcap", ("clean", "desktop.pcap")),
                        ("le-usec-seq-wrap.pcap", ("clean", "seq-wrap.pcap")),
                        ("be-ryll-display.pcap", ("ref", "ryll-display-sample.pcap")),
                        ("be-ryll-k2.pcap", ("ref", "ryll-display-k2.pcap")),
                        ("fault-k2.pcap", ("faults", "k2.pcap")),
                        ("fault-reorder.pcap", ("faults", "reorder-segments.pcap")),
                        ("fault-duplicate.pcap", ("faults", "duplicate-segment.pcap")),
                        ("fault-drop.pcap", ("faults", "drop-segment.pcap")),
                        ("fault-lying-size.pcap", ("faults", "lying-size.pcap")),
                        ("fault-bad-checksum.pcap", ("faults", "bad-checksum.pcap")),
                        ("ryll-ring-snaplen-loss.pcap", ("ryll", "display-ring.pcap")),
                        ("ryll-video-ring.pcap", ("ryll", "video-ring.pcap")),
                        ("ryll-live-display.pcap", ("ryll", "live", "display.pcap")),
                        ("ryll-live-queue-overflow.pcap", ("ryll", "live-queue-overflow", "display.pcap")),
                        ("live-reads-display.pcap", ("live-reads", "display.pcap")),
                        ("live-inputs.pcap", ("live", "inputs.pcap")),
                        ("live-main.pcap", ("live", "main.pcap"))]:
        seeds[name] = cut_pcap(rd(*parts))
    # Little-endian nanoseconds: the same records under that header (live/main.pcap is big-endian).
    main = pcapio.read_pcap(seeds["live-main.pcap"])
    main.byteorder, main.magic = "<", pcapio.MAGIC_NSEC
    seeds["le-nsec-main.pcap"] = main.header() + b"".join(main.record_bytes(rec) for rec in main.records)
    # A torn last record, as a killed recorder leaves it.
    seeds["torn-last-record.pcap"] = seeds["live-inputs.pcap"][:-7]
    # Real traffic: pcapng with the link stage of every channel.
    qemu = gzip.decompress(rd("ref", "qemu-kernel-nocompress.pcapng.gz"))
    seeds["pcapng-qemu-start.pcapng"] = cut_pcapng(qemu, 24 * 1024)
    seeds["gzip-main.pcap.gz"] = gzip.compress(seeds["live-main.pcap"], mtime=0)
    # A ryll bug report: the capture is its traffic.pcap entry.
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(rd("bugreport", "bugreport.zip"))) as zin, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename.endswith(".pcap"):
                body = cut_pcap(body, 4 * 1024)
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), body,
                          compress_type=zipfile.ZIP_DEFLATED)
    seeds["bugreport.zip"] = buf.getvalue()
    # What ryll really writes, part 2: its playback ring's bodies without
    # their header (the flow alone, from an AutoSnapshot), and a message of
    # a type spice-protocol does not name, in a ring and in socket reads.
    seeds["ryll-playback-bodies.pcap"] = flow_pcap(os.path.join(fx, "ryll", "autosnapshot-audio.zip"), 10099,
                                                   budget=CAPTURE_BUDGET)
    seeds["ryll-unknown-type-ring.pcap"] = flow_pcap(os.path.join(fx, "ryll", "unknown-type-ring.pcap"), 10002,
                                                     first=5, count=6)
    frames, seq = [], 2000
    for read in unknown_type_reads():
        frames.append(pcapio.tcp_frame("10.0.0.2", "10.0.0.1", 5900, 10002, seq, payload=read))
        seq += len(read)
    cap = pcapio.read_pcap(b"".join([pcapio.file_header(">", snaplen=65535)] +
                                    [pcapio.record(f, byteorder=">") for f in frames]))
    seeds["ryll-live-unknown-type.pcap"] = cap.header() + b"".join(cap.record_bytes(rec) for rec in cap.records)
    return seeds


def unknown_type_reads():
    """Socket reads of a display flow (as fixtures/ryll/live-unknown-type/ has them, but short): two
    marks, a message of type 399 (no display type) that the reads cut, the header after it in the next
    read, a draw_fill and a mark."""
    mini = lambda t, body: struct.pack("<HI", t, len(body)) + body
    stream = mini(102, b"") + mini(102, b"") + mini(399, bytes(range(150))) + mini(302, bytes(40)) + mini(102, b"")
    return [stream[:13], stream[13:100], stream[100:168], stream[168:]]


def flow_pcap(path, port, first=0, count=None, budget=4 * CAPTURE_BUDGET):
    """ryll's pcap header and the records of one client port, from record first on (count of them, at most
    budget bytes)."""
    raw = open(path, "rb").read()
    if raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            raw = z.read("traffic.pcap")
    cap = pcapio.read_pcap(raw)
    out, used, index = [cap.header()], 0, 0
    for rec in cap.records:
        t = pcapio.parse_tcp(rec.data)
        if t is None or port not in (t.sport, t.dport):
            continue
        index += 1
        if index <= first:
            continue
        if (count is not None and index > first + count) or (used and used + len(rec.data) + 16 > budget):
            break
        out.append(cap.record_bytes(rec))
        used += len(rec.data) + 16
    return b"".join(out)


def report_zip(members, compress=zipfile.ZIP_STORED):
    """A zip of (name, bytes) members, in order, with fixed dates (same bytes each run)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in members:
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), body, compress_type=compress)
    return buf.getvalue()


def report_seeds(src):
    """Name -> bytes: ryll bug reports as the file-type plugin reads them
    (stored as ryll writes them, deflated, either pcap byte order and
    resolution, with the optional members), and the zips it must refuse or
    leave to other readers."""
    with zipfile.ZipFile(os.path.join(src, "fixtures", "bugreport", "bugreport.zip")) as z:
        members = [(i.filename, z.read(i)) for i in z.infolist()]
    members = [(n, cut_pcap(b, 4 * 1024) if n == "traffic.pcap" else b) for n, b in members]
    pcap = dict(members)["traffic.pcap"]
    seeds = {"stored.zip": report_zip(members), "deflated.zip": report_zip(members, zipfile.ZIP_DEFLATED)}
    other = pcapio.read_pcap(pcap)
    other.byteorder = ">" if other.byteorder == "<" else "<"
    other.magic = pcapio.MAGIC_NSEC
    swapped = other.header() + b"".join(other.record_bytes(rec) for rec in other.records)
    seeds["swapped-nsec.zip"] = report_zip([(n, swapped if n == "traffic.pcap" else b) for n, b in members])
    extra = [("session.json", b'{"fps": 29.5, "video_drop_count": 3, "display_lag_recent_min_us": 100, '
                              b'"display_lag_recent_mean_us": 250, "display_lag_recent_max_us": 900}'),
             ("disconnect-cause.json", b'{"channel": "display", "error_message": "connection reset", '
                                       b'"error_kind": "Io", "keepalive_timeout_fired": false}')]
    names = {n for n, _ in extra}
    seeds["with-session-disconnect.zip"] = report_zip([m for m in members if m[0] not in names] + extra)
    late = [(n, b.replace(b'"triggered_uptime_secs"', b'"triggered_uptime_secs": 99999.5, "x"')
             if n == "metadata.json" else b) for n, b in members]
    seeds["trigger-after-end.zip"] = report_zip(late)
    seeds["not-ryll.zip"] = report_zip([("readme.txt", b"hello"), ("traffic.pcap", pcap)])
    whole = seeds["stored.zip"]
    seeds["truncated.zip"] = whole[: len(whole) // 2]
    # General purpose bit 0 (encrypted) on every central directory entry.
    seeds["encrypted.zip"] = whole.replace(b"PK\x01\x02\x14\x00\x00\x00", b"PK\x01\x02\x14\x00\x01\x00")
    return seeds


def report_zip_seeds(src):
    """report_zip inputs: the reports as above, and each hostile class of
    tests/validate/hostile_inputs.py built from the same small report (a
    deep member nested 200 levels rather than 80,000, to stay a small seed;
    the pcap bomb of 8 MiB, under the bound, so inflated and read)."""
    sys.path.insert(0, os.path.join(src, "tests", "validate"))
    import hostile_inputs as H  # noqa: E402
    H.load_facts(src)
    seeds = {"report-" + name: data for name, data in report_seeds(src).items()}
    with zipfile.ZipFile(os.path.join(src, "fixtures", "bugreport", "bugreport.zip")) as z:
        members = [(i.filename, z.read(i)) for i in z.infolist()]
    members = [(n, cut_pcap(b, 4 * 1024) if n == "traffic.pcap" else b) for n, b in members]
    small = {"deep-metadata.json": lambda i: H.deep_json(i, "metadata.json", 200),
             "deep-session.json": lambda i: H.deep_json(i, "session.json", 200),
             "deep-notifications.json": lambda i: H.deep_json(i, "notifications.json", 200),
             "pcap-bomb": lambda i: H.pcap_bomb(i, 8 << 20)}
    for name, build, _ in H.REPORT_CASES:
        if name.startswith("deep-") and name not in small or name == "pcap-bomb-576MiB":
            continue
        data = small[name](members) if name in small else build(members)
        seeds["hostile-" + name] = data
    for name, build in small.items():
        seeds.setdefault("hostile-" + name, build(members))
    return seeds


def stream_seeds(src):
    """spice_stream inputs: the SPICE bytes of one connection as chunks."""
    fx = os.path.join(src, "fixtures")
    seeds = {}
    sources = [("desktop", os.path.join(fx, "clean", "desktop.pcap"), 0),
               ("qemu", os.path.join(fx, "ref", "qemu-kernel-nocompress.pcapng.gz"), 4),  # a real connection
               ("wrap", os.path.join(fx, "clean", "seq-wrap.pcap"), 2),
               ("ryll", os.path.join(fx, "ref", "ryll-display-sample.pcap"), 1),
               # Socket reads as ryll writes them: records over the snaplen
               # left out (8), and a read a full queue dropped (16).
               ("reads-snaplen", os.path.join(fx, "live-reads", "display.pcap"), 1 | 8),
               ("reads-dropped", os.path.join(fx, "live-reads", "display.pcap"), 16),
               # Playback bodies without their header; a type spice-protocol
               # does not name (399), in a ring and in socket reads.
               ("bodies", os.path.join(fx, "ryll", "autosnapshot-audio.zip"), 1),
               ("unknown-ring", os.path.join(fx, "ryll", "unknown-type-ring.pcap"), 1 | 8)]
    # Socket reads cutting a message of a type spice-protocol does not name.
    seeds["unknown-reads-crafted"] = bytes([1, 1]) + as_chunks([(1, read) for read in unknown_type_reads()])
    # One read of 65482 bytes, whose 65536-byte record ryll's writer drops
    # (snaplen loss, flag 8), cuts a draw_copy; the next read ends it and
    # holds a mark (under libFuzzer's 64 KiB max_len).
    big = 65482
    draw_copy = struct.pack("<HI", 304, big + 1 - 6) + bytes(range(256)) * 255 + bytes(big - 6 - 256 * 255)
    tail = bytes(1) + struct.pack("<HI", 102, 0)
    seeds["snaplen-crafted"] = bytes([1, 1 | 8]) + struct.pack("<BH", 1, len(draw_copy)) + draw_copy + \
        struct.pack("<BH", 1, len(tail)) + tail
    for label, path, flags in sources:
        for port, chunks in sorted(flows(path).items()):
            # The channel byte: ryll's port says it; a real capture's link
            # message says it, and the recorded port then is 10099's.
            channel = port - 10000 if 10001 <= port <= 10009 else 9
            if label == "bodies":
                if port != 10099:
                    continue  # the report's other rings: the desktop seeds have them
                channel = 5  # playback, on ryll's port 10099
            seeds["%s-port%d" % (label, port)] = bytes([channel - 1, flags]) + as_chunks(chunks)
    return seeds


def as_chunks(chunks, budget=STREAM_BUDGET):
    """[direction][u16 LE length][bytes] per segment, up to budget bytes."""
    out, used = [], 0
    for direction, payload in chunks:
        payload = payload[:budget - used]
        out.append(struct.pack("<BH", direction, len(payload)) + payload)
        used += len(payload)
        if used >= budget:
            break
    return b"".join(out)


PORT_INDEX = {10001: 0, 10002: 1, 10003: 2, 10004: 3, 10009: 4, 10099: 5}


def dissect_seeds(src, extra):
    """plugin_dissect inputs: the first message of each (port, direction,
    type) in the recorded fixtures (and extra captures), body cut to
    BODY_CAP, plus raw segments."""
    fx = os.path.join(src, "fixtures")
    paths = [os.path.join(fx, "clean", "desktop.pcap"), os.path.join(fx, "clean", "video.pcap")]
    paths += [os.path.join(fx, "live", n) for n in sorted(os.listdir(os.path.join(fx, "live"))) if n.endswith(".pcap")]
    seeds, raw = {}, 0
    for path in paths + extra:
        for port, chunks in sorted(flows(path).items()):
            if port not in PORT_INDEX:
                continue
            left = [0, 0]  # bytes of a message still to come, per direction
            for direction, payload in chunks:
                if left[direction] > 0:  # a later segment of a long message
                    left[direction] = max(0, left[direction] - len(payload))
                    continue
                if len(payload) < 6:
                    continue
                left[direction] = max(0, 6 + struct.unpack("<I", payload[2:6])[0] - len(payload))
                mtype = struct.unpack("<H", payload[:2])[0]
                name = "p%d-d%d-t%d" % (port, direction, mtype)
                if name in seeds:
                    continue
                seeds[name] = bytes([PORT_INDEX[port], direction]) + payload[:2] + payload[6:6 + BODY_CAP]
                if raw < 6 and len(payload) < 2048:
                    seeds["raw-%s" % name] = bytes([PORT_INDEX[port], direction | 2]) + payload
                    raw += 1
    # Real connections (byte 1 bit 2): the qemu capture's link stages, and
    # a VNC handshake that the plugin must hand on.
    qemu = flows(os.path.join(fx, "ref", "qemu-kernel-nocompress.pcapng.gz"))
    for port, chunks in sorted(qemu.items()):
        seeds["real-qemu-port%d" % port] = bytes([0, 4]) + as_chunks(chunks, 4096)
    seeds["real-vnc"] = bytes([0, 4]) + as_chunks([(1, b"RFB 003.008\n"), (0, b"RFB 003.008\n"), (1, b"\x01\x02")])
    return seeds


RECORD_CAP = 2048  # bytes of a record kept in a recorded-flow seed; the rest becomes a seq gap


def recorded_flow_chunk(direction, gap, payload):
    """One chunk of a recorded-flow seed (fuzz_plugin_dissect.c, byte 1 bit 3):
    the direction byte with the gap before the chunk (explicit: g = 127)."""
    if gap == 0:
        return struct.pack("<BH", direction, len(payload)) + payload
    return struct.pack("<BI", direction | 127 << 1, gap)[:4] + struct.pack("<H", len(payload)) + payload


def recorded_flow_seed(path, port, first=0, count=None, budget=CAPTURE_BUDGET * 3, cap=RECORD_CAP):
    """The records of one recorded flow (both directions, file order) from
    record first on, each cut to cap bytes: what is cut, and every seq gap
    the file has, become the next chunk's gap."""
    out, used, index, next_seq = [], 0, 0, {}
    for frame in frames_of(path):
        t = pcapio.parse_tcp(frame)
        if t is None or not t.payload or port not in (t.sport, t.dport):
            continue
        direction = 1 if t.sport in SERVER_PORTS else 0
        index += 1
        if index <= first:
            continue
        if count is not None and index > first + count:
            break
        gap = (t.seq - next_seq[direction]) & 0xFFFFFFFF if direction in next_seq else 0
        if gap >= 1 << 24:
            gap = 0
        kept = t.payload[:cap]
        next_seq[direction] = (t.seq + len(kept)) & 0xFFFFFFFF
        out.append(recorded_flow_chunk(direction, gap, kept))
        used += len(kept)
        if used >= budget:
            break
    return bytes([PORT_INDEX[port], 8]) + b"".join(out)


def recorded_flow_seeds(src):
    """plugin_dissect inputs of whole recorded flows (byte 1 bit 3) from what
    ryll really writes: gaps where records over its snaplen were not
    written (a ring, socket reads), a flow starting inside a message, a
    queue overflow's desync, and a crafted ring."""
    fx = os.path.join(src, "fixtures")
    seeds = {
        "flow-ring-snaplen": recorded_flow_seed(os.path.join(fx, "ryll", "display-ring.pcap"), 10002, count=16),
        "flow-ring-starts-inside": recorded_flow_seed(os.path.join(fx, "ryll", "video-ring.pcap"), 10002, count=6),
        "flow-reads-snaplen": recorded_flow_seed(os.path.join(fx, "ryll", "live", "display.pcap"), 10002,
                                                 first=12, count=14),
        "flow-ring-lying-size": recorded_flow_seed(os.path.join(fx, "faults", "lying-size.pcap"), 10002, count=8),
        "flow-reads-queue-overflow": recorded_flow_seed(
            os.path.join(fx, "ryll", "live-queue-overflow", "display.pcap"), 10002, count=11, cap=1 << 16),
        # Playback bodies without their header; a type spice-protocol does
        # not name (399), in a ring and across socket reads.
        "flow-ring-bodies": recorded_flow_seed(os.path.join(fx, "ryll", "autosnapshot-audio.zip"), 10099, count=8),
        "flow-ring-unknown-type": recorded_flow_seed(os.path.join(fx, "ryll", "unknown-type-ring.pcap"), 10002,
                                                     first=5, count=6),
    }
    seeds["flow-reads-unknown-type"] = bytes([PORT_INDEX[10002], 8]) + b"".join(
        recorded_flow_chunk(1, 0, read) for read in unknown_type_reads())
    # A ring's draw_copy of 70000 bytes whose first segment (65495 bytes,
    # its header with it) was over the snaplen, then a draw_fill; and a
    # message cut in its middle by two records' loss less 13 bytes.
    tail = bytes(70000 - 65495)
    fill = struct.pack("<HI", 302, 41) + bytes(41)
    copy = struct.pack("<HI", 304, 200000 - 6) + bytes(2000)
    seeds["flow-ring-crafted"] = bytes([PORT_INDEX[10002], 8]) + b"".join([
        recorded_flow_chunk(1, 0, fill), recorded_flow_chunk(1, 65495, tail), recorded_flow_chunk(1, 0, fill),
        recorded_flow_chunk(1, 0, copy), recorded_flow_chunk(1, 2 * 65495 - 13, bytes(1000)),
        recorded_flow_chunk(0, 0, struct.pack("<HI", 1, 0)), recorded_flow_chunk(1, 0, fill)])
    return seeds


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    corpus = os.path.join(src, "fuzz", "corpus")
    captures = capture_seeds(src)
    plan = {"capture_reader": captures, "validation": captures,
            "spice_stream": stream_seeds(src),
            "plugin_dissect": None, "report_reader": report_seeds(src), "report_zip": report_zip_seeds(src)}
    only = sys.argv[3] if sys.argv[2:3] == ["--only"] else None
    if only is None:
        plan["plugin_dissect"] = {**dissect_seeds(src, sys.argv[2:]), **recorded_flow_seeds(src)}
    for target, seeds in plan.items():
        if only is not None and target != only:
            continue
        shutil.rmtree(os.path.join(corpus, target), ignore_errors=True)
        for name, data in sorted(seeds.items()):
            write(os.path.join(corpus, target), name, data)
        print("%s: %d seeds, %d bytes" % (target, len(seeds), sum(map(len, seeds.values()))))


if __name__ == "__main__":
    main()
