"""What spicecap-validate prints about a hostile bug report (issue 25):

- no control byte from the input on stdout or stderr (text, -v, --json,
  --junit, error messages): no ESC, CR, C1 control or DEL; LF only where the
  validator ends its own lines. A string from the input is shown in the
  escaped form docs/validate.md describes, checked here against this file's
  own reading of format/safe_text.h's rules (safe());
- one verdict line, the last, and the right one for the exit status,
  whatever the members say (a member holding "\\r\\nOK: 0 finding(s)" cannot
  write a line of its own);
- --json parsed by a strict parser: bytes decoded as strict UTF-8, no NaN or
  Infinity, every integer an int (1e18 as 1000000000000000000), a number that
  is not finite written null with a note naming it;
- triggered_uptime_secs that no capture can place (1.85e10, 1e999, -1e999,
  negative) named as such, never a trigger frame (UBSan with
  float-cast-overflow watches the casts);
- the trigger window in memory independent of the pcap's frame count
  (peak RSS of an unsanitized build on 150,000 and 1,200,000 frames), with
  the trigger frame, the window and its messages as the generator placed
  them.

The reports are spicecap-synth's, rewritten member by member (ryll_report.py);
the large pcaps are streamed here with pcapio's frame and this file's own
incremental checksum."""
import json
import os
import re
import struct
import subprocess
import tempfile
import xml.etree.ElementTree as ET
import zipfile

import pytest

import pcapio
import ryll_report as R

# --- the escaping docs/validate.md and format/safe_text.h describe, read independently

_UNICODE_ESCAPED = set(range(0x80, 0xA0)) | {0x200E, 0x200F, 0x2028, 0x2029} | set(range(0x202A, 0x202F)) | \
    set(range(0x2066, 0x206A))


def safe(data):
    """The text the validator shows for DATA (bytes or str): C0 controls,
    DEL and invalid UTF-8 as \\xNN (\\n \\r \\t by name), C1 controls and the
    bidi and line separators as \\uNNNN, a backslash doubled."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    out, i = [], 0
    while i < len(data):
        for n in (1, 2, 3, 4):  # the one valid UTF-8 sequence starting here, if any (Python's decoder is RFC 3629's)
            try:
                ch = data[i:i + n].decode("utf-8")
            except UnicodeDecodeError:
                continue
            if len(ch) == 1:
                break
        else:
            out.append("\\x%02x" % data[i])
            i += 1
            continue
        i += n
        cp = ord(ch)
        if ch in "\\\n\r\t":
            out.append({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif cp < 0x20 or cp == 0x7F:
            out.append("\\x%02x" % cp)
        elif cp in _UNICODE_ESCAPED:
            out.append("\\u%04x" % cp)
        else:
            out.append(ch)
    return "".join(out)


def test_safe_reads_the_documented_examples():
    """This file's reading of the rules, on the examples the header gives."""
    assert safe(b"a\x1b[2J\r\n\t\\") == "a\\x1b[2J\\r\\n\\t\\\\"
    assert safe("\u009b\u202e\u2028") == "\\u009b\\u202e\\u2028"
    assert safe(b"\xff\xed\xa0\x80\x7f") == "\\xff\\xed\\xa0\\x80\\x7f"
    assert safe("caf\u00e9 \U0001F600") == "caf\u00e9 \U0001F600"


# --- hostile strings

CLEAR = "\x1b[2J\x1b[H"
TITLE = "\x1b]0;pwned\x07"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4K\x07"
FORGED = "\r\nOK: 0 finding(s) in 1 file(s)\r\n"
C1 = "\u009b31m\u0085"
BIDI = "\u202egnp.exe"
HOSTILE = CLEAR + TITLE + CLIPBOARD + FORGED + C1 + BIDI + "\x7f\\end"
# The verdict names the inputs after the counts (verdict.c): "... in 1 file(s) read, of X.zip".
VERDICT = re.compile(r"^(OK|FAIL): (\d+) finding\(s\) in (\d+) file\(s\)( read, of .*)?$")


def json_bytes(value):
    """JSON text whose strings hold the hostile characters as JSON escapes
    (so the member is valid JSON that json-glib decodes to them)."""
    return json.dumps(value, ensure_ascii=True).encode()


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile_output")


