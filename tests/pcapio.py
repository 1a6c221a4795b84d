"""The tests' one way of writing and reading capture files, and of building
the Ethernet + IPv4 + TCP frames they hold.

Writing: a classic pcap in either byte order, micro- or nanosecond
timestamps, any snaplen and link type (file_header, record, Writer); the
pcapng blocks the tests need (pcapng_*). Every field can be given
explicitly, so a test can write a hostile file on purpose: a caplen that
lies, a record cut short (write_raw), a block whose lengths disagree.

Reading: read_pcap (records with their timestamps, caplen and origlen, a
torn last record kept as it is), pcapng_blocks, parse_tcp.

This is the tests' own code, written from the file formats
(https://www.tcpdump.org/manpages/pcap-savefile.5.html, draft-ietf-opsawg-pcapng)
and RFC 791/793/1071, not from the recorder's C: a test that used the
writer's own definitions would agree with any mistake in them."""
import array
import collections
import socket
import struct
import sys

MAGIC_USEC = 0xA1B2C3D4
MAGIC_NSEC = 0xA1B23C4D
VERSION = (2, 4)
FILE_HEADER_LEN = 24
RECORD_HEADER_LEN = 16
LINKTYPE_ETHERNET = 1
SNAPLEN = 262144

ETHERTYPE_IPV4 = 0x0800
IPPROTO_TCP = 6
IPV4_HEADER_LEN = 20  # IHL 5, no options
TCP_HEADER_LEN = 20   # data offset 5, no options
ETH_HEADER_LEN = 14
IP_DF = 0x4000
TCP_ACK, TCP_PSH = 0x10, 0x08

PCAPNG_SHB, PCAPNG_IDB, PCAPNG_EPB = 0x0A0D0D0A, 1, 6
PCAPNG_BYTE_ORDER_MAGIC = 0x1A2B3C4D


# --- classic pcap: writing --------------------------------------------------

def file_header(byteorder="<", nsec=False, snaplen=SNAPLEN, linktype=LINKTYPE_ETHERNET, version=VERSION,
                thiszone=0, sigfigs=0, magic=None):
    """The 24-byte file header. byteorder is "<" or ">"; magic, when given,
    is written instead of the usec/nsec one (e.g. to write a bad one)."""
    if magic is None:
        magic = MAGIC_NSEC if nsec else MAGIC_USEC
    return struct.pack(byteorder + "IHHiIII", magic, version[0], version[1], thiszone, sigfigs, snaplen, linktype)


def record(data, ts_sec=0, ts_frac=0, caplen=None, origlen=None, byteorder="<"):
    """A record header and its data. caplen and origlen are len(data) unless
    given: give them to write a record whose header lies about its data.
    ts_frac is microseconds or nanoseconds, as the file header says."""
    return struct.pack(byteorder + "IIII", ts_sec, ts_frac, len(data) if caplen is None else caplen,
                       len(data) if origlen is None else origlen) + data


class Writer:
    """A pcap file being written: Writer(path or binary file object, header
    fields as file_header takes them); write() adds a record, write_raw()
    any bytes at all (a record cut short, a run of prepared records)."""

    def __init__(self, out, byteorder="<", **header):
        self.byteorder = byteorder
        self._own = isinstance(out, (str, bytes)) or hasattr(out, "__fspath__")
        self.out = open(out, "wb") if self._own else out
        self.out.write(file_header(byteorder, **header))

    def write(self, data, ts_sec=0, ts_frac=0, caplen=None, origlen=None):
        self.out.write(record(data, ts_sec, ts_frac, caplen, origlen, self.byteorder))

    def write_raw(self, data):
        self.out.write(data)

    def close(self):
        if self._own:
            self.out.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def write_pcap(path, frames, byteorder="<", **header):
    """A pcap of the given frames, one record each, the n-th at n seconds."""
    with Writer(path, byteorder, **header) as out:
        for n, frame in enumerate(frames):
            out.write(frame, ts_sec=n)


# --- classic pcap: reading --------------------------------------------------

class Record(collections.namedtuple("Record", "ts_sec ts_frac caplen origlen data")):
    """One record as read: data holds what the file holds (fewer than caplen
    bytes when the file ends inside the record)."""

    @property
    def torn(self):
        return len(self.data) < self.caplen


