"""Hostile captures for the validator's resource bounds, generated on the
spot (nothing big is committed). Each writer returns what the validator
should say about the file: the finding kind and the frame it names (or
"refused" and the words of the zip check that refuses it before reading).
The format's facts come from format/format.h through c_facts; the files
and frames are written by pcapio."""
import gzip
import os
import struct
import zipfile
import zlib

import pcapio
from c_facts import c_defines

F = {}

# What pcapio builds every frame and file header from: it must be what the recorder writes.
_PCAPIO_FACTS = {"SPICECAP_IPV4_HDR_LEN": pcapio.IPV4_HEADER_LEN, "SPICECAP_TCP_HDR_LEN": pcapio.TCP_HEADER_LEN,
                 "SPICECAP_IPV4_VERSION_IHL": 0x40 | pcapio.IPV4_HEADER_LEN // 4,
                 "SPICECAP_TCP_DATA_OFFSET_WORDS": pcapio.TCP_HEADER_LEN // 4,
                 "SPICECAP_IPPROTO_TCP": pcapio.IPPROTO_TCP, "SPICECAP_ETHERTYPE_IPV4": pcapio.ETHERTYPE_IPV4,
                 "SPICECAP_PCAP_MAGIC_USEC": pcapio.MAGIC_USEC, "SPICECAP_PCAP_VERSION_MAJOR": pcapio.VERSION[0],
                 "SPICECAP_PCAP_VERSION_MINOR": pcapio.VERSION[1]}


def load_facts(src):
    F.update(c_defines(os.path.join(src, "format/format.h"),
                       os.path.join(src, "validate/validate_limits.h"),
                       os.path.join(src, "validate/capture_reader.h"),
                       os.path.join(src, "validate/findings.h")))
    differ = {name: (F.get(name), value) for name, value in _PCAPIO_FACTS.items() if F.get(name) != value}
    if differ:
        raise ValueError("the C headers and pcapio disagree ({name: (C, pcapio)}): %s" % differ)
    return F


def frame(src_ip, dst_ip, sport, dport, seq, payload=b"", flags=None, bad_checksum=False):
    """An Ethernet + IPv4 + TCP frame with correct checksums (or a wrong TCP one),
    with the recorder's TTL, DF flag, window and (unless given) ACK flag."""
    return pcapio.tcp_frame(src_ip, dst_ip, sport, dport, seq, payload=payload,
                            flags=F["SPICECAP_TCP_FLAG_ACK"] if flags is None else flags,
                            window=F["SPICECAP_TCP_WINDOW"], ttl=F["SPICECAP_IPV4_TTL"],
                            ip_flags=F["SPICECAP_IPV4_FLAGS_DF"], bad_tcp_checksum=bad_checksum)


def pcap_header():
    """The recorder's file header: little-endian, microseconds, its snaplen, Ethernet."""
    return pcapio.file_header(snaplen=F["SPICECAP_PCAP_SNAPLEN"], linktype=F["SPICECAP_DLT_EN10MB"])


def record(data, caplen=None, origlen=None):
    """A record at 1 s; caplen and origlen as pcapio.record takes them (they may lie)."""
    return pcapio.record(data, ts_sec=1, caplen=caplen, origlen=origlen)


def recorded_message(seq, mtype, size_field, body=b""):
    """A client->server message of ryll's recorded convention."""
    payload = struct.pack("<HI", mtype, size_field) + body
    return frame(F["SPICECAP_CLIENT_IP"], F["SPICECAP_SERVER_IP"], F["SPICECAP_CLIENT_PORT_OTHER"],
                 F["SPICECAP_SERVER_PORT"], seq, payload)


def million_flows(path, flows=1000000):
    """Every frame a new flow (a pure ACK between distinct addresses): only
    VALIDATE_MAX_FLOWS of them may be followed, the first past it is named."""
    server = 0x0AFF0001
    with open(path, "wb") as out:
        out.write(pcap_header())
        for i in range(flows):
            client = 0x0B000000 + (i >> 4)
            out.write(record(frame(client, server, 1024 + (i & 15), 80, 1)))
    return "limit-reached", F["VALIDATE_MAX_FLOWS"] + 1