@pytest.fixture(scope="module")
def base(synth_bin, work):
    """A clean Display report of spicecap-synth's."""
    return R.make_report(synth_bin, str(work / "base.zip"), "display")


def patch_name(zip_path, placeholder, raw):
    """Replace an entry name's placeholder bytes by raw bytes of the same
    length, in the local and the central header (zipfile cannot write a name
    that is not text)."""
    assert len(placeholder) == len(raw)
    data = open(zip_path, "rb").read()
    assert data.count(placeholder) == 2
    open(zip_path, "wb").write(data.replace(placeholder, raw))


# An entry flagged UTF-8 (libzip refuses one whose name holds ESC as
# inconsistent, but takes CR, LF and C1 controls).
EXTRA_NAME = "extra\u00e9" + FORGED + C1 + BIDI + ".txt"


def _add_utf8_name(zout, name, data):
    info = zipfile.ZipInfo(name)
    info.flag_bits |= 0x800  # the name is UTF-8, controls and all
    zout.writestr(info, data)


@pytest.fixture(scope="module")
def hostile_strings(base, work):
    """The base report with hostile text in every member the text shows, in
    member names, in a zip entry's name, in JSON that does not parse, and in
    the file's own path."""
    meta = R.metadata(base)
    meta.update(description=HOSTILE, ryll_version=HOSTILE, platform_os=CLEAR, platform_arch=TITLE,
                ryll_git_sha=FORGED, target_host=CLIPBOARD, triggered_at=C1, timestamp=BIDI)
    members = {
        "metadata.json": json_bytes(meta),
        # member names and values the triage line prints (session: every *_lag_recent_max_us)
        "session.json": json_bytes({"connected": HOSTILE, "fps": 30, "x" + FORGED + "_lag_recent_max_us": TITLE,
                                    "video_drop_count": CLEAR}),
        # a channel's name (a line's label) and its state's names and values
        "channel-state.json": json_bytes({"display" + FORGED: {"writer_dropped_count": 0,
                                                               "socket" + CLEAR: CLIPBOARD}}),
        "notifications.json": json_bytes([{"severity": HOSTILE}, {"severity": FORGED}]),
        "runtime-metrics.json": json_bytes({"available": False, "reason": HOSTILE}),
        "disconnect-cause.json": json_bytes({"channel": FORGED, "error_kind": TITLE, "error_message": HOSTILE}),
    }
    plain = str(work / "strings-plain.zip")
    with zipfile.ZipFile(base) as z:
        there = set(z.namelist())
    R.rewrite(base, plain, {k: v for k, v in members.items() if k in there},
              {k: v for k, v in members.items() if k not in there})
    path = str(work / ("strings" + CLEAR + FORGED + ".zip"))
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
        _add_utf8_name(zout, EXTRA_NAME, b"x")
        zout.writestr("NAMEPLACEHOLDER.txt", b"y")  # not flagged UTF-8: libzip refuses a flagged name that is not
    patch_name(path, b"NAMEPLACEHOLDER", (b"bad\xff\xfe\x1b[2J\r\n\x9b" + b"z" * 15)[:15])
    return path


@pytest.fixture(scope="module")
def unparsable(base, work):
    """Members that are not JSON, whose parse errors quote the input: raw
    control bytes and invalid UTF-8 in strings, a lone surrogate, NaN."""
    return R.rewrite(base, str(work / "unparsable.zip"), {
        "session.json": b'{"a": "\x1b]0;t\x07\r\nOK: 0 finding(s) in 1 file(s)\r\n\x1f"}',
        "channel-state.json": b'{"a": "\xff\xfe\x9b"}',
        "notifications.json": b'["\\ud800',
        "runtime-metrics.json": b'{"cpu_percent": NaN, "rss_kb": Infinity}',
    }, {"disconnect-cause.json": b'{"error_message": "\\ud800\\u001b[2J", "x": "\\udc00"}'})


def run(validate_bin, *args):
    """Exit status, stdout and stderr as bytes; a sanitizer report fails the test."""
    p = subprocess.run([validate_bin, *args], capture_output=True)
    assert b"Sanitizer" not in p.stderr and b"runtime error" not in p.stderr, p.stderr[-3000:]
    return p.returncode, p.stdout, p.stderr