class Pcap:
    """A classic pcap as read: its header fields, records, and the bytes
    after the last whole record header (a record header cut short), if any."""

    def __init__(self, byteorder, magic, version, thiszone, sigfigs, snaplen, linktype):
        self.byteorder, self.magic, self.version = byteorder, magic, version
        self.thiszone, self.sigfigs, self.snaplen, self.linktype = thiszone, sigfigs, snaplen, linktype
        self.nsec = magic == MAGIC_NSEC
        self.records = []
        self.trailing = b""

    def header(self):
        """The file header, written back as it was read."""
        return file_header(self.byteorder, snaplen=self.snaplen, linktype=self.linktype, version=self.version,
                           thiszone=self.thiszone, sigfigs=self.sigfigs, magic=self.magic)

    def record_bytes(self, rec, data=None):
        """A record written back in this file's byte order (with other data if given)."""
        return record(rec.data if data is None else data, rec.ts_sec, rec.ts_frac, rec.caplen, rec.origlen,
                      self.byteorder)

    def ts_us(self, rec):
        """A record's timestamp in microseconds (nanoseconds truncated)."""
        return rec.ts_sec * 1000000 + (rec.ts_frac // 1000 if self.nsec else rec.ts_frac)


def read_pcap(data):
    """A Pcap from the bytes of a classic pcap of either byte order and
    resolution; ValueError when the magic is none of those."""
    if len(data) < FILE_HEADER_LEN:
        raise ValueError("a pcap file header is %d bytes, this file has %d" % (FILE_HEADER_LEN, len(data)))
    for order in "<>":
        magic = struct.unpack_from(order + "I", data)[0]
        if magic in (MAGIC_USEC, MAGIC_NSEC):
            break
    else:
        raise ValueError("not a pcap file (magic %s)" % data[:4].hex())
    major, minor, thiszone, sigfigs, snaplen, linktype = struct.unpack_from(order + "HHiIII", data, 4)
    cap = Pcap(order, magic, (major, minor), thiszone, sigfigs, snaplen, linktype)
    at = FILE_HEADER_LEN
    rec_header = struct.Struct(order + "IIII")
    while at + RECORD_HEADER_LEN <= len(data):
        ts_sec, ts_frac, caplen, origlen = rec_header.unpack_from(data, at)
        start = at + RECORD_HEADER_LEN
        cap.records.append(Record(ts_sec, ts_frac, caplen, origlen, data[start:start + caplen]))
        at = start + caplen
    cap.trailing = data[at:]
    return cap


def read_pcap_file(path):
    with open(path, "rb") as f:
        return read_pcap(f.read())


# --- pcapng ------------------------------------------------------------------

def pcapng_block_header(btype, length):
    """The first 8 bytes of a block alone (a block that ends there, or lies)."""
    return struct.pack("<II", btype, length)


def pcapng_block(btype, body, length=None, trailer=None):
    """A little-endian pcapng block: type, length, body (padded to 4 bytes),
    length again. length and trailer, when given, are written instead of
    the true length (a block that lies)."""
    padded = body + bytes(-len(body) % 4)
    true_length = 12 + len(padded)
    length = true_length if length is None else length
    return pcapng_block_header(btype, length) + padded + struct.pack("<I", length if trailer is None else trailer)


def pcapng_shb(section_length=-1):
    """A section header block, version 1.0."""
    return pcapng_block(PCAPNG_SHB, struct.pack("<IHHq", PCAPNG_BYTE_ORDER_MAGIC, 1, 0, section_length))


def pcapng_idb(linktype=LINKTYPE_ETHERNET, snaplen=SNAPLEN):
    """An interface description block, no options."""
    return pcapng_block(PCAPNG_IDB, struct.pack("<HHI", linktype, 0, snaplen))


def pcapng_epb(data, caplen=None, origlen=None, interface=0, ts=0, length=None, trailer=None):
    """An enhanced packet block; caplen, origlen, length and trailer may lie."""
    body = struct.pack("<IIIII", interface, ts >> 32, ts & 0xFFFFFFFF, len(data) if caplen is None else caplen,
                       len(data) if origlen is None else origlen) + data
    return pcapng_block(PCAPNG_EPB, body, length, trailer)


def pcapng_blocks(data):
    """[(type, block bytes)] of a little-endian pcapng, as far as whole block headers go."""
    blocks, at = [], 0
    while at + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, at)
        blocks.append((btype, data[at:at + blen]))
        at += blen
    return blocks