def findings_flood(path, frames=1000000):
    """A million frames of one recorded flow, each with a wrong TCP checksum:
    all are counted, FINDINGS_KEPT are kept."""
    with open(path, "wb") as out:
        out.write(pcap_header())
        one = record(frame(F["SPICECAP_CLIENT_IP"], F["SPICECAP_SERVER_IP"], F["SPICECAP_CLIENT_PORT_OTHER"],
                           F["SPICECAP_SERVER_PORT"], F["SPICECAP_CLIENT_SEQ_BASE"], bad_checksum=True))
        out.write(one * frames)
    return "bad-tcp-checksum", 1


def held_flood(path, flows=64, segments=16, size=64000):
    """Real flows, each with a one-byte hole and just under a megabyte (its
    own limit) waiting ahead of it, interleaved: together past
    VALIDATE_MAX_HELD_BYTES."""
    server = 0x0AFF0002
    body = bytes(range(256)) * (size // 256)
    clients = [0x0C000000 + i for i in range(flows)]
    with open(path, "wb") as out:
        out.write(pcap_header())
        for client in clients:
            out.write(record(frame(client, server, 40000, 443, 100, b"x")))
        for k in range(segments):
            for client in clients:
                out.write(record(frame(client, server, 40000, 443, 102 + k * len(body), body)))
    return "gap", None


def caplen_4g(path):
    """A good record, then one whose caplen claims 4 GiB."""
    with open(path, "wb") as out:
        out.write(pcap_header())
        out.write(record(recorded_message(F["SPICECAP_CLIENT_SEQ_BASE"], 1, 0)))
        out.write(record(bytes(64), caplen=0xFFFFFFFF, origlen=0xFFFFFFFF))
    return "corrupt-file", 2


def caplen_at_limit(path):
    """A record that claims CAPTURE_MAX_CAPLEN bytes (believed) in a file that
    ends 100 bytes into it: the buffer grows once, to that size."""
    with open(path, "wb") as out:
        out.write(pcap_header())
        out.write(record(bytes(100), caplen=F["CAPTURE_MAX_CAPLEN"], origlen=F["CAPTURE_MAX_CAPLEN"]))
    return "truncated-file", 1


def spice_size_4g(path):
    """A recorded message whose mini header claims a 4 GiB body."""
    with open(path, "wb") as out:
        out.write(pcap_header())
        out.write(record(recorded_message(F["SPICECAP_CLIENT_SEQ_BASE"], 1, 0xFFFFFFF0, bytes(10))))
    return "bad-spice-header", 1


def spice_size_sane_but_missing(path):
    """A header claiming just under the sane bound, then the capture ends:
    the body is counted down, never buffered."""
    with open(path, "wb") as out:
        out.write(pcap_header())
        out.write(record(recorded_message(F["SPICECAP_CLIENT_SEQ_BASE"], 1,
                                          F["SPICECAP_SANE_MESSAGE_SIZE"] - 6, bytes(1000))))
    return "message-truncated", 1


def _small_pcap():
    return pcap_header() + record(recorded_message(F["SPICECAP_CLIENT_SEQ_BASE"], 1, 4, b"abcd"))


def _zip_with(path, patch):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("traffic.pcap", _small_pcap())
    data = bytearray(open(path, "rb").read())
    central = data.find(b"PK\x01\x02")
    patch(data, central)
    with open(path, "wb") as out:
        out.write(data)


def zip_uncompressed_4g(path):
    """The entry claims 4 GiB uncompressed (local header and directory)."""
    def patch(data, central):
        struct.pack_into("<I", data, 22, 0xFFFFFFF0)
        struct.pack_into("<I", data, central + 24, 0xFFFFFFF0)
    _zip_with(path, patch)
    return "refused", "which cannot be (a zip bomb, or a corrupt zip)"


def zip_compressed_past_file(path):
    """The entry claims more compressed bytes than the whole file holds."""
    def patch(data, central):
        struct.pack_into("<I", data, 18, 0x7FFFFFF0)
        struct.pack_into("<I", data, central + 20, 0x7FFFFFF0)
    _zip_with(path, patch)
    return "refused", "run into the central directory"


def _pcapng(blocks):
    return pcapio.pcapng_shb() + pcapio.pcapng_idb(F["SPICECAP_DLT_EN10MB"], F["SPICECAP_PCAP_SNAPLEN"]) + \
        b"".join(blocks)


def _epb(data, caplen=None, length=None, trailer=None):
    return pcapio.pcapng_epb(data, caplen=caplen, length=length, trailer=trailer)


def pcapng_length_huge(path):
    """An enhanced packet block whose length field says 2 GiB."""
    good = _epb(recorded_message(F["SPICECAP_CLIENT_SEQ_BASE"], 1, 0))
    with open(path, "wb") as out:
        out.write(_pcapng([good, _epb(b"\0" * 60, length=0x7FFFFFFC)]))
    return "corrupt-file", 2


def pcapng_length_past_end(path):
    """A block length within the limit, but far past the file's end."""
    with open(path, "wb") as out:
        out.write(_pcapng([_epb(b"\0" * 60, length=F["CAPTURE_MAX_CAPLEN"])]))
    return "truncated-file", 1


def pcapng_trailer_lies(path):
    """Leading and trailing lengths disagree."""
    with open(path, "wb") as out:
        out.write(_pcapng([_epb(recorded_message(F["SPICECAP_CLIENT_SEQ_BASE"], 1, 0), trailer=4)]))
    return "corrupt-file", 1


def pcapng_caplen_4g(path):
    """A packet block that claims 4 GiB captured inside a 100-byte block."""
    with open(path, "wb") as out:
        out.write(_pcapng([_epb(b"\0" * 60, caplen=0xFFFFFFFF)]))
    return "corrupt-file", 1


def gzip_of(path, inner):
    """Any of the above, gzip-compressed (as Wireshark opens them)."""
    raw = path + ".raw"
    expected = inner(raw)
    with open(raw, "rb") as f, gzip.open(path, "wb", compresslevel=1) as g:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            g.write(chunk)
    os.unlink(raw)
    return expected


def distinct_notes(path, frames=1000000):
    """A million frames of 60000 different ethertypes, each noted as not
    IPv4: VALIDATE_MAX_NOTES notes are kept, nothing is a finding."""
    with open(path, "wb") as out:
        out.write(pcap_header())
        for i in range(frames):
            out.write(record(bytes(12) + struct.pack(">H", 0x0900 + i % 60000) + bytes(46)))
    return None, None


def caplen_max_whole(path):
    """One record of exactly CAPTURE_MAX_CAPLEN bytes, all there: the record
    buffer's largest size, really filled."""
    with open(path, "wb") as out:
        out.write(pcap_header())
        out.write(record(bytes(F["CAPTURE_MAX_CAPLEN"])))
    return None, None


def every_limit_at_once(path):
    """Each limit filled in one file: FINDINGS_KEPT and more findings, 64
    real flows holding ahead of holes (past VALIDATE_MAX_HELD_BYTES), the
    rest of VALIDATE_MAX_FLOWS in their link stage with a 4 KiB body to come,
    every retransmission window filled, one flow past the limit, then a
    record of CAPTURE_MAX_CAPLEN bytes. The frame of the flow past the limit
    is returned."""
    server = 0x0AFF0003
    frames = 0
    with open(path, "wb") as out:
        out.write(pcap_header())
        bad = record(frame(F["SPICECAP_CLIENT_IP"], F["SPICECAP_SERVER_IP"], F["SPICECAP_CLIENT_PORT_OTHER"],
                           F["SPICECAP_SERVER_PORT"], F["SPICECAP_CLIENT_SEQ_BASE"], bad_checksum=True))
        count = F["FINDINGS_KEPT"] + 50000
        out.write(bad * count)
        frames += count
        holders = [0x0D000000 + i for i in range(64)]
        body = bytes(range(256)) * 250
        for client in holders:
            out.write(record(frame(client, server, 40000, 443, 100, b"x")))
        for k in range(16):
            for client in holders:
                out.write(record(frame(client, server, 40000, 443, 102 + k * len(body), body)))
        frames += len(holders) * 17
        # REDQ, then a link header claiming the largest body, then bytes that
        # fill the window (while windows last) and stop inside the body.
        link = struct.pack("<IIII", 0x51444552, 2, 2, 4096)
        fill = bytes(F["SPICECAP_MAX_SEGMENT_PAYLOAD"] - len(link))
        windows = F["VALIDATE_MAX_WINDOWS"] - len(holders)
        linking = F["VALIDATE_MAX_FLOWS"] - 1 - len(holders)
        for i in range(linking):
            payload = link + (fill if i < windows else b"\0" * 100)
            out.write(record(frame(0x0E000000 + i, server, 40000, 5900, 1, payload)))
        frames += linking
        out.write(record(frame(0x0F000000, server, 40000, 5900, 1, link)))
        past = frames + 1
        out.write(record(bytes(F["CAPTURE_MAX_CAPLEN"])))
    return "limit-reached", past


def gap_flood(path, frames=500000):
    """A recorded flow where every segment starts a large message (playback
    data, server to client) and a one-byte hole follows it: every segment
    is a gap cutting a message, far more than FINDINGS_KEPT. The gaps past
    the kept list are only counted; no kept finding grows with them."""
    playback_data = 101  # SPICE_MSG_PLAYBACK_DATA in spice-protocol's enums.h
    body = bytes(100)
    seq = F["SPICECAP_SERVER_SEQ_BASE"]
    with open(path, "wb") as out:
        out.write(pcap_header())
        for _ in range(frames):
            payload = struct.pack("<HI", playback_data, 1000000) + body
            out.write(record(frame(F["SPICECAP_SERVER_IP"], F["SPICECAP_CLIENT_IP"], F["SPICECAP_SERVER_PORT"],
                                   F["SPICECAP_CLIENT_PORT_OTHER"], seq, payload)))
            seq += len(payload) + 1
    return "gap", None


# Hostile bug reports (issue 25): each built from a report the project's
# generator wrote (spicecap-synth --bugreport), by a zip writer of its own so
# that local headers, central entries and the end record can each say
# something else. Every builder takes the report's members [(name, bytes)]
# and returns the zip's bytes; REPORT_CASES lists them with what both tools
# must say.

ZIP_STORED, ZIP_DEFLATED = 0, 8


def _deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zip_member(name, data, method=ZIP_STORED, local=None, central=None, body=None):
    """One member to write: name (str or bytes), its bytes, stored or
    deflated; local and central override fields of either header (name,
    method, flags, crc, csize, usize, offset); body replaces the bytes
    written (already compressed)."""
    raw = name.encode() if isinstance(name, str) else name
    packed = body if body is not None else (_deflate(data) if method == ZIP_DEFLATED else data)
    fields = {"name": raw, "method": method, "flags": 0, "crc": zlib.crc32(data), "csize": len(packed),
              "usize": len(data)}
    return {"fields": fields, "body": packed, "local": dict(local or {}), "central": dict(central or {})}


def _local_header(f):
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, f["flags"], f["method"], 0, 0x21, f["crc"], f["csize"],
                       f["usize"], len(f["name"]), 0) + f["name"]