def assert_no_control(data, what):
    """Strict UTF-8, and no control character but the validator's own LF."""
    text = data.decode("utf-8")  # strict: raises on any invalid byte
    bad = [(i, hex(ord(c))) for i, c in enumerate(text)
           if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 or ord(c) in _UNICODE_ESCAPED]
    assert not bad, "%s holds control characters at %s" % (what, bad[:10])
    return text


def assert_one_verdict(text, code):
    """One verdict line, the last, saying what the exit status says."""
    lines = text.splitlines()
    verdicts = [line for line in lines if line.startswith(("OK", "FAIL"))]
    assert len(verdicts) == 1, verdicts
    m = VERDICT.match(lines[-1])
    assert m, lines[-1]
    assert code == (0 if m.group(1) == "OK" else 1)
    return int(m.group(2))


def strict_json(data):
    def refuse(name):
        raise ValueError("not JSON: %s" % name)
    return json.loads(data.decode("utf-8"), parse_constant=refuse)


def walk(value, path="$"):
    """Every (path, scalar) of a parsed JSON value."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, "%s.%s" % (path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, "%s[%d]" % (path, i))
    else:
        yield path, value


MODES = ["text", "verbose", "json", "junit"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", ["hostile_strings", "unparsable"])
def test_nothing_raw_and_one_verdict(request, validate_bin, base, work, case, mode):
    """Whatever a member, a member name, an entry name or the path holds,
    stdout and stderr hold no control character of it; the verdict is the
    one of the same report with harmless text (the pcap is the same)."""
    path = request.getfixturevalue(case)
    expected_code, out, _ = run(validate_bin, base)
    expected_findings = assert_one_verdict(out.decode(), expected_code)
    junit = str(work / ("junit-%s.xml" % case))
    args = {"text": [], "verbose": ["-v"], "json": ["--json"], "junit": ["--junit", junit]}[mode]
    code, out, err = run(validate_bin, *args, path)
    assert code == expected_code, err
    assert_no_control(err, "stderr")
    text = assert_no_control(out, "stdout")
    if mode == "json":
        report = strict_json(out)
        assert report["findings_total"] == expected_findings
        assert report["result"] == ("clean" if expected_code == 0 else "findings")
        for where, value in walk(report):
            assert not isinstance(value, float) or value == value and abs(value) != float("inf"), where
    else:
        assert assert_one_verdict(text, code) == expected_findings
    if mode == "junit":
        xml = open(junit, "rb").read()
        assert_no_control(xml, "the JUnit file")
        ET.fromstring(xml)  # well-formed XML 1.0


def test_forged_ok_on_a_failing_report(validate_bin, synth_bin, work):
    """A report with a loss (the generator's k2 fault: a 0-byte record,
    documented as k2-empty-record) whose members say "OK: 0 finding(s)" on a
    line of their own: exit 1, and the one verdict line says FAIL."""
    lossy = R.make_report(synth_bin, str(work / "k2.zip"), "display", "--fault", "k2")
    meta = R.metadata(lossy)
    meta.update(description=FORGED + "OK: 0 finding(s) in 1 file(s)", ryll_version=FORGED)
    path = R.rewrite(lossy, str(work / "k2-forged.zip"), {"metadata.json": json_bytes(meta),
                                                          "session.json": json_bytes({"connected": FORGED})})
    for args in ([], ["-v"]):
        code, out, err = run(validate_bin, *args, path)
        assert code == 1, err
        text = assert_no_control(out, "stdout")
        assert assert_one_verdict(text, code) >= 1
        assert text.splitlines()[-1].startswith("FAIL: ")
        assert "k2-empty-record" in text
    code, out, err = run(validate_bin, "--json", path)
    report = strict_json(out)
    assert code == 1 and report["result"] == "findings"
    assert any(f["kind"] == "k2-empty-record" for f in report["findings"])


def test_strings_shown_escaped(validate_bin, hostile_strings):
    """Each hostile string is in the text, in its escaped form, where the
    validator says it: the description in the metadata line, a channel's
    name in its line, the entry name, the path."""
    code, out, err = run(validate_bin, hostile_strings)
    text = assert_no_control(out, "stdout")
    lines = text.splitlines()
    first = lines[0]
    assert first.startswith(safe(hostile_strings) + ": ryll bug report: ryll " + safe(HOSTILE))
    assert '"%s"' % safe(HOSTILE) in first  # the description
    assert any(line.startswith("  channel-state " + safe("display" + FORGED) + ":") for line in lines), lines
    assert any(line == "  member not written by ryll: " + safe(EXTRA_NAME)
               for line in lines), lines
    assert any(line.startswith("  member not written by ryll: bad") for line in lines), lines
    assert any(line.startswith("  disconnect: ") and safe(HOSTILE) in line for line in lines), lines
    assert any(line.startswith(safe(hostile_strings) + ": pcap") for line in lines), lines


def test_json_strings_read_back(validate_bin, hostile_strings):
    """--json holds the same escaped text, so jq -r cannot print a control
    character either, and the escape reads back to the member."""
    code, out, err = run(validate_bin, "--json", hostile_strings)
    report = strict_json(out)
    f = report["files"][0]
    assert f["path"] == safe(hostile_strings)
    assert f["metadata"]["members"]["description"] == safe(HOSTILE)
    assert f["metadata"]["members"]["platform_arch"] == safe(TITLE)
    members = {m["name"]: m for m in f["triage"]["members"]}
    state = members["channel-state.json"]["content"]
    assert state == {safe("display" + FORGED): {"writer_dropped_count": 0, safe("socket" + CLEAR): safe(CLIPBOARD)}}
    assert members["disconnect-cause.json"]["content"]["error_message"] == safe(HOSTILE)
    assert safe(EXTRA_NAME) in f["triage"]["other_members"]
    assert any(name.startswith("bad") for name in f["triage"]["other_members"]), f["triage"]["other_members"]


def test_parse_errors_quote_safely(validate_bin, unparsable):
    """A member json-glib refuses (not UTF-8, cut short, NaN) is named
    malformed with the place, its error text escaped; raw control bytes
    json-glib takes inside a string are shown escaped; a lone surrogate is
    refused or escaped, never written as bytes that are not UTF-8."""
    code, out, err = run(validate_bin, "--json", unparsable)
    report = strict_json(out)
    members = {m["name"]: m for m in report["files"][0]["triage"]["members"]}
    for name in ("channel-state.json", "notifications.json", "runtime-metrics.json"):
        assert members[name]["status"] == "malformed", members[name]
        assert members[name]["problem"].startswith(name + " in " + safe(unparsable) + ": "), members[name]
    assert "line 1, column " in members["runtime-metrics.json"]["problem"]
    session = members["session.json"]
    if session["status"] == "read":
        assert session["content"] == {"a": safe(b"\x1b]0;t\x07\r\nOK: 0 finding(s) in 1 file(s)\r\n\x1f")}
    cause = members["disconnect-cause.json"]
    assert cause["status"] in ("read", "malformed")
    if cause["status"] == "read":  # json-glib decoded the lone surrogate to bytes that are not UTF-8
        assert "\\x1b[2J" in cause["content"]["error_message"], cause


def test_paths_and_options_on_stderr(validate_bin, work):
    """A path or option that cannot be used is named on stderr escaped, exit 2."""
    missing = str(work / ("missing" + CLEAR + FORGED + ".pcap"))
    code, out, err = run(validate_bin, missing)
    assert code == 2
    assert_no_control(out, "stdout")
    text = assert_no_control(err, "stderr")
    assert text.startswith("spicecap-validate: " + safe(missing) + ": ")
    code, out, err = run(validate_bin, "--" + CLEAR + "x", missing)
    assert code == 2
    assert assert_no_control(err, "stderr").startswith("spicecap-validate: --" + safe(CLEAR) + "x: unknown option")
    code, out, err = run(validate_bin, "--window", TITLE, missing)
    assert code == 2
    assert assert_no_control(err, "stderr").startswith("spicecap-validate: --window " + safe(TITLE) + ": ")


# --- hostile numbers

def with_trigger(base, path, literal):
    """The base report whose metadata.json gives triggered_uptime_secs as
    LITERAL (JSON text: 1e999 has no Python float)."""
    meta = R.metadata(base)
    meta["triggered_uptime_secs"] = "@TRIGGER@"
    text = json.dumps(meta).replace('"@TRIGGER@"', literal)
    return R.rewrite(base, path, {"metadata.json": text.encode()})


@pytest.mark.parametrize("literal,said", [
    ("1.85e10", "triggered_uptime_secs 1.85e+10 s is past any session"),
    ("18446744074", "triggered_uptime_secs 18446744074 s is past any session"),
    ("1e999", "triggered_uptime_secs inf is not a finite number"),
    ("-1e999", "triggered_uptime_secs -inf is not a finite number"),
    ("-5", "triggered_uptime_secs -5 s is negative"),
], ids=["1.85e10", "2^64ns", "1e999", "-1e999", "negative"])
def test_absurd_trigger_named(validate_bin, base, work, literal, said):
    """A trigger no capture's clock can hold is said, and not placed: no
    trigger frame, no 'before the first frame' (which a cast past uint64_t
    used to say of 1.85e10)."""
    path = with_trigger(base, str(work / ("trigger-%s.zip" % literal)), literal)
    code, out, err = run(validate_bin, path)
    text = assert_no_control(out, "stdout")
    assert ("  note: %s" % said) in text and "trigger not placed" in text, text
    assert "TRIGGER BEFORE THE FIRST FRAME" not in text and "Go To Packet" not in text
    code2, out, err = run(validate_bin, "--json", path)
    report = strict_json(out)
    triage = report["files"][0]["triage"]
    assert "window" not in triage and said in triage["window_problem"]
    assert code == code2 == 0  # the trigger never changes the verdict: the base report is clean
    members = report["files"][0]["metadata"]["members"]
    if "e999" in literal:
        assert members["triggered_uptime_secs"] is None
        assert any("triggered_uptime_secs: " in n and "not a finite number" in n
                   for n in report["files"][0]["metadata"]["notes"])


def test_numbers_strict(validate_bin, base, work):
    """Numbers of a member: whole ones as integers, others as JSON numbers
    that read back, the ones that are not finite null with a note each."""
    session = (b'{"fps": 1e999, "lag": -1e999, "big": 1e18, "huge": 1e300, "tiny": 2.5e-7, "half": 0.5, '
               b'"exact": 9007199254740993, "neg": -1e18, "deep": [[{"x": 1e999}]], "two63": 9.3e18}')
    path = R.rewrite(base, str(work / "numbers.zip"), {"session.json": session})
    code, out, err = run(validate_bin, "--json", path)
    assert code == 0
    report = strict_json(out)  # 1e+18.0 or inf.0 would not parse
    members = {m["name"]: m for m in report["files"][0]["triage"]["members"]}
    c = members["session.json"]["content"]
    assert c["fps"] is None and c["lag"] is None and c["deep"] == [[{"x": None}]]
    assert c["big"] == 10 ** 18 and type(c["big"]) is int
    assert c["neg"] == -10 ** 18 and type(c["neg"]) is int
    assert c["exact"] == 9007199254740993 and type(c["exact"]) is int  # an int64 member stays exact
    assert c["huge"] == 1e300 and c["tiny"] == 2.5e-7 and c["half"] == 0.5 and c["two63"] == 9.3e18
    notes = members["session.json"]["notes"]
    assert len(notes) == 3, notes
    assert any(n.startswith("session.json.fps: inf is not a finite number") for n in notes), notes
    assert any(n.startswith("session.json.lag: -inf ") for n in notes), notes
    assert any(n.startswith("session.json.deep[0][0].x: inf ") for n in notes), notes
    for where, value in walk(report):  # the validator's own counts are ints
        if where.rsplit(".", 1)[-1] in ("records", "frame", "findings_total", "size", "trigger_frame", "frames"):
            assert type(value) is int, where


def test_deep_member_written_without_recursion(validate_bin, base, work):
    """A member nested as deep as the reader lets through is written whole
    by --json (an explicit stack, not a recursion per level), or refused by
    the reader with a reason: never a crash. (Python's own parser recurses:
    the nest is checked as text, the rest parsed strictly.)"""
    depth = 50000
    nest = b"[" * depth + b"1" + b"]" * depth
    path = R.rewrite(base, str(work / "deep.zip"), {"session.json": b'{"a": ' + nest + b"}"})
    code, out, err = run(validate_bin, "--json", path)
    assert code in (0, 1), err[-2000:]
    written = out.count(b'"content":{"a":' + nest + b"}")
    report = strict_json(out.replace(b'"content":{"a":' + nest + b"}", b'"content":{"a":"nest"}'))
    member = {m["name"]: m for m in report["files"][0]["triage"]["members"]}["session.json"]
    if member["status"] == "read":
        assert written == 1 and member["content"] == {"a": "nest"}
    else:
        assert written == 0 and member["problem"]


# --- the trigger window in constant memory

STEP_US = 1000  # one frame a millisecond
TRIGGER_S = 100.0005
WINDOW_S = 5
DISPLAY_PORT = next(port for port, name in R.PORT_CHANNEL.items() if name == "display")
ACK = struct.pack("<HI", 2, 0)  # the display channel's sent ack (SPICE_MSGC_ACK), no body


def write_big_pcap(out, frames):
    """FRAMES records of ryll's display ring, one sent ack each (6 bytes:
    each record starts a message), a millisecond apart, written as a stream.
    The TCP checksum changes with the seq only: the sum of the other words
    is taken once from pcapio's frame (RFC 1071 sums words linearly)."""
    ip = lambda s: pcapio.ipv4_address(s)
    client, server = ip("10.0.0.1"), ip("10.0.0.2")
    template = bytearray(pcapio.tcp_frame(client, server, DISPLAY_PORT, 5900, 0, payload=ACK))
    tcp = pcapio.ETH_HEADER_LEN + pcapio.IPV4_HEADER_LEN
    template[tcp + 16:tcp + 18] = b"\0\0"
    pseudo = struct.pack(">IIBBH", client, server, 0, pcapio.IPPROTO_TCP, pcapio.TCP_HEADER_LEN + len(ACK))
    base_sum = pcapio._sum16(pseudo + bytes(template[tcp:]))
    out.write(pcapio.file_header())
    rec = struct.Struct("<IIII")
    seq_at, check_at = tcp + 4, tcp + 16
    chunk = []
    for i in range(frames):
        seq = (1000 + len(ACK) * i) & 0xFFFFFFFF
        total = base_sum + (seq >> 16) + (seq & 0xFFFF)
        while total >> 16:
            total = (total & 0xFFFF) + (total >> 16)
        struct.pack_into(">I", template, seq_at, seq)
        struct.pack_into(">H", template, check_at, ~total & 0xFFFF)
        us = i * STEP_US
        chunk.append(rec.pack(us // 1000000, us % 1000000, len(template), len(template)) + bytes(template))
        if len(chunk) == 65536:
            out.write(b"".join(chunk))
            chunk = []
    out.write(b"".join(chunk))


def big_report(base, path, frames):
    """The base report whose traffic.pcap is write_big_pcap's, deflated as
    it is written, and whose trigger is TRIGGER_S."""
    meta = R.metadata(base)
    meta["triggered_uptime_secs"] = TRIGGER_S
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename == "traffic.pcap":
                with zout.open("traffic.pcap", "w", force_zip64=True) as member:
                    write_big_pcap(member, frames)
            elif info.filename == "metadata.json":
                zout.writestr("metadata.json", json.dumps(meta))
            else:
                zout.writestr(info.filename, zin.read(info.filename))
    return path


def expected_window():
    """Where the generator put the trigger and the window (frame n at
    (n-1) ms): the first frame at or after the trigger, the first and last
    frame with T-W <= time <= T."""
    hi = round(TRIGGER_S * 1e9)
    lo = hi - WINDOW_S * 10 ** 9
    ns = lambda n: (n - 1) * STEP_US * 1000
    near = range(int(TRIGGER_S * 1000) - WINDOW_S * 1000 - 10, int(TRIGGER_S * 1000) + 10)
    trigger = min(n for n in near if ns(n) >= hi)
    inside = [n for n in near if lo <= ns(n) <= hi]
    return trigger, inside[0], inside[-1]


def measured(binary, path):
    """Exit status, the --json report and the peak RSS in KiB (/usr/bin/time)."""
    with tempfile.NamedTemporaryFile(mode="r") as peak:
        p = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", peak.name, binary, "--json",
                            "--window", str(WINDOW_S), path], capture_output=True)
        rss = int(peak.read().split()[-1])
    return p.returncode, strict_json(p.stdout), rss


