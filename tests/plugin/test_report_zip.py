"""spicecap_report.so, the file-type plugin: ryll bug-report zips opened as
capture files by tshark, capinfos and editcap.

Every expected answer comes from elsewhere than the plugin: the frames from
tshark reading the unzipped traffic.pcap, the report's facts from Python's
zipfile and json reading its members, the trigger frame from tests/pcapio.py
reading traffic.pcap's timestamps. Reports come from the generator
(spicecap-synth --bugreport) and fixtures/, and are rewritten here with
zipfile (deflated, another pcap byte order and resolution, another trigger
time, hostile bytes)."""
import datetime
import io
import json
import os
import re
import struct
import subprocess
import sys
import zipfile

import pytest

from tshark_env import Tshark

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
import pcapio  # noqa: E402

FIELDS = ["frame.number", "frame.len", "frame.cap_len", "frame.time_epoch", "tcp.seq", "tcp.len",
          "spicecap.channel", "spicecap.direction", "spicecap.name", "spicecap.wire_size", "spicecap.cut",
          "spicecap.gap", "spicecap.desync"]
DATE = (2026, 1, 1, 0, 0, 0)
NOT_UNDERSTOOD = "isn't a capture file in a format"


@pytest.fixture(scope="module")
def rt(tshark_bin, plugin_so, report_plugin_so, wireshark_version):
    """tshark (and capinfos, editcap) with both plugins."""
    tshark = Tshark(tshark_bin, plugin_so, wireshark_version, wiretaps=[report_plugin_so])
    yield tshark
    tshark.close()


