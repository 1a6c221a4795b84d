"""tests/pcapio.py, the tests' pcap writer and reader: what it writes reads
back field for field, tshark (an independent reader) reads the same
records, timestamps and lengths, and checks its IPv4 and TCP checksums;
lying and cut files read back as written. Run by ctest (tests_pcapio)."""
import subprocess
from decimal import Decimal

import pytest

import pcapio

# (byte order, nanoseconds)
FORMATS = [("<", False), (">", False), ("<", True), (">", True)]


def frames():
    return [pcapio.tcp_frame("10.0.0.1", "10.0.0.2", 10002, 5900, 1000, ack=2000, payload=b"spice" * n)
            for n in range(4)]


@pytest.mark.parametrize("order,nsec", FORMATS, ids=["le-usec", "be-usec", "le-nsec", "be-nsec"])
def test_round_trip(tmp_path, order, nsec, tshark_bin):
    path = str(tmp_path / "f.pcap")
    with pcapio.Writer(path, order, nsec=nsec, snaplen=65535) as out:
        for n, frame in enumerate(frames()):
            out.write(frame, ts_sec=100 + n, ts_frac=n * 1000 + 7)
    cap = pcapio.read_pcap_file(path)
    assert (cap.byteorder, cap.nsec, cap.snaplen, cap.linktype, cap.version) == (order, nsec, 65535, 1, (2, 4))
    assert [(r.ts_sec, r.ts_frac, r.caplen, r.origlen, r.data) for r in cap.records] == [
        (100 + n, n * 1000 + 7, len(f), len(f), f) for n, f in enumerate(frames())]
    assert cap.trailing == b"" and not any(r.torn for r in cap.records)
    with open(path, "rb") as f:
        raw = f.read()
    assert cap.header() + b"".join(cap.record_bytes(r) for r in cap.records) == raw

    # tshark reads the same records, and finds both checksums good.
    out = subprocess.run([tshark_bin, "-r", path, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                          "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.cap_len",
                          "-e", "ip.checksum.status", "-e", "tcp.checksum.status", "-e", "tcp.srcport",
                          "-e", "tcp.seq_raw", "-e", "tcp.ack_raw", "-e", "tcp.len"],
                         capture_output=True, text=True)
    scale = 10 ** 9 if nsec else 10 ** 6
    want = [[Decimal(100 + n) + Decimal(n * 1000 + 7) / scale, str(len(f)), "1", "1", "10002", "1000", "2000",
             str(5 * n)] for n, f in enumerate(frames())]
    got = [[Decimal(cols[0])] + cols[1:] for cols in (line.split("\t") for line in out.stdout.splitlines())]
    assert out.returncode == 0 and got == want, (out.stderr[-300:], got, want)


def test_bad_tcp_checksum(tmp_path, tshark_bin):
    path = str(tmp_path / "bad.pcap")
    pcapio.write_pcap(path, [pcapio.tcp_frame(1, 2, 3, 4, 5, payload=b"x", bad_tcp_checksum=True)])
    out = subprocess.run([tshark_bin, "-r", path, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                          "-T", "fields", "-e", "ip.checksum.status", "-e", "tcp.checksum.status"],
                         capture_output=True, text=True)
    assert out.stdout.split() == ["1", "0"], out.stdout  # ip good, tcp bad


def test_lying_and_cut_records_read_as_written(tmp_path):
    path = str(tmp_path / "lies.pcap")
    with pcapio.Writer(path, linktype=147) as out:
        out.write(b"abcd", caplen=4, origlen=1000)
        out.write_raw(pcapio.record(b"0123456789", ts_sec=9)[:20])  # a record cut 4 bytes into its data
    cap = pcapio.read_pcap_file(path)
    assert cap.linktype == 147
    assert cap.records[0] == pcapio.Record(0, 0, 4, 1000, b"abcd")
    assert cap.records[1] == pcapio.Record(9, 0, 10, 10, b"0123") and cap.records[1].torn
    assert cap.trailing == b""
    cut_header = pcapio.file_header() + pcapio.record(b"ab") + pcapio.record(b"cd")[:9]
    cap = pcapio.read_pcap(cut_header)
    assert len(cap.records) == 1 and cap.trailing == pcapio.record(b"cd")[:9]
    with pytest.raises(ValueError):
        pcapio.read_pcap(b"GIF89a" + bytes(40))
    with pytest.raises(ValueError):
        pcapio.read_pcap(pcapio.file_header()[:20])


def test_pcapng_blocks(tmp_path, tshark_bin):
    data = [pcapio.tcp_frame("10.0.0.2", "10.0.0.1", 5900, 10001, 2000, payload=b"y" * n) for n in (1, 2, 3)]
    blob = pcapio.pcapng_shb() + pcapio.pcapng_idb() + b"".join(pcapio.pcapng_epb(d) for d in data)
    blocks = pcapio.pcapng_blocks(blob)
    assert [t for t, _ in blocks] == [pcapio.PCAPNG_SHB, pcapio.PCAPNG_IDB] + [pcapio.PCAPNG_EPB] * 3
    assert [pcapio.pcapng_epb_data(b) for t, b in blocks if t == pcapio.PCAPNG_EPB] == data
    path = tmp_path / "f.pcapng"
    path.write_bytes(blob)
    out = subprocess.run([tshark_bin, "-r", str(path), "-T", "fields", "-e", "tcp.len"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.split() == ["1", "2", "3"], out.stderr[-300:]
    lying = pcapio.pcapng_epb(b"z" * 5, caplen=0xFFFFFFFF, length=64, trailer=4)
    assert lying[4:8] == (64).to_bytes(4, "little") and lying[-4:] == (4).to_bytes(4, "little")
    assert lying[20:24] == b"\xff\xff\xff\xff"


def test_parse_tcp():
    frame = pcapio.tcp_frame("10.0.0.1", "10.0.0.2", 10003, 5900, 0xFFFFFFF0, ack=7, payload=b"hello",
                             flags=pcapio.TCP_ACK | pcapio.TCP_PSH)
    seg = pcapio.parse_tcp(frame + b"\0\0\0\0")  # Ethernet padding past the IPv4 total length
    assert seg == pcapio.TcpSegment(0x0A000001, 0x0A000002, 10003, 5900, 0xFFFFFFF0, 7, 0x18, 34, b"hello")
    assert pcapio.parse_tcp(frame[:40]) is None
    assert pcapio.parse_tcp(bytes(12) + b"\x86\xdd" + bytes(60)) is None