def test_trigger_window_constant_memory(base, work, plain_validator, validate_bin, request):
    """150,000 and 1,200,000 frames (each a message): the same peak RSS
    within 4 MiB (a list of 8 bytes per frame and 40 per message would add
    50 MB), and the trigger frame, the window and its messages where the
    generator put them."""
    peaks = {}
    for frames in (150000, 1200000):
        path = big_report(base, str(work / ("big-%d.zip" % frames)), frames)
        code, report, rss = measured(plain_validator, path)
        if frames == 150000 and plain_validator != validate_bin:  # UBSan and ASan see the large pass too
            sanitized = run(validate_bin, "--window", str(WINDOW_S), path)
            assert sanitized[0] == code
        os.unlink(path)
        assert code == 0, report
        f = report["files"][0]
        assert f["records"] == frames
        w = f["triage"]["window"]
        trigger, first_in, last_in = expected_window()
        assert (w["trigger_frame"], w["window_first_frame"], w["window_last_frame"]) == (trigger, first_in, last_in)
        assert w["window_frames"] == last_in - first_in + 1
        assert w["messages"] == [{"channel": "display", "direction": "sent", "type": 2, "body_only": False, "name": "ack",
                                  "messages": last_in - first_in + 1, "bytes": len(ACK) * (last_in - first_in + 1)}]
        assert w["kept_before_trigger_secs"] == {"display": pytest.approx(TRIGGER_S, abs=1e-6)}
        peaks[frames] = rss
    request.config.spicecap_summary = ["trigger window peak RSS (unsanitized): " + ", ".join(
        "%d frames %.1f MiB" % (n, kib / 1024) for n, kib in sorted(peaks.items()))]
    assert peaks[1200000] - peaks[150000] < 4 * 1024, peaks


