#!/usr/bin/env python3
"""Independent reader for spicecap-synth output: checks a capture against its
manifest, frame by frame, from the bytes alone, and checks each injected
fault is where the manifest says it is.

Usage: check_capture.py MANIFEST.json CAPTURE   (CAPTURE: a .pcap, a bug-report
.zip, or a live capture directory)

The format facts are restated here on purpose: a reader that imported the
writer's definitions would agree with any mistake in them.
"""
import json
import os
import struct
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pcapio  # noqa: E402  (the tests' pcap reader)

CLIENT_PORTS = {10001: "main", 10002: "display", 10003: "inputs", 10004: "cursor", 10009: "usbredir",
                10099: "playback"}
SERVER_PORT = 5900
HDR = 54


def read_pcap(data):
    try:
        cap = pcapio.read_pcap(data)
    except ValueError as e:
        raise SystemExit(str(e))
    if cap.nsec:
        raise SystemExit("not a microsecond pcap")
    if cap.trailing:
        raise SystemExit("%d bytes after the last record: a record header cut short" % len(cap.trailing))
    return [{"ts": cap.ts_us(r), "caplen": r.caplen, "origlen": r.origlen, "frame": r.data, "torn": r.torn}
            for r in cap.records]


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def checksums_ok(frame):
    ip = frame[14:34]
    if checksum(ip) != 0xFFFF:
        return False
    tcp = frame[34:]
    pseudo = ip[12:20] + struct.pack("!BBH", 0, 6, len(tcp))
    return checksum(pseudo + tcp) == 0xFFFF


def tcp_fields(frame):
    sport, dport, seq = struct.unpack("!HHI", frame[34:42])
    return sport, dport, seq


def load(capture):
    """Map file name -> records."""
    if os.path.isdir(capture):
        return {n: read_pcap(open(os.path.join(capture, n), "rb").read())
                for n in sorted(os.listdir(capture)) if n.endswith(".pcap")}
    if capture.endswith(".zip"):
        with zipfile.ZipFile(capture) as z:
            names = z.namelist()
            expected = {"metadata.json", "session.json", "channel-state.json", "traffic.pcap",
                        "notifications.json", "runtime-metrics.json"}
            assert expected <= set(names), "zip lacks %s" % (expected - set(names))
            for info in z.infolist():
                assert info.compress_type == zipfile.ZIP_STORED, "%s is not stored" % info.filename
                if info.filename.endswith(".json"):
                    json.loads(z.read(info.filename))
            return {"traffic.pcap": read_pcap(z.read("traffic.pcap"))}
    return {os.path.basename(capture): read_pcap(open(capture, "rb").read())}


def main():
    manifest = json.load(open(sys.argv[1]))
    files = load(sys.argv[2])
    faults = manifest["faults"]
    faulted = {f["message"] for f in faults}
    problems = []
    used = {name: 0 for name in files}
    for index, msg in enumerate(manifest["messages"]):
        records = files[msg["file"]]
        first = msg["frame"] - 1
        used[msg["file"]] += msg["segments"]
        if index in faulted:
            continue
        segs = records[first:first + msg["segments"]]
        if len(segs) != msg["segments"]:
            problems.append("message %d: %d frames missing" % (index, msg["segments"] - len(segs)))
            continue
        payload = b""
        for k, rec in enumerate(segs):
            frame = rec["frame"]
            sport, dport, seq = tcp_fields(frame)
            direction = "received" if sport == SERVER_PORT else "sent"
            channel = CLIENT_PORTS.get(dport if direction == "received" else sport)
            if (channel, direction) != (msg["channel"], msg["direction"]):
                problems.append("message %d frame %d: %s/%s, manifest %s/%s" % (
                    index, first + k + 1, channel, direction, msg["channel"], msg["direction"]))
            if seq != (msg["seq"] + len(payload)) % 2**32:
                problems.append("message %d frame %d: seq %d, chain wants %d" % (
                    index, first + k + 1, seq, (msg["seq"] + len(payload)) % 2**32))
            if rec["ts"] != msg["ts_us"] or rec["caplen"] != rec["origlen"] or not checksums_ok(frame):
                problems.append("message %d frame %d: timestamp, length or checksum wrong" % (index, first + k + 1))
            if len(frame) - HDR > 65495:
                problems.append("message %d frame %d: %d payload bytes" % (index, first + k + 1, len(frame) - HDR))
            payload += frame[HDR:]
        if len(payload) != msg["wire_size"]:
            problems.append("message %d: %d bytes, manifest %d" % (index, len(payload), msg["wire_size"]))
        elif len(payload) >= 6:
            mtype, size = struct.unpack("<HI", payload[:6])
            if mtype != msg["type"] or size + 6 != msg["wire_size"]:
                problems.append("message %d: header type %d size %d, manifest type %d wire %d" % (
                    index, mtype, size, msg["type"], msg["wire_size"]))
    if not faults:
        for name, records in files.items():
            if used[name] != len(records):
                problems.append("%s: %d records, the manifest accounts for %d" % (name, len(records), used[name]))

    for f in faults:
        name = manifest["messages"][f["message"]]["file"]
        records = files[name]
        rec = records[f["frame"] - 1] if f["frame"] - 1 < len(records) else None
        kind = f["kind"]
        if kind == "k2":
            ok = rec is not None and rec["caplen"] == 0
        elif kind == "drop-segment":
            ok = all(tcp_fields(r["frame"])[2] != f["seq"] for r in records if r["caplen"] >= HDR)
        elif kind == "duplicate-segment":
            prev = records[f["frame"] - 2]
            ok = rec is not None and rec["frame"] == prev["frame"] and tcp_fields(rec["frame"])[2] == f["seq"]
        elif kind == "reorder-segments":
            ok = rec is not None and tcp_fields(rec["frame"])[2] == (f["seq"] + 65495) % 2**32
        elif kind == "bad-checksum":
            bad = [i + 1 for i, r in enumerate(records) if r["caplen"] >= HDR and not checksums_ok(r["frame"])]
            ok = bad == [f["frame"]]
        elif kind == "truncate-file":
            ok = rec is not None and rec["torn"] and f["frame"] == len(records)
        elif kind == "lying-size":
            size = struct.unpack("<I", rec["frame"][HDR + 2:HDR + 6])[0]
            ok = size + 6 != manifest["messages"][f["message"]]["wire_size"]
        else:
            ok = False
        if not ok:
            problems.append("fault %s not found at frame %d" % (kind, f["frame"]))

    for p in problems[:20]:
        print(p)
    total = sum(len(r) for r in files.values())
    print("%s: %d messages, %d records, %d faults: %s" % (
        sys.argv[2], len(manifest["messages"]), total, len(faults), "OK" if not problems else "%d problems" % len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