def _central_entry(f, offset):
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, f["flags"], f["method"], 0, 0x21, f["crc"],
                       f["csize"], f["usize"], len(f["name"]), 0, 0, 0, 0, 0, offset) + f["name"]


def _end_record(entries, cd_size, cd_offset, comment=b""):
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, cd_size, cd_offset, len(comment)) + comment


def write_zip(members, comment=b"", start=0):
    """(the members' local headers and bytes, the central directory, its
    offset): the parts of a zip whose first byte is at start in its file."""
    body, central = b"", b""
    for m in members:
        offset = start + len(body)
        body += _local_header(dict(m["fields"], **m["local"])) + m["body"]
        central += _central_entry(dict(m["fields"], **m["central"]), m["central"].get("offset", offset))
    return body, central, start + len(body)


def descriptor_zip(items):
    """Not hostile: the report deflated with data descriptors, as Info-ZIP
    writes to a pipe (general purpose bit 3; the local header's CRC-32 and
    compressed size 0, its size stated; a signed descriptor after the
    bytes). Both tools must read it."""
    body, central = b"", b""
    for name, data in items:
        m = zip_member(name, data, ZIP_DEFLATED)
        f = dict(m["fields"], flags=8)
        offset = len(body)
        body += _local_header(dict(f, crc=0, csize=0)) + m["body"] + \
            struct.pack("<IIII", 0x08074B50, f["crc"], f["csize"], f["usize"])
        central += _central_entry(f, offset)
    return body + central + _end_record(len(items), len(central), len(body))