def members(data):
    """[(name, bytes)] of a zip, in its order."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def make_zip(items, compress=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in items:
            z.writestr(zipfile.ZipInfo(name, date_time=DATE), body, compress_type=compress)
    return buf.getvalue()


def replace(items, name, body):
    return [(n, body if n == name else b) for n, b in items]


def with_metadata(items, **changes):
    meta = json.loads(dict(items)["metadata.json"])
    meta.update(changes)
    return replace(items, "metadata.json", json.dumps(meta, indent=2).encode())


def put(rt, name, data):
    """A file in the private folder, readable by the user tshark runs as."""
    path = rt.path(name)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, 0o644)
    return path


def timestamps_ns(pcap_bytes):
    cap = pcapio.read_pcap(pcap_bytes)
    scale = 1 if cap.nsec else 1000
    return [r.ts_sec * 1000000000 + r.ts_frac * scale for r in cap.records]


def report_type_text(meta):
    t = meta["report_type"]
    return t if isinstance(t, str) else next(iter(t))


def fields(rt, path, two_pass=False):
    args = ["-T", "fields", "-E", "header=y"] + [a for f in FIELDS for a in ("-e", f)]
    rc, out, err = rt.run(*(["-2"] if two_pass else []), *args, capture=path)
    assert rc == 0, err
    return out


def comments(rt, path, two_pass=False):
    """{frame number: comment} of the frames with a comment."""
    rc, out, err = rt.run(*(["-2"] if two_pass else []), "-Y", "frame.comment", "-T", "fields", "-e",
                          "frame.number", "-e", "frame.comment", capture=path)
    assert rc == 0, err
    found = {}
    for line in out.splitlines():
        number, _, text = line.partition("\t")
        found[int(number)] = text
    return found


@pytest.fixture(scope="module")
def reports(tmp_path_factory, synth_bin, fixtures_dir):
    """name -> the bytes of a ryll report as ryll writes it (members stored)."""
    out = {}
    for kind in ("display", "auto-snapshot"):
        path = str(tmp_path_factory.mktemp("synth") / ("%s.zip" % kind))
        subprocess.run([synth_bin, "--scenario", "desktop", "--seed", "3", "--bugreport", path,
                        "--report-type", kind], check=True, capture_output=True)
        out["synth-" + kind] = open(path, "rb").read()
    out["fixture-ryll"] = open(os.path.join(fixtures_dir, "ryll", "bugreport.zip"), "rb").read()
    return out


def variant(reports, name):
    """The report's members, and the zip of the variant asked for: stored
    (as ryll writes it), deflated, or stored with traffic.pcap in the other
    byte order and nanoseconds."""
    base, _, how = name.partition(":")
    items = members(reports[base])
    if how == "swapped-nsec":
        cap = pcapio.read_pcap(dict(items)["traffic.pcap"])
        cap.byteorder = ">" if cap.byteorder == "<" else "<"
        if not cap.nsec:
            cap.records = [r._replace(ts_frac=r.ts_frac * 1000) for r in cap.records]
        cap.magic = pcapio.MAGIC_NSEC
        items = replace(items, "traffic.pcap", cap.header() + b"".join(cap.record_bytes(r) for r in cap.records))
    return items, make_zip(items, zipfile.ZIP_DEFLATED if how == "deflated" else zipfile.ZIP_STORED)


VARIANTS = ["synth-display", "synth-display:deflated", "synth-auto-snapshot", "synth-auto-snapshot:deflated",
            "fixture-ryll", "fixture-ryll:swapped-nsec"]


@pytest.mark.parametrize("two_pass", [False, True], ids=["one-pass", "two-pass"])
@pytest.mark.parametrize("name", VARIANTS)
def test_frames_equal_unzipped(rt, reports, name, two_pass):
    """The zip's frames are traffic.pcap's: lengths, times, TCP and SPICEcap fields."""
    items, data = variant(reports, name)
    safe = name.replace(":", "-")
    zip_path = put(rt, safe + ".zip", data)
    pcap_path = put(rt, safe + ".pcap", dict(items)["traffic.pcap"])
    expected = fields(rt, pcap_path, two_pass)
    assert len(expected.splitlines()) == 1 + len(timestamps_ns(dict(items)["traffic.pcap"]))
    assert fields(rt, zip_path, two_pass) == expected


def wall(meta, trigger_ns, ns):
    """A time on traffic.pcap's clock as wall-clock time, as the comments
    write it: triggered_at minus triggered_uptime_secs is t=0."""
    at = datetime.datetime.fromisoformat(meta["triggered_at"].replace("Z", "+00:00"))
    zero = at - datetime.timedelta(microseconds=trigger_ns // 1000)
    return (zero + datetime.timedelta(microseconds=ns // 1000)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def seconds(ns):
    """Seconds as people write them on a microsecond clock: at most six
    decimals, no trailing zeros ("1.255", "12.5", "4")."""
    return ("%.6f" % (ns / 1e9)).rstrip("0").rstrip(".")


@pytest.mark.parametrize("where", ["start", "middle", "after-end", "before-start"])
@pytest.mark.parametrize("name", ["synth-display", "fixture-ryll:deflated"])
def test_trigger_comment_frame(rt, reports, name, where):
    """The trigger comment is on the first frame at or after
    triggered_uptime_secs, or on the last frame, saying so, after the end;
    when the ring starts after the trigger, frame 1 says how long before it
    the report was triggered. One line, under Wireshark's 240-byte cut; the
    clock details are in the capture comment."""
    items, _ = variant(reports, name)
    ts = timestamps_ns(dict(items)["traffic.pcap"])
    if where == "start":
        trigger = 0.0
    elif where == "middle":
        k = next(i for i in range(len(ts) // 2, len(ts)) if ts[i] > ts[i - 1])
        trigger = (ts[k - 1] + ts[k]) / 2e9
    elif where == "before-start":
        assert ts[0] > 1000
        trigger = (ts[0] - 1255000) / 1e9 if ts[0] > 1255000 else ts[0] / 2e9
    else:
        trigger = ts[-1] / 1e9 + 12.5
    items = with_metadata(items, triggered_uptime_secs=trigger)
    trigger_ns = round(trigger * 1e9)
    after = [i for i, t in enumerate(ts) if t >= trigger_ns]
    frame = after[0] + 1 if after else len(ts)
    meta = json.loads(dict(items)["metadata.json"])
    compress = zipfile.ZIP_DEFLATED if name.endswith("deflated") else zipfile.ZIP_STORED
    path = put(rt, "trigger-%s-%s.zip" % (name.replace(":", "-"), where), make_zip(items, compress))
    what = "%s report on %s: %s" % (report_type_text(meta), meta["channel"], meta["description"])
    for two_pass in (False, True):
        found = comments(rt, path, two_pass)
        assert list(found) == [frame]
        text = found[frame]
        assert len(text.encode()) < 240 and "\n" not in text, text
        if where == "after-end":
            assert text.startswith("ryll bug report triggered %s s after this frame, the last in the capture: %s"
                                   % (seconds(trigger_ns - ts[-1]), what)), text
        elif ts[frame - 1] > trigger_ns and frame == 1:
            assert where in ("start", "before-start")
            assert text.startswith("ryll bug report triggered %s s before this frame, the first in the capture: %s"
                                   % (seconds(ts[0] - trigger_ns), what)), text
            assert "triggered here" not in text
        else:
            assert text.startswith("ryll bug report triggered here: " + what), text
        assert "(triggered at %s; more in the capture comment)" % meta["triggered_at"] in text
    # The capture comment: the trigger frame's time on both clocks, and t=0.
    out = capinfos(rt, path)
    assert "Trigger frame: %d (frame.comment), at %s s (%s)" % (frame, seconds(ts[frame - 1]),
                                                               wall(meta, trigger_ns, ts[frame - 1])) in out, out
    assert "traffic.pcap's t=0 is %s" % wall(meta, trigger_ns, 0) in out
    assert "%s s on traffic.pcap's clock" % seconds(trigger_ns) in out


def capinfos(rt, path):
    rc, out, err = rt.run(path, program="capinfos")
    assert rc == 0, err
    return out


SESSION = {"fps": 29.5, "bandwidth_current": 1000, "last_latency_ms": 12, "frames_received": 300,
           "video_drop_count": 7, "display_lag_recent_min_us": 100, "display_lag_recent_mean_us": 250,
           "display_lag_recent_max_us": 900, "input_lag_recent_min_us": 5, "input_lag_recent_mean_us": 6,
           "input_lag_recent_max_us": 8, "audio_volume_percent": 50}
DISCONNECT = {"channel": "display", "error_message": "connection reset by peer", "error_kind": "Io",
              "keepalive_timeout_fired": False, "session_uptime_secs": 3.5, "per_channel": {}}


def disconnect_report(reports):
    items, _ = variant(reports, "synth-display")
    items = replace(items, "session.json", json.dumps(SESSION).encode())
    items = with_metadata(items, report_type={"Disconnect": {"channel": "display"}})
    return items + [("disconnect-cause.json", json.dumps(DISCONNECT).encode())]


def test_capinfos_shows_the_report(rt, reports):
    """File type, OS, application and the section comment, from metadata.json,
    session.json and disconnect-cause.json."""
    items = disconnect_report(reports)
    meta = json.loads(dict(items)["metadata.json"])
    out = capinfos(rt, put(rt, "disconnect.zip", make_zip(items)))
    assert re.search(r"^File type:\s+ryll bug report$", out, re.M), out
    assert re.search(r"^Capture oper-sys:\s+%s %s$" % (meta["platform_os"], meta["platform_arch"]), out, re.M), out
    assert re.search(r"^Capture application:\s+ryll %s \(%s\)$" % (re.escape(meta["ryll_version"]),
                                                                  re.escape(meta["ryll_git_sha"])), out, re.M), out
    comment = out[out.index("Capture comment:"):]
    for fact in ["ryll bug report: Disconnect channel=display report on " + meta["channel"],
                 "Description: " + meta["description"], "Triggered: " + meta["triggered_at"],
                 "Target: %s:%s" % (meta["target_host"], meta["target_port"]),
                 "fps 29.5", "video_drop_count 7", "display 100/250/900 us", "input 5/6/8 us",
                 DISCONNECT["error_message"], "(Io) on channel display"]:
        assert fact in comment, (fact, comment)
    assert "Number of packets:   %d" % len(timestamps_ns(dict(items)["traffic.pcap"])) in out


def test_editcap_keeps_comments(rt, reports):
    """editcap -F pcapng keeps the section comment and the trigger comment."""
    items, data = variant(reports, "synth-display:deflated")
    src = put(rt, "to-edit.zip", data)
    outdir = rt.path("edited")
    os.makedirs(outdir, exist_ok=True)
    if os.getuid() == 0:
        os.chown(outdir, 65534, 65534)
    out = os.path.join(outdir, "out.pcapng")
    rc, _, err = rt.run("-F", "pcapng", src, out, program="editcap")
    assert rc == 0, err
    before, after = capinfos(rt, src), capinfos(rt, out)
    comment = before[before.index("Capture comment:"):].split("\nNumber of interfaces")[0]
    assert comment in after
    assert re.search(r"^File type:\s+Wireshark/... - pcapng$", after, re.M), after
    for line in ("Capture oper-sys:", "Capture application:"):
        kept = [l for l in before.splitlines() if l.startswith(line)]
        assert len(kept) == 1 and kept[0] in after.splitlines(), (line, after)
    assert comments(rt, out) == comments(rt, src)
    assert len(comments(rt, out)) == 1


def test_not_ryll_zips_left_alone(rt, reports):
    """Zips that are not ryll reports are not claimed: Wireshark says it does
    not know the format, and the plugin says nothing."""
    items, _ = variant(reports, "synth-display")
    pcap = dict(items)["traffic.pcap"]
    for name, data in [("plain.zip", make_zip([("readme.txt", b"hello"), ("traffic.pcap", pcap)])),
                       ("other-json.zip", make_zip([("metadata.json", b'{"name": "other"}'),
                                                    ("traffic.pcap", pcap)])),
                       # No capture and no ryll report type (a ryll report without traffic.pcap opens as a
                       # capture of no frames: test_report_without_traffic_opens_with_its_facts).
                       ("no-pcap.zip", make_zip([("metadata.json", b'{"name": "other"}')] +
                                                [(n, b) for n, b in items if n not in ("traffic.pcap", "metadata.json")]))]:
        path = put(rt, name, data)
        rc, out, err = rt.run("-c", "1", capture=path, timeout=60)
        if name == "no-pcap.zip":
            # Another of Wireshark's readers may take these bytes for its own (4.0's IxVeriWave reader guesses
            # from content): what matters is that the report plugin does not claim them.
            rc, out, err = rt.run(path, program="capinfos", timeout=60)
            assert "ryll bug report" not in out and "spicecap_report" not in err, (name, out[:300], err)
            continue
        assert rc != 0 and NOT_UNDERSTOOD in err and "spicecap_report" not in err, (name, rc, out[:300], err)


def patch_central(data, member, **fields):
    """A zip with fields of member's central directory entry changed
    (flags, crc, csize, usize: APPNOTE 4.3.12 offsets)."""
    offsets = {"flags": (8, "<H"), "crc": (16, "<I"), "csize": (20, "<I"), "usize": (24, "<I")}
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46:at + 46 + name_len] == member.encode():
            for key, value in fields.items():
                off, fmt = offsets[key]
                struct.pack_into(fmt, out, at + off, value)
            return bytes(out)
        at = out.find(b"PK\x01\x02", at + 4)
    raise AssertionError("no central entry for " + member)


def patch_local(data, member, usize):
    """A zip with member's local header stating usize (APPNOTE 4.3.7: at 22),
    so that it agrees with a central entry patched the same way."""
    out = bytearray(data)
    at = out.find(b"PK\x03\x04")
    while at >= 0:
        name_len = struct.unpack_from("<H", out, at + 26)[0]
        if out[at + 30:at + 30 + name_len] == member.encode():
            struct.pack_into("<I", out, at + 22, usize)
            return bytes(out)
        at = out.find(b"PK\x03\x04", at + 4)
    raise AssertionError("no local header for " + member)


def central_field(data, member, key):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(member)
    return {"flags": info.flag_bits, "crc": info.CRC, "csize": info.compress_size, "usize": info.file_size}[key]


def zip64(data):
    """The same zip as a zip64 archive (APPNOTE 4.3.14, 4.3.15): a zip64
    end record and its locator before the end record, whose fields then say
    "see zip64". Python's zipfile reads it."""
    eocd = data.rindex(b"PK\x05\x06")
    _, _, _, entries, _, cd_size, cd_offset, _ = struct.unpack_from("<IHHHHIIH", data, eocd)
    end64 = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, entries, entries, cd_size, cd_offset)
    locator = struct.pack("<IIQI", 0x07064B50, 0, eocd, 1)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    out = data[:eocd] + end64 + locator + end
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert z.testzip() is None
    return out


