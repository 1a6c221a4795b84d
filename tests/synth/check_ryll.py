#!/usr/bin/env python3
"""Independent check of spicecap-synth's ryll-compatible and socket-read
outputs: walks every pcap record itself and proves the file holds exactly
what the manifest says.

Usage: check_ryll.py MANIFEST.json CAPTURE [--same-as MANIFEST.json CAPTURE] [--reads] [--walk]

CAPTURE is a .pcap, a bug-report .zip or a live capture directory.
--same-as names the same session written with every record kept (the Phase
08 intent, or socket reads with a large snaplen): the capture must be that
one minus every record longer than 65535 bytes, record for record, except
for a queue-overflow drop (whose read is missing and whose following seqs
are shifted down by its length).
--reads requires received data written per socket read: records that span
message boundaries, reads of at most 256 KiB, sent data per message.
--walk requires every flow direction's chain to have no gap, walks its mini
headers from its first byte, and requires exactly the manifest's messages
(type, size, seq) in each flow that records whole messages.

What ryll hands to its recorders (its channel code, capture.rs) is checked
for --ryll-compat output: a ring holds main, display, inputs and cursor
messages whole both ways, playback's received bodies without their mini
header (one record each, the seq advancing by the body) and nothing playback
sends, and nothing of usbredir; a live directory holds exactly main, display,
cursor, inputs and usbredir .pcap. A --same-as capture that records every
message whole (the Phase 08 intent, or live reads with every channel) is
first cut down by these rules: a ring's playback bodies must be its
messages' bytes after the header.

Checked from the bytes alone: the header (byte order, version, snaplen,
link type), every record (caplen = origlen <= snaplen, checksums, at most
65495 payload bytes, timestamps non-decreasing), every seq chain's gaps
(exactly the manifest's snaplen gaps, each of 65482k..65495k bytes with k
records of 65536..65549 bytes, nothing else), queue-overflow drops under a
contiguous chain, and every message: which records hold part of it, which
seq ranges are missing, and for a message held whole its mini header.

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
MAX_PAYLOAD = 65495
RYLL_SNAPLEN = 65535
OUR_SNAPLEN = 262144
READ_MAX = 256 * 1024
BASE_SEQ = {"sent": 1000, "received": 2000}
MINI_HEADER = 6
# What ryll's channels hand to their rings; a flow not listed is never recorded.
RING_RECORDS = {("main", "sent"): "message", ("main", "received"): "message",
                ("display", "sent"): "message", ("display", "received"): "message",
                ("inputs", "sent"): "message", ("inputs", "received"): "message",
                ("cursor", "sent"): "message", ("cursor", "received"): "message",
                ("playback", "received"): "body"}
# The pcaps ryll's capture mode writes (capture.rs CHANNELS).
LIVE_FILES = {"main.pcap", "display.pcap", "cursor.pcap", "inputs.pcap", "usbredir.pcap"}

problems = []


def problem(text):
    problems.append(text)


def read_pcap(name, data):
    try:
        cap = pcapio.read_pcap(data)
    except ValueError as e:
        raise SystemExit("%s: %s" % (name, e))
    if cap.nsec:
        raise SystemExit("%s: not a microsecond pcap" % name)
    if cap.trailing:
        raise SystemExit("%s: a record header cut short at byte %d" % (name, len(data) - len(cap.trailing)))
    header = {"order": cap.byteorder, "version": cap.version, "snaplen": cap.snaplen, "link": cap.linktype}
    records = []
    for rec in cap.records:
        if rec.torn:
            raise SystemExit("%s: record %d torn" % (name, len(records) + 1))
        frame = rec.data
        sport, dport, seq, ack = struct.unpack("!HHII", frame[34:46])
        direction = "received" if sport == SERVER_PORT else "sent"
        channel = CLIENT_PORTS.get(dport if direction == "received" else sport)
        records.append({"n": len(records) + 1, "ts": cap.ts_us(rec), "caplen": rec.caplen, "origlen": rec.origlen,
                        "frame": frame, "payload": frame[HDR:], "seq": seq, "ack": ack,
                        "flow": (channel, direction)})
    return header, records


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def checksums_ok(frame):
    ip = frame[14:34]
    tcp = frame[34:]
    pseudo = ip[12:20] + struct.pack("!BBH", 0, 6, len(tcp))
    return checksum(ip) == 0xFFFF and checksum(pseudo + tcp) == 0xFFFF


def load(capture):
    """file name -> (header, records)"""
    if os.path.isdir(capture):
        return {n: read_pcap(n, open(os.path.join(capture, n), "rb").read())
                for n in sorted(os.listdir(capture)) if n.endswith(".pcap")}
    if capture.endswith(".zip"):
        with zipfile.ZipFile(capture) as z:
            return {"traffic.pcap": read_pcap("traffic.pcap", z.read("traffic.pcap"))}
    return {os.path.basename(capture): read_pcap(capture, open(capture, "rb").read())}


def mod(x):
    return x % 2**32


def check_file(name, header, records, writer, entry):
    ryll = writer["header"] == "ryll"
    want = (">" if ryll else "<", (2, 4), RYLL_SNAPLEN if ryll else OUR_SNAPLEN, 1)
    got = (header["order"], header["version"], header["snaplen"], header["link"])
    if got != want:
        problem("%s: header %s, want %s" % (name, got, want))
    if entry["snaplen"] != header["snaplen"]:
        problem("%s: manifest snaplen %d, header %d" % (name, entry["snaplen"], header["snaplen"]))
    if entry["records"] != len(records):
        problem("%s: %d records, manifest says %d" % (name, len(records), entry["records"]))
    last_ts = 0
    for r in records:
        if r["caplen"] != r["origlen"]:
            problem("%s frame %d: caplen %d, origlen %d" % (name, r["n"], r["caplen"], r["origlen"]))
        if r["caplen"] > header["snaplen"]:
            problem("%s frame %d: %d bytes over the snaplen %d" % (name, r["n"], r["caplen"], header["snaplen"]))
        if len(r["payload"]) > MAX_PAYLOAD or not checksums_ok(r["frame"]) or r["flow"][0] is None:
            problem("%s frame %d: payload %d, checksums or ports wrong" % (name, r["n"], len(r["payload"])))
        if r["ts"] < last_ts:
            problem("%s frame %d: timestamp goes back" % (name, r["n"]))
        last_ts = r["ts"]


def chain_gaps(records):
    """Per flow direction, every break of its seq chain: (flow, start, end, prev_frame, next_frame)."""
    last = {}
    gaps = []
    for r in records:
        prev = last.get(r["flow"])
        if prev is not None and r["seq"] != mod(prev["seq"] + len(prev["payload"])):
            gaps.append((r["flow"], mod(prev["seq"] + len(prev["payload"])), r["seq"], prev["n"], r["n"]))
        last[r["flow"]] = r
    return gaps


def check_losses(name, records, entry, manifest_messages, live):
    loss = entry["snaplen_loss"]
    gaps = loss["gaps"]
    if sum(g["records"] for g in gaps) != loss["records"] or sum(g["bytes"] for g in gaps) != loss["bytes"] or \
            sum(sum(g["record_lengths"]) for g in gaps) != loss["record_bytes"]:
        problem("%s: snaplen_loss totals disagree with its gaps" % name)
    found = {(g[0], g[1], g[2], g[3], g[4]) for g in chain_gaps(records)}
    listed = set()
    by_n = {r["n"]: r for r in records}
    for g in gaps:
        flow = (g["channel"], g["direction"])
        k = g["records"]
        if not 65482 * k <= g["bytes"] <= 65495 * k or mod(g["seq_end"] - g["seq_start"]) != g["bytes"]:
            problem("%s: gap %s of %d bytes over %d records" % (name, g, g["bytes"], k))
        if len(g["record_lengths"]) != k or any(not 65536 <= n <= 65549 for n in g["record_lengths"]):
            problem("%s: gap at seq %d: record lengths %s" % (name, g["seq_start"], g["record_lengths"]))
        if g["prev_frame"] and g["next_frame"]:
            listed.add((flow, g["seq_start"], g["seq_end"], g["prev_frame"], g["next_frame"]))
            continue
        # A gap at either end of the chain shows against the flow's first seq
        # (live files start at ryll's 1000/2000) or its last message's end.
        if g["next_frame"]:
            nxt = by_n[g["next_frame"]]
            first = min((r["n"] for r in records if r["flow"] == flow))
            if nxt["flow"] != flow or nxt["seq"] != g["seq_end"] or first != g["next_frame"] or \
                    (live and g["seq_start"] != BASE_SEQ[g["direction"]]):
                problem("%s: gap before the first record of %s wrong: %s" % (name, flow, g))
        else:
            ends = [mod(m["seq"] + m["wire_size"]) for m in manifest_messages
                    if (m["channel"], m["direction"]) == flow and m["file"] == name]
            prev = by_n.get(g["prev_frame"])
            if (prev is not None and mod(prev["seq"] + len(prev["payload"])) != g["seq_start"]) or \
                    not ends or ends[-1] != g["seq_end"]:
                problem("%s: gap at the end of %s wrong: %s" % (name, flow, g))
    if found != listed:
        problem("%s: seq chain gaps %s, manifest lists %s" % (name, sorted(found - listed)[:3],
                                                             sorted(listed - found)[:3]))
    q = entry["queue_overflow"]
    if len(q["drops"]) != q["reads"] or sum(d["bytes"] for d in q["drops"]) != q["bytes"]:
        problem("%s: queue_overflow totals disagree with its drops" % name)
    for d in q["drops"]:
        prev, nxt = by_n.get(d["prev_frame"]), by_n.get(d["next_frame"])
        if prev is None or nxt is None or mod(prev["seq"] + len(prev["payload"])) != d["seq"] or nxt["seq"] != d["seq"]:
            problem("%s: queue-overflow drop %s is not under a contiguous chain" % (name, d))
    return loss["records"], q["reads"]


def overlap(r, start, span):
    """The part of record r inside seq range [start, start + span), relative to start, or None.
    A message of no bytes (a body of 0 bytes ryll recorded alone) is held by a
    record of no payload at its seq."""
    n = len(r["payload"])
    if span == 0:
        return (0, 0) if n == 0 and r["seq"] == start else None
    rel = mod(r["seq"] - start)
    if rel < span:
        return rel, min(rel + n, span)
    back = mod(start - r["seq"])
    if 0 < back < n:
        return 0, min(n - back, span)
    return None


def check_messages(files, manifest):
    """Every message against the records that hold its seq range."""
    streams = {}
    for name, (_, records) in files.items():
        for r in records:
            streams.setdefault((name, r["flow"]), []).append(r)
    counts = {"whole": 0, "cut": 0, "absent": 0}
    for i, m in enumerate(manifest["messages"]):
        flow = (m["channel"], m["direction"])
        vanished = sum(b for _, b in m["vanished"])
        headerless = m.get("header_recorded", True) is False
        recorded = m["wire_size"] - MINI_HEADER if headerless else m["wire_size"]
        span = recorded - vanished  # the seq space the message takes in this file
        start = m["seq"]
        covered = []
        for r in streams.get((m["file"], flow), []):
            part = overlap(r, start, span)
            if part is not None and (part[1] > part[0] or span == 0):
                covered.append((part[0], part[1], r))
        covered.sort(key=lambda c: c[0])
        missing, at = [], 0
        for a, b, _ in covered:
            if a > at:
                missing.append([mod(start + at), mod(start + a)])
            at = max(at, b)
        if at < span:
            missing.append([mod(start + at), mod(start + span)])
        held = "absent" if not covered else "whole" if not missing and not vanished else "cut"
        counts[held] += 1
        where = "message %d (%s %s seq %d)" % (i, m["file"], flow, start)
        if held != m["held"] or len(covered) != m["segments"] or missing != m["missing"]:
            problem("%s: held %s segments %d missing %s; manifest %s %d %s" % (
                where, held, len(covered), missing[:3], m["held"], m["segments"], m["missing"][:3]))
        if covered and min(r["n"] for _, _, r in covered) != m["frame"]:
            problem("%s: first record %d, manifest %d" % (where, min(r["n"] for _, _, r in covered), m["frame"]))
        if headerless and m.get("recorded_size") != recorded:
            problem("%s: recorded_size %s, its body is %d bytes" % (where, m.get("recorded_size"), recorded))
        if held == "whole" and headerless:
            data = b"".join(r["payload"] for _, _, r in covered)
            if len(covered) != 1 or len(data) != recorded:
                problem("%s: a body recorded alone is one record of its %d bytes, not %s" % (
                    where, recorded, [len(r["payload"]) for _, _, r in covered]))
        elif held == "whole":
            data = b"".join(r["payload"][mod(start + a - r["seq"]):mod(start + a - r["seq"]) + (b - a)]
                            for a, b, r in covered)
            if len(data) != m["wire_size"]:
                problem("%s: %d bytes held, wire size %d" % (where, len(data), m["wire_size"]))
            else:
                mtype, size = struct.unpack("<HI", data[:6])
                if mtype != m["type"] or size + 6 != m["wire_size"]:
                    problem("%s: mini header type %d size %d, manifest %d %d" % (where, mtype, size, m["type"],
                                                                                m["wire_size"]))
    return counts


def check_reads(files, manifest):
    """Received data per socket read; sent data per message."""
    spanning = 0
    reads = []
    for name, (_, records) in files.items():
        starts = {}
        for m in manifest["messages"]:
            if m["file"] == name:
                starts.setdefault((m["channel"], m["direction"]), set()).add(m["seq"])
        current = None
        for r in records:
            n = len(r["payload"])
            inside = [s for s in starts.get(r["flow"], ()) if 0 < mod(s - r["seq"]) < n]
            if r["flow"][1] == "received":
                spanning += bool(inside)
                # a read: full segments then a shorter one, at one time, chained
                if current and current["ts"] == r["ts"] and current["full"] and \
                        r["seq"] == mod(current["seq"] + current["len"]):
                    current["len"] += n
                else:
                    current = {"ts": r["ts"], "seq": r["seq"], "len": n, "file": name, "n": r["n"]}
                    reads.append(current)
                current["full"] = n == MAX_PAYLOAD
            elif inside:
                problem("%s frame %d: a sent record holds parts of two messages" % (name, r["n"]))
    if spanning == 0:
        problem("no received record spans a message boundary: these are not socket reads")
    big = [r for r in reads if r["len"] > READ_MAX]
    if big:
        problem("%d reads over 256 KiB, first %s" % (len(big), big[0]))
    return spanning, reads


def ryll_kind(manifest):
    """'ring' or 'live' for --ryll-compat output, else None."""
    if not manifest.get("writer", {}).get("snaplen_rule"):  # untracked outputs have no writer
        return None
    return "live" if manifest["output"] == "live" else "ring"


def check_ryll_rules(files, manifest):
    """What ryll hands to its recorders, from the records themselves."""
    kind = ryll_kind(manifest)
    if kind == "live":
        if set(files) != LIVE_FILES:
            problem("a ryll capture directory holds %s, not %s" % (sorted(files), sorted(LIVE_FILES)))
        return
    for m in manifest["messages"]:
        flow = (m["channel"], m["direction"])
        want = RING_RECORDS.get(flow) if kind == "ring" else "message"
        if want is None:
            problem("the manifest lists a %s message, which ryll never records in a ring" % (flow,))
        elif (m.get("header_recorded", True) is False) != (want == "body"):
            problem("%s %s type %d: header_recorded %s" % (flow + (m["type"], m.get("header_recorded"))))
    if kind != "ring":
        return
    for name, (_, records) in files.items():
        flows = {}
        for r in records:
            flows.setdefault(r["flow"], []).append(r)
        for flow, recs in flows.items():
            if flow not in RING_RECORDS:
                problem("%s: %d records on %s, which ryll never records in a ring" % (name, len(recs), flow))
            elif RING_RECORDS[flow] == "body":
                # One record per body, each counted as one message.
                listed = [m for m in manifest["messages"] if (m["channel"], m["direction"]) == flow and
                          m["file"] == name]
                if [len(r["payload"]) for r in recs] != [m["wire_size"] - MINI_HEADER for m in listed]:
                    problem("%s: the %s records are not one body each of the manifest's messages" % (name, flow))


def walk(records, skip):
    """Every flow direction's mini headers from its first byte: {flow: [(seq, type, wire_size)]}.
    The chain must have no gap and end on a message boundary. Flows in skip are not walked."""
    streams = {}
    for r in records:
        if r["flow"] not in skip:
            streams.setdefault(r["flow"], []).append(r)
    walked = {}
    for flow, recs in streams.items():
        data = b"".join(r["payload"] for r in recs)
        at, seq, out = 0, recs[0]["seq"], []
        for prev, r in zip(recs, recs[1:]):
            if r["seq"] != mod(prev["seq"] + len(prev["payload"])):
                problem("%s: a gap at seq %d, cannot walk" % (flow, r["seq"]))
                return walked
        while at + MINI_HEADER <= len(data):
            mtype, size = struct.unpack("<HI", data[at:at + MINI_HEADER])
            out.append((mod(seq + at), mtype, MINI_HEADER + size))
            at += MINI_HEADER + size
        if at != len(data):
            problem("%s: the walk ends %d bytes from the end of its stream" % (flow, at - len(data)))
        walked[flow] = out
    return walked


def check_walk(files, manifest):
    count = 0
    # Bodies without their headers cannot be walked: check_ryll_rules counts them.
    skip = {f for f, what in RING_RECORDS.items() if what == "body"} if ryll_kind(manifest) == "ring" else set()
    for name, (_, records) in files.items():
        for flow, got in walk(records, skip).items():
            want = [(m["seq"], m["type"], m["wire_size"]) for m in manifest["messages"]
                    if m["file"] == name and (m["channel"], m["direction"]) == flow]
            if got != want:
                problem("%s %s: walked %d messages %s, manifest %d %s" % (name, flow, len(got), got[:3], len(want),
                                                                         want[:3]))
            count += len(got)
    return count


def ryll_cut(base_files, base_manifest, kind):
    """The complete capture as ryll would have recorded it: a live directory
    without the channels it has no writer for; a ring without the flows it
    never records, its bodies ({flow: [records]}) set apart."""
    bodies = {}
    if kind == "live":
        files = {n: v for n, v in base_files.items() if n in LIVE_FILES}
        messages = [m for m in base_manifest["messages"] if m["file"] in LIVE_FILES]
        return files, messages, bodies
    files = {}
    for name, (header, records) in base_files.items():
        kept = []
        for r in records:
            what = RING_RECORDS.get(r["flow"])
            if what == "message":
                kept.append(r)
            elif what == "body":
                bodies.setdefault(r["flow"], []).append(r)
        files[name] = (header, kept)
    messages = [m for m in base_manifest["messages"] if RING_RECORDS.get((m["channel"], m["direction"]))]
    return files, messages, bodies


def compare_bodies(files, base_bodies):
    """Each body record is the message the complete capture holds whole
    (one record each there), less its 6-byte header, at the same time; the
    ring of bodies may keep older messages than the complete one (its
    records are shorter, so it evicts fewer)."""
    compared = 0
    for name, (_, records) in files.items():
        for flow, base in base_bodies.items():
            mine = [r for r in records if r["flow"] == flow]
            for b in base:
                size = struct.unpack("<I", b["payload"][2:6])[0]
                if len(b["payload"]) != MINI_HEADER + size:
                    problem("%s: the complete capture's %s record %d is not one message" % (name, flow, b["n"]))
            tail = mine[len(mine) - len(base):] if len(base) <= len(mine) else None
            if tail is None or [(r["payload"], r["ts"]) for r in tail] != \
                    [(b["payload"][MINI_HEADER:], b["ts"]) for b in base]:
                problem("%s: the %s bodies are not the complete capture's messages less their headers" % (name, flow))
            compared += len(base)
    return compared


def compare_same(files, manifest, base_files, skip=()):
    """files == base_files minus every record over 65535 bytes and, for a
    queue-overflow drop, minus the dropped read's records, with the seqs
    after it (and the acks of them) lower by its length."""
    drops = {}
    for e in manifest["files"]:
        for d in e["queue_overflow"]["drops"]:
            drops[e["file"]] = d
    compared = 0
    if len(files) == 1 and len(base_files) == 1:  # two single captures: the names may differ
        base_files = {next(iter(files)): next(iter(base_files.values()))}
    for name, (_, records) in files.items():
        records = [r for r in records if r["flow"] not in skip]  # compared by compare_bodies
        base = [r for r in base_files[name][1] if r["caplen"] <= RYLL_SNAPLEN]
        d = drops.get(name)
        shifted = None
        if d is not None:
            shifted = (d["channel"], d["direction"])
            start, n = d["seq"], d["bytes"]
            base = [r for r in base if not (r["flow"] == shifted and mod(r["seq"] - start) < n)]

        def later(seq):
            return mod(seq - start) < 2**31 and mod(seq - start) >= n

        if len(base) != len(records):
            problem("%s: %d records, the complete capture less what is left out has %d" % (
                name, len(records), len(base)))
            continue
        for r, b in zip(records, base):
            want_seq, want_ack = b["seq"], b["ack"]
            if shifted and b["flow"] == shifted and later(b["seq"]):
                want_seq = mod(b["seq"] - n)
            if shifted and b["flow"] != shifted and b["flow"][0] == shifted[0] and later(b["ack"]):
                want_ack = mod(b["ack"] - n)
            if (r["payload"], r["ts"], r["flow"], r["seq"], r["ack"]) != (b["payload"], b["ts"], b["flow"], want_seq,
                                                                          want_ack):
                problem("%s frame %d: differs from the complete capture's frame %d" % (name, r["n"], b["n"]))
                break
            compared += 1
    return compared


def main():
    args = sys.argv[1:]
    reads = "--reads" in args
    if reads:
        args.remove("--reads")
    same = None
    if "--same-as" in args:
        i = args.index("--same-as")
        same = (args[i + 1], args[i + 2])
        del args[i:i + 3]
    walk_all = "--walk" in args
    if walk_all:
        args.remove("--walk")
    manifest = json.load(open(args[0]))
    files = load(args[1])
    writer = manifest["writer"]
    entries = {e["file"]: e for e in manifest["files"]}
    if set(entries) != set(files):
        problem("files %s, manifest lists %s" % (sorted(files), sorted(entries)))
    live = manifest["output"] == "live"
    dropped = qdrops = 0
    for name, (header, records) in files.items():
        if name not in entries:
            continue
        check_file(name, header, records, writer, entries[name])
        d, q = check_losses(name, records, entries[name], manifest["messages"], live)
        dropped += d
        qdrops += q
    if writer["snaplen_rule"] != (writer["header"] == "ryll") or (dropped and not writer["snaplen_rule"]):
        problem("writer %s with %d records left out" % (writer, dropped))
    counts = check_messages(files, manifest)
    check_ryll_rules(files, manifest)
    headerless = sum(m.get("header_recorded", True) is False for m in manifest["messages"])
    summary = "%d messages (%d whole, %d cut, %d absent; %d bodies without their header), %d records left out " \
        "over the snaplen, %d reads dropped" % (len(manifest["messages"]), counts["whole"], counts["cut"],
                                                 counts["absent"], headerless, dropped, qdrops)
    if walk_all:
        summary += "; %d messages walked from their mini headers" % check_walk(files, manifest)
    if reads:
        if writer["received_records"] != "reads":
            problem("manifest says received records are %s" % writer["received_records"])
        spanning, all_reads = check_reads(files, manifest)
        summary += "; %d reads, %d received records span message boundaries" % (len(all_reads), spanning)
    if same:
        base_manifest = json.load(open(same[0]))
        base_files = load(same[1])
        base_bodies = {}
        kind = ryll_kind(manifest)
        if kind is not None and ryll_kind(base_manifest) is None:
            base_files, base_manifest["messages"], base_bodies = ryll_cut(base_files, base_manifest, kind)

        def listed(messages, bodies):
            return [(m["channel"], m["direction"], m["type"], m["wire_size"], m["ts_us"]) for m in messages
                    if ((m["channel"], m["direction"]) in base_bodies) == bodies]
        if listed(base_manifest["messages"], False) != listed(manifest["messages"], False):
            problem("the complete capture's manifest lists other messages")
        mine, base = listed(manifest["messages"], True), listed(base_manifest["messages"], True)
        if len(base) > len(mine) or mine[len(mine) - len(base):] != base:
            problem("the complete capture's bodies are not the last of those the manifest lists")
        compared = compare_same(files, manifest, base_files, set(base_bodies)) + compare_bodies(files, base_bodies)
        summary += "; %d records equal to %s's" % (compared, os.path.basename(os.path.normpath(same[1])))
    for p in problems[:20]:
        print(p)
    print("%s: %s: %s" % (args[1], summary, "OK" if not problems else "%d problems" % len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
