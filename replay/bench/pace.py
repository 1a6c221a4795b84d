#!/usr/bin/env python3
"""How closely spicecap-replay keeps the recorded pace: a client of its own (Python, the link stage
written from spice-protocol's layouts) opens the main and display channels of a raw capture's
replay, times each display message's arrival, and compares every gap between two messages with the
gap the capture itself shows (each message's last byte, from an independent walk of the capture:
TCP payloads in seq order, the link stage, then mini headers). Prints the largest and the 99th
percentile difference.

Usage: pace.py SPICECAP_REPLAY RAW.pcap SECONDS"""
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
import pcapio  # noqa: E402

LINK_HEADER = struct.Struct("<IIII")
MAGIC = 0x51444552  # "REDQ"


def recorded_display_times(path, until):
    """End times (s since the first frame) of the server's display messages, from the capture."""
    cap = pcapio.read_pcap_file(path)
    first = cap.ts_us(cap.records[0]) / 1e6
    conns, order = {}, []
    for r in cap.records:
        seg = pcapio.parse_tcp(r.data)
        if not seg:
            continue
        key = (seg.sport, seg.dport)
        t = cap.ts_us(r) / 1e6 - first
        if seg.flags & 0x02 and not seg.flags & 0x10:  # SYN: a client opens a connection
            conns[key] = {"client": b"", "server": [], "srv_seq": None, "cli_seq": seg.seq + 1}
            order.append(key)
            continue
        c = conns.get(key) or conns.get((seg.dport, seg.sport))
        if not c or not seg.payload:
            continue
        if key in conns:
            c["client"] += seg.payload
        else:
            c["server"].append((seg.seq, t, seg.payload))
    for key in order:
        c = conns[key]
        if len(c["client"]) < 22 or c["client"][16 + 4] != 2:  # the display channel
            continue
        stream, ends, expected = b"", [], None
        for seq, t, payload in c["server"]:
            if expected is not None and seq != expected:
                if (seq - expected) & 0xFFFFFFFF > 0x7FFFFFFF:  # a retransmission
                    continue
            expected = (seq + len(payload)) & 0xFFFFFFFF
            stream += payload
            ends.append((len(stream), t))
        _, _, _, size = LINK_HEADER.unpack_from(stream)
        at, times, i = 16 + size + 4, [], 0  # link header, reply, link result
        while at + 6 <= len(stream):
            end = at + 6 + struct.unpack_from("<I", stream, at + 2)[0]
            while i < len(ends) and ends[i][0] < end:
                i += 1
            if i == len(ends) or ends[i][1] > until:
                break
            times.append(ends[i][1])
            at = end
        return times
    raise SystemExit("no display connection in %s" % path)


def link(port, channel_type, connection_id=0):
    s = socket.create_connection(("127.0.0.1", port))
    caps = struct.pack("<I", 0xD)  # auth selection, auth spice, mini header
    mess = struct.pack("<IBBIII", connection_id, channel_type, 0, 1, 0, 18) + caps
    s.sendall(LINK_HEADER.pack(MAGIC, 2, 2, len(mess)) + mess)
    header = recv_exact(s, 16)
    recv_exact(s, LINK_HEADER.unpack(header)[3])
    s.sendall(struct.pack("<I", 1) + bytes(128))  # SPICE's ticket mechanism, any ticket
    assert struct.unpack("<I", recv_exact(s, 4))[0] == 0
    return s


def recv_exact(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            raise EOFError
        out += chunk
    return out


def main():
    replay, capture, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    recorded = recorded_display_times(capture, seconds)
    port = 20000 + os.getpid() % 20000
    server = subprocess.Popen([replay, capture, "--port", str(port), "--until", str(seconds)],
                              stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        main_ch = link(port, 1)
        display = link(port, 2)
        arrivals = []
        while len(arrivals) < len(recorded):
            header = recv_exact(display, 6)
            recv_exact(display, struct.unpack_from("<I", header, 2)[0])
            arrivals.append(time.monotonic())
        main_ch.close()
        display.close()
    finally:
        server.terminate()
        server.wait()
    diffs = sorted(abs((arrivals[i] - arrivals[i - 1]) - (recorded[i] - recorded[i - 1])) * 1000
                   for i in range(1, len(recorded)))
    p99 = diffs[int(len(diffs) * 0.99) - 1]
    print("pace: %d display messages over %.1f s: gaps within %.2f ms of the recorded ones (largest), "
          "%.2f ms at the 99th percentile" % (len(recorded), seconds, diffs[-1], p99))


if __name__ == "__main__":
    main()