def hostile_reports(reports):
    items, stored = variant(reports, "synth-display")
    deflated = make_zip(items, zipfile.ZIP_DEFLATED)
    pcap = dict(items)["traffic.pcap"]
    at = stored.index(pcap)
    corrupt = stored[:at + len(pcap) // 2] + bytes([stored[at + len(pcap) // 2] ^ 0xFF]) + \
        stored[at + len(pcap) // 2 + 1:]
    z64 = zip64(stored)
    usize = central_field(deflated, "traffic.pcap", "usize")
    # More than deflate can make of its bytes (at most 1032:1), under the
    # reader's 512 MiB bound: a report whose traffic.pcap keeps 20 small records.
    cap = pcapio.read_pcap(pcap)
    few = [r for r in cap.records if r.caplen < 200][:20]
    small = make_zip(replace(items, "traffic.pcap", cap.header() + b"".join(map(cap.record_bytes, few))),
                     zipfile.ZIP_DEFLATED)
    ratio_lie = central_field(small, "traffic.pcap", "csize") * 1040
    assert ratio_lie < 512 << 20
    cut = pcap[:len(pcap) - 7]
    return {
        # (bytes, what the error says)
        "truncated": (stored[:len(stored) * 2 // 3], "truncated"),
        "crc": (corrupt, "CRC-32"),
        "encrypted": (patch_central(stored, "traffic.pcap", flags=1), "encrypted"),
        "zip64": (z64, "zip64"),
        # Both headers lie alike (one that disagrees is refused before: test_hostile_reports.py).
        "bomb-lies": (patch_local(patch_central(deflated, "traffic.pcap", usize=usize // 2), "traffic.pcap",
                                  usize // 2), "inflates past"),
        "bomb-ratio": (patch_central(small, "traffic.pcap", usize=ratio_lie), "zip bomb"),
        "too-big": (patch_central(deflated, "traffic.pcap", usize=0xFFFFFFF0), "past the"),
        "not-pcap": (make_zip(replace(items, "traffic.pcap", b"this is not a pcap file at all")), "not a pcap"),
        "torn-record": (make_zip(replace(items, "traffic.pcap", cut)), None),
    }


HOSTILE = ["truncated", "crc", "encrypted", "zip64", "bomb-lies", "bomb-ratio", "too-big", "not-pcap",
           "torn-record"]


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_report_gives_an_error(rt, reports, case):
    """Wireshark's error with the reason, in bounded time, never a crash."""
    data, reason = hostile_reports(reports)[case]
    rc, out, err = rt.run(capture=put(rt, "hostile-%s.zip" % case, data), timeout=120)
    assert rc not in (0, -6, -11, 134, 139), (rc, err)
    assert "Segmentation" not in err and "Aborted" not in err
    if reason is None:
        # A record cut short: every whole record is read first, as from the pcap itself.
        assert "cut short in the middle of a packet" in err, err
        items, _ = variant(reports, "synth-display")
        assert len(out.splitlines()) == len(timestamps_ns(dict(items)["traffic.pcap"])) - 1
    else:
        assert "damaged or corrupt" in err and "spicecap_report" in err and reason in err, err


def test_trigger_in_expert_info(rt, reports):
    """The trigger comment is Expert Information's one comment (-z expert)."""
    items, data = variant(reports, "synth-display")
    meta = json.loads(dict(items)["metadata.json"])
    rc, out, err = rt.run("-q", "-z", "expert,comment", capture=put(rt, "expert.zip", data))
    assert rc == 0, err
    section = out[out.index("Comments (1)"):]
    what = "%s report on %s" % (report_type_text(meta), meta["channel"])
    last = max(timestamps_ns(dict(items)["traffic.pcap"]))
    trigger = round(meta["triggered_uptime_secs"] * 1e9)
    if trigger > last:  # ryll reports at the session's end: after its last frame, the comment on that frame
        after = ("%.6f" % ((trigger - last) / 1e9)).rstrip("0").rstrip(".")  # numbers as the plugin writes them
        assert "ryll bug report triggered %s s after this frame, the last in the capture: %s" % (
            after, what) in section, section
    else:
        assert "ryll bug report triggered here: %s" % what in section, section


# Text a hostile report holds: clear screen, window title, OSC 52 clipboard
# write, CR/LF forging a verdict line, a bidi override, DEL and a C1 control.
HOSTILE_TEXT = "\x1b[2J\x1b]0;owned\x07\x1b]52;c;SGVsbG8=\x07\r\nOK: 0 finding(s)\u202e\x7f\u0085"
# What the project's one escaping (format/safe_text.h) makes of it, written here by hand.
HOSTILE_ESCAPED = "\\x1b[2J\\x1b]0;owned\\x07\\x1b]52;c;SGVsbG8=\\x07\\r\\nOK: 0 finding(s)\\u202e\\x7f\\u0085"


def raw_controls(text):
    """The control characters of text other than the newlines the tools
    write between lines: C0 (tab included), DEL, C1, and the bidi and line
    separators safe_text escapes."""
    return sorted({c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f
                   or c in "\u2028\u2029\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"})


def hostile_text_report(reports):
    """A Disconnect report whose every string member (metadata.json's, the
    other members') holds HOSTILE_TEXT."""
    items = disconnect_report(reports)
    items = with_metadata(items, ryll_version="0.1" + HOSTILE_TEXT, ryll_git_sha=HOSTILE_TEXT,
                          platform_os="linux" + HOSTILE_TEXT, platform_arch=HOSTILE_TEXT,
                          report_type={"Pedantic": {"gap_key": "display:" + HOSTILE_TEXT}},
                          channel="display" + HOSTILE_TEXT, description=HOSTILE_TEXT + " the screen froze",
                          timestamp=HOSTILE_TEXT, target_host=HOSTILE_TEXT)
    session = dict(SESSION)
    session["x\x1b[31m_lag_recent_min_us"] = 1
    items = replace(items, "session.json", json.dumps(session).encode())
    cause = dict(DISCONNECT, error_message=HOSTILE_TEXT, error_kind=HOSTILE_TEXT, channel=HOSTILE_TEXT)
    items = replace(items, "disconnect-cause.json", json.dumps(cause).encode())
    notes = [{"id": 1, "severity": "Error", "source": HOSTILE_TEXT, "message": HOSTILE_TEXT, "count": 1}]
    items = replace(items, "notifications.json", json.dumps(notes).encode())
    return replace(items, "channel-state.json",
                   json.dumps({"display" + HOSTILE_TEXT: {"decode_failed_count": 2}}).encode())


def test_hostile_text_is_escaped(rt, reports):
    """No raw control byte from a report reaches capinfos or tshark -V: every
    string the plugin gives Wireshark (capture comment, OS, application,
    packet comment) is escaped, and the trigger comment stays one line."""
    path = put(rt, "hostile-text.zip", make_zip(hostile_text_report(reports)))
    out = capinfos(rt, path)
    assert raw_controls(out) == [], raw_controls(out)
    assert not any(line.startswith("OK: 0 finding") for line in out.splitlines())
    assert HOSTILE_ESCAPED + " the screen froze" in out
    assert re.search(r"^Capture oper-sys:\s+linux%s %s$" % (re.escape(HOSTILE_ESCAPED), re.escape(HOSTILE_ESCAPED)),
                     out, re.M), out
    assert "(channel-state.json): decode failures 2" in out and "Error notification: \\x1b[2J" in out
    rc, verbose, err = rt.run("-V", capture=path)
    assert rc == 0, err
    assert raw_controls(verbose) == [], raw_controls(verbose)
    found = comments(rt, path)
    assert len(found) == 1
    (text,) = found.values()
    assert len(text.encode()) < 240 and raw_controls(text) == [], text
    # Wireshark 4.4 and 4.6 show a comment's backslash as two (the width above counts that).
    assert "report on display\\x1b[2J" in text.replace("\\\\", "\\"), text


def test_long_description_cut_to_fit(rt, reports):
    """A description of 1000 characters: the trigger comment is cut under
    240 bytes with "...", the capture comment holds it whole."""
    items, _ = variant(reports, "synth-display")
    description = "".join("word%03d " % i for i in range(125))
    items = with_metadata(items, description=description)
    path = put(rt, "long-description.zip", make_zip(items))
    (text,) = comments(rt, path).values()
    assert len(text.encode()) < 240, len(text.encode())
    assert description[:40] in text and "...; " not in text and "... (triggered at " in text
    rc, out, err = rt.run("-q", "-z", "expert,comment", capture=path)
    assert rc == 0 and "[truncated]" not in out, out
    assert "Description: " + description.rstrip() in capinfos(rt, path)


def test_numbers_as_people_write_them(rt, reports):
    """Seconds as ryll's float seconds arrive (1.9387590000000001) are
    written to the microsecond, no float noise anywhere in capinfos."""
    items, _ = variant(reports, "synth-display")
    ts = timestamps_ns(dict(items)["traffic.pcap"])
    trigger = ts[len(ts) // 2] / 1e9 + 0.0000000000000001
    items = with_metadata(items, triggered_uptime_secs=1.9387590000000001, session_uptime_secs=2.1000000000000001)
    items = replace(items, "session.json", json.dumps(dict(SESSION, fps=29.999999999999996)).encode())
    out = capinfos(rt, put(rt, "numbers.zip", make_zip(items)))
    comment = out[out.index("Capture comment:"):]
    assert not re.search(r"\d\.\d{7,}", comment), comment
    assert "1.938759 s on traffic.pcap's clock" in comment and "2.1 s into the session" in comment
    assert "fps 30," in comment
    assert trigger


def test_usb_report_says_why_it_is_empty(rt, fixtures_dir):
    """ryll's Usb report holds no frame: its capture comment says why."""
    data = open(os.path.join(fixtures_dir, "ryll", "usb-report.zip"), "rb").read()
    out = capinfos(rt, put(rt, "usb.zip", data))
    assert "Number of packets:   0" in out
    assert "ryll records no usbredir traffic into its rings" in out, out
    assert "Trigger frame: none, traffic.pcap holds no frame" in out


@pytest.mark.parametrize("name,why", [
    ("no-traffic", "no traffic.pcap: a ryll built without its capture feature"),
    ("disconnect-webdav", "no traffic.pcap: a webdav Disconnect report has none"),
])
def test_report_without_traffic_opens_with_its_facts(rt, fixtures_dir, name, why):
    """A ryll report with no traffic.pcap (a ryll built without capture; a webdav Disconnect, which has no ring)
    opens as a capture of no frames: capinfos shows 0 packets, the report's facts (metadata.json's as read by
    Python's zipfile here) and why there is no traffic."""
    import zipfile
    path = os.path.join(fixtures_dir, "ryll", name + ".zip")
    with zipfile.ZipFile(path) as z:
        assert "traffic.pcap" not in z.namelist()
        meta = json.loads(z.read("metadata.json"))
    out = capinfos(rt, put(rt, name + ".zip", open(path, "rb").read()))
    assert "Number of packets:   0" in out and "File type:           ryll bug report" in out, out
    assert why in out, out
    assert "Capture application: ryll %s (%s)" % (meta["ryll_version"], meta["ryll_git_sha"]) in out, out
    assert meta["description"] in out
    rc, text, err = rt.run(capture=put(rt, name + "-frames.zip", open(path, "rb").read()))
    assert rc == 0 and text.strip() == "", (rc, text, err)  # tshark: no frame, no error


@pytest.mark.parametrize("name", ["synth-display", "fixture-ryll"])
def test_length_is_the_zips(rt, reports, name):
    """Wireshark's Length (Capture File Properties) is the last record's
    offset plus its captured length: for a stored report, the zip's size."""
    _, data = variant(reports, name)
    path = put(rt, "length-%s.zip" % name, data)
    for two_pass in ([], ["-2"]):
        rc, out, err = rt.run(*two_pass, "-o", "frame.show_file_off:TRUE", "-T", "fields", "-e", "frame.file_off",
                              "-e", "frame.cap_len", capture=path)
        assert rc == 0, err
        offset, caplen = out.splitlines()[-1].split("\t")
        assert int(offset) + int(caplen) == len(data)


def test_wall_clock_shift(rt, reports):
    """The capture comment gives the shift that puts the frames on the wall clock (t=0 is triggered_at
    minus triggered_uptime_secs): editcap -t with it gives frames at their wall-clock times, and the
    Time Shift form says the same in hours."""
    items, data = variant(reports, "synth-display")
    meta = json.loads(dict(items)["metadata.json"])
    ts = timestamps_ns(dict(items)["traffic.pcap"])
    trigger_ns = round(meta["triggered_uptime_secs"] * 1e9)
    at = datetime.datetime.fromisoformat(meta["triggered_at"].replace("Z", "+00:00"))
    zero_us = round(at.timestamp() * 1e6) - trigger_ns // 1000
    src = put(rt, "shift.zip", data)
    out = capinfos(rt, src)
    m = re.search(r"Edit > Time Shift by (\d+):(\d\d):(\d\d)\.(\d{6}), or editcap -t (\d+)\.(\d{6})", out)
    assert m, out
    h, mi, s, frac, secs, frac2 = m.groups()
    assert int(secs) * 1000000 + int(frac2) == zero_us
    assert (int(h) * 3600 + int(mi) * 60 + int(s)) * 1000000 + int(frac) == zero_us
    outdir = rt.path("shifted")
    os.makedirs(outdir, exist_ok=True)
    if os.getuid() == 0:
        os.chown(outdir, 65534, 65534)
    dst = os.path.join(outdir, "shifted.pcapng")
    rc, _, err = rt.run("-F", "pcapng", "-t", "%s.%s" % (secs, frac2), src, dst, program="editcap")
    assert rc == 0, err
    rc, got, err = rt.run("-T", "fields", "-e", "frame.time_epoch", capture=dst)
    assert rc == 0, err
    epochs = [round(float(x) * 1e6) for x in got.split()]
    assert epochs == [zero_us + t // 1000 for t in ts]


def test_huge_member_text_bounded(rt, reports):
    """A 100,000-character description of control bytes (each escaping to four): the capture
    comment keeps at most 4096 bytes of it (REPORT_TEXT_MAX), cut with "...", the trigger comment
    stays under 240."""
    items, _ = variant(reports, "synth-display")
    items = with_metadata(items, description="\x01" * 100000)
    path = put(rt, "huge-description.zip", make_zip(items))
    out = capinfos(rt, path)
    (line,) = [l for l in out.split("Description: ")[1:]]
    shown = line.split(" ryll ")[0]
    assert shown.endswith("...") and len(shown) <= 4096 and shown.startswith("\\x01\\x01"), shown[-40:]
    (text,) = comments(rt, path).values()
    assert len(text.encode()) < 240