# --- the sources: one way to print a string

# The validator's sources that print for a reader, and the calls allowed to
# bypass text_out (text_out.h): JSON's own writer, the page's HTML writers
# (their own escaping), and text_out itself are not scanned.
NOT_SCANNED = {"text_out.c", "json_out.c", "html_page.c", "html_timeline.c"}
# verdict_line (verdict.c) escapes each input it names as it builds the line.
ALLOWED = {("main.c", "fputs(usage, out)"), ("report.c", "fputs(line, out)")}
_CALL = re.compile(r"\b(fprintf|printf|vfprintf|fputs|puts|fputc|putc|putchar|fwrite)\s*\(")
_LITERAL = r'"(?:[^"\\]|\\.)*"'


def _call_text(src, start):
    """The call's text from its name to its closing parenthesis."""
    depth, i = 0, src.index("(", start)
    while True:
        c = src[i]
        if c == '"':
            i = re.match(_LITERAL, src[i:]).end() + i
            continue
        depth += c == "("
        depth -= c == ")"
        i += 1
        if depth == 0:
            return src[start:i]


def test_no_string_printed_around_text_out(source_dir):
    """In validate/, a string reaches a reader through text_out (escaped)
    or json_out: a direct fprintf has no %s or %c, an fputs writes a
    literal, an fputc a character constant. Any other call is a place a
    string from the input could go out raw."""
    folder = os.path.join(source_dir, "validate")
    offending = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".c") or name in NOT_SCANNED:
            continue
        src = open(os.path.join(folder, name)).read()
        for m in _CALL.finditer(src):
            call = _call_text(src, m.start())
            if (name, call) in ALLOWED:
                continue
            fn, args = m.group(1), call[call.index("(") + 1:-1].strip()
            if fn in ("fprintf", "printf"):
                formats = "".join(re.findall(_LITERAL, args))
                ok = formats != "" and not re.search(r"%[-+ #0']*(\d+|\*)?(\.(\d+|\*))?[hlzjt]*[sc]", formats)
            elif fn in ("fputs", "puts"):
                first = args.rsplit(",", 1)[0] if fn == "fputs" else args
                ok = re.fullmatch(r"\s*(%s\s*)+|\s*\w+\s*\?\s*%s\s*:\s*%s\s*" % (_LITERAL, _LITERAL, _LITERAL),
                                  first) is not None
            elif fn in ("fputc", "putc", "putchar"):
                ok = re.match(r"\s*'(\\.|[^'\\])'", args) is not None
            else:
                ok = False
            if not ok:
                offending.append("%s: %s" % (name, " ".join(call.split())))
    assert not offending, "strings printed around text_out:\n" + "\n".join(offending)