def pcapng_epb_data(block):
    """The packet bytes of an enhanced packet block (as many as caplen says)."""
    caplen = struct.unpack_from("<I", block, 20)[0]
    return block[28:28 + caplen]


# --- frames ------------------------------------------------------------------

def _sum16(data):
    if len(data) % 2:
        data += b"\0"
    words = array.array("H", data)
    if sys.byteorder == "little":
        words.byteswap()
    return sum(words)


def _fold(total):
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def internet_checksum(data):
    """RFC 1071: the ones' complement of the ones' complement sum of 16-bit words."""
    return ~_fold(_sum16(bytes(data))) & 0xFFFF


def ipv4_address(addr):
    """An IPv4 address as an int, from an int, 4 bytes or a dotted string."""
    if isinstance(addr, int):
        return addr
    if isinstance(addr, str):
        addr = socket.inet_aton(addr)
    return int.from_bytes(addr, "big")


_IPV4, _TCP, _PSEUDO, _U16 = struct.Struct(">BBHHHBBHII"), struct.Struct(">HHIIBBHHH"), struct.Struct(">IIBBH"), \
    struct.Struct(">H")
_ETHERTYPE_IPV4 = _U16.pack(ETHERTYPE_IPV4)


def tcp_frame(src, dst, sport, dport, seq, ack=0, payload=b"", flags=TCP_ACK, window=65535, ttl=64,
              ip_flags=IP_DF, ip_id=0, src_mac=bytes(6), dst_mac=bytes(6), bad_tcp_checksum=False):
    """An Ethernet II + IPv4 + TCP frame (no options) with correct IPv4 and
    TCP checksums, or with a wrong TCP one when bad_tcp_checksum is set.
    Addresses as ipv4_address takes them."""
    if not isinstance(src, int):
        src = ipv4_address(src)
    if not isinstance(dst, int):
        dst = ipv4_address(dst)
    total = IPV4_HEADER_LEN + TCP_HEADER_LEN + len(payload)
    ip = bytearray(_IPV4.pack(0x40 | IPV4_HEADER_LEN // 4, 0, total, ip_id, ip_flags, ttl, IPPROTO_TCP, 0, src, dst))
    _U16.pack_into(ip, 10, ~_fold(_sum16(bytes(ip))) & 0xFFFF)
    tcp = bytearray(_TCP.pack(sport, dport, seq, ack, TCP_HEADER_LEN // 4 << 4, flags, window, 0, 0))
    pseudo = _PSEUDO.pack(src, dst, 0, IPPROTO_TCP, TCP_HEADER_LEN + len(payload))
    check = ~_fold(_sum16(pseudo + bytes(tcp) + payload)) & 0xFFFF
    _U16.pack_into(tcp, 16, check ^ 0x5555 if bad_tcp_checksum else check)
    return dst_mac + src_mac + _ETHERTYPE_IPV4 + bytes(ip) + bytes(tcp) + payload


TcpSegment = collections.namedtuple("TcpSegment", "src dst sport dport seq ack flags tcp_offset payload")


def parse_tcp(frame):
    """A TcpSegment of an Ethernet II + IPv4 + TCP frame (tcp_offset: where
    its TCP header starts in the frame; payload bounded by the IPv4 total
    length), or None for any other frame or one too short for its headers."""
    if len(frame) < ETH_HEADER_LEN + IPV4_HEADER_LEN or frame[12:14] != b"\x08\x00" or frame[23] != IPPROTO_TCP:
        return None
    tcp = ETH_HEADER_LEN + (frame[14] & 15) * 4
    if len(frame) < tcp + TCP_HEADER_LEN:
        return None
    total = struct.unpack_from(">H", frame, 16)[0]
    src, dst = struct.unpack_from(">II", frame, 26)
    sport, dport, seq, ack, offset, flags = struct.unpack_from(">HHIIBB", frame, tcp)
    return TcpSegment(src, dst, sport, dport, seq, ack, flags, tcp,
                      frame[tcp + (offset >> 4) * 4:ETH_HEADER_LEN + total])