def make_zip(members, comment=b""):
    body, central, at = write_zip(members)
    return body + central + _end_record(len(members), len(central), at, comment)


def _stored(items, method=ZIP_STORED):
    return [zip_member(name, data, method) for name, data in items]


def _replace(items, name, data):
    return [(n, data if n == name else d) for n, d in items] + ([] if name in dict(items) else [(name, data)])


def deep_json(items, member, depth=80000):
    """member holds depth nested arrays (about 160 KB): json-glib's parser
    recursed once per level and overflowed the stack."""
    return make_zip(_stored(_replace(items, member, b"[" * depth + b"]" * depth)))


def many_values(items, members, size):
    """Each of members holds size bytes of [{},{},...], deflated (a few KB in
    the zip): json-glib held 300 bytes per value."""
    value = b"[" + b"{}," * ((size - 3) // 3) + b"{}]"
    for m in members:
        items = _replace(items, m, value)
    return make_zip(_stored(items, ZIP_DEFLATED))


def member_states_past_ratio(items, member="session.json"):
    """A deflated member stating more bytes than deflate can make of its own
    (past 1032:1): a bomb refused before anything is inflated."""
    ms = _stored(items, ZIP_DEFLATED)
    for m in ms:
        if m["fields"]["name"] == member.encode():
            m["fields"]["usize"] = m["fields"]["csize"] * 2000
    return make_zip(ms)


def member_inflates_past(items, member="session.json", size=8 << 20):
    """A deflated member whose headers (both) state 1 KiB, whose bytes
    inflate to size: each reader stops at what it states."""
    ms = _stored(_replace(items, member, b" " * size), ZIP_DEFLATED)
    for m in ms:
        if m["fields"]["name"] == member.encode():
            m["fields"]["usize"] = 1024
    return make_zip(ms)


def second_end_record(items):
    """Report B's directory and end record in report A's end-record comment:
    one reader takes A (its first frame only), another B."""
    pcap = dict(items)["traffic.pcap"]
    cap = pcapio.read_pcap(pcap)
    one = cap.header() + cap.record_bytes(cap.records[0])
    a_body, a_central, a_cd = write_zip(_stored(_replace(items, "traffic.pcap", one)))
    b_body, b_central, b_at = write_zip(_stored(items), start=len(a_body))
    head = a_body + b_body + a_central
    b_cd = len(head) + 22  # report B's directory: in the comment of A's end record
    comment = b_central + _end_record(len(items), len(b_central), b_cd)
    return head + _end_record(len(items), len(a_central), len(a_body + b_body), comment)


def duplicate_member(items, member="traffic.pcap"):
    """Two members of one name: the first one a single frame."""
    pcap = dict(items)[member]
    cap = pcapio.read_pcap(pcap)
    one = cap.header() + cap.record_bytes(cap.records[0])
    return make_zip(_stored([(member, one)] + items))


def overlapping_members(items):
    """screenshot.png's bytes hold traffic.pcap's whole member (its local
    header and bytes): the two overlap, each header agreeing with its entry."""
    others = [(n, d) for n, d in items if n not in ("traffic.pcap", "screenshot.png")]
    pcap = dict(items)["traffic.pcap"]
    body, central, at = write_zip(_stored(others))
    inner = zip_member("traffic.pcap", pcap)
    prefix = b"\x89PNG\r\n\x1a\n"
    outer_data = prefix + _local_header(inner["fields"]) + inner["body"]
    outer = zip_member("screenshot.png", outer_data)
    outer_at = len(body)
    inner["central"]["offset"] = outer_at + 30 + len(b"screenshot.png") + len(prefix)
    body += _local_header(outer["fields"]) + outer["body"]
    central += _central_entry(outer["fields"], outer_at) + _central_entry(inner["fields"], inner["central"]["offset"])
    return body + central + _end_record(len(others) + 2, len(central), len(body))


def local_disagrees(items, field, member="traffic.pcap"):
    """traffic.pcap's local header says another name, method or size than
    its central entry."""
    ms = _stored(items)
    for m in ms:
        if m["fields"]["name"] == member.encode():
            m["local"][field] = {"name": b"traffic.pcaq", "method": ZIP_DEFLATED,
                                 "usize": m["fields"]["usize"] - 1, "csize": m["fields"]["csize"] - 1}[field]
            if field == "usize":
                m["local"]["csize"] = m["local"]["usize"]
    return make_zip(ms)


def renamed_member(items, new_name, member="traffic.pcap"):
    """traffic.pcap stored under another name (bytes: a NUL, "..", "/")."""
    ms = _stored(items)
    for m in ms:
        if m["fields"]["name"] == member.encode():
            m["fields"]["name"] = new_name
    return make_zip(ms)


def pcap_bomb(items, size=(512 << 20) + (64 << 20)):
    """A deflated traffic.pcap of size bytes (past the 512 MiB both readers
    take), its file header then zeros, from a zip of about size / 1000."""
    pcap = dict(items)["traffic.pcap"]
    head = pcap[:24]
    zeros = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)]
    # After a full flush deflate starts afresh: one MiB of zeros deflates to
    # the same bytes every time, so it is deflated once and repeated.
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    count = (size - len(head)) // len(zeros)
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    parts.append(block * count)
    parts.append(c.flush())
    size = len(head) + count * len(zeros)
    packed = b"".join(parts)
    ms = _stored([(n, d) for n, d in items if n != "traffic.pcap"])
    bomb = zip_member("traffic.pcap", b"", ZIP_DEFLATED, body=packed)
    bomb["fields"].update(crc=crc, usize=size)
    return make_zip(ms + [bomb])


