"""Hostile captures for the validator's resource bounds, generated on the
spot (nothing big is committed). Each writer returns what the validator
should say about the file: the finding kind and the frame it names.
The format's facts come from format/format.h through c_facts; the files
and frames are written by pcapio."""
import gzip
import os
import struct
import zipfile

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
    return "corrupt-file", 2


def zip_compressed_past_file(path):
    """The entry claims more compressed bytes than the whole file holds."""
    def patch(data, central):
        struct.pack_into("<I", data, 18, 0x7FFFFFF0)
        struct.pack_into("<I", data, central + 20, 0x7FFFFFF0)
    _zip_with(path, patch)
    return "corrupt-file", 2


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