def gzipped(items):
    """The whole report, as ryll writes it, gzip-compressed (report.zip.gz)."""
    return gzip.compress(make_zip(_stored(items)), compresslevel=6)


# (id, builder, what both tools say: the words of the shared zip check that
# both refuse with, or None where each tool says its own).
REPORT_CASES = [
    ("deep-metadata.json", lambda i: deep_json(i, "metadata.json"), None),
    ("deep-session.json", lambda i: deep_json(i, "session.json"), None),
    ("deep-channel-state.json", lambda i: deep_json(i, "channel-state.json"), None),
    ("deep-notifications.json", lambda i: deep_json(i, "notifications.json"), None),
    ("deep-runtime-metrics.json", lambda i: deep_json(i, "runtime-metrics.json"), None),
    ("deep-disconnect-cause.json", lambda i: deep_json(i, "disconnect-cause.json"), None),
    ("five-4MiB-members", lambda i: many_values(i, ["session.json", "channel-state.json", "notifications.json",
                                                    "runtime-metrics.json", "disconnect-cause.json"], 4 << 20), None),
    ("three-1MiB-members", lambda i: many_values(i, ["session.json", "disconnect-cause.json", "channel-state.json"],
                                                 1 << 20), None),
    ("member-past-ratio", member_states_past_ratio, "a zip bomb"),
    ("member-inflates-past", member_inflates_past, None),
    ("second-end-record", second_end_record, "two end-of-central-directory records"),
    ("duplicate-traffic.pcap", duplicate_member, "two members named traffic.pcap"),
    ("overlapping-members", overlapping_members, "overlap"),
    ("local-name-differs", lambda i: local_disagrees(i, "name"), "disagree on its name"),
    ("local-method-differs", lambda i: local_disagrees(i, "method"), "disagree on its compression method"),
    ("local-sizes-differ", lambda i: local_disagrees(i, "usize"), "disagree on its sizes"),
    ("nul-in-name", lambda i: renamed_member(i, b"traffic.pcap\0.exe"), "holds a NUL byte"),
    ("dotdot-name", lambda i: renamed_member(i, b"../traffic.pcap"), "component"),
    ("absolute-name", lambda i: renamed_member(i, b"/tmp/traffic.pcap"), "absolute path"),
    ("pcap-bomb-576MiB", pcap_bomb, "bytes a report's traffic.pcap may hold"),
    ("report.zip.gz", gzipped, None),
    ("data-descriptors", descriptor_zip, None),
]
