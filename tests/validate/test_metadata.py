"""spicecap-validate and metadata.json: what a ryll bug-report zip's or
capture directory's metadata.json says, in the text report, --json and
--junit, and the report-channel-empty finding. The expected values are read
here with Python's zipfile and json from the fixtures (and from zips built
here), and ryll's member names are written out below from ryll's source
(bugreport.rs ReportMetadata, capture.rs write_metadata), not taken from the
validator or the generator. Run by ctest (validate_metadata); one check by
hand, e.g.: python3 -m pytest tests/validate/test_metadata.py -k channel_empty"""
import json
import os
import re
import struct
import xml.etree.ElementTree as ET
import zipfile

import pytest

import pcapio

# ryll's members, in the order ryll writes them.
REPORT_MEMBERS = ["ryll_version", "ryll_git_sha", "platform_os", "platform_arch", "report_type", "channel",
                  "description", "region", "timestamp", "target_host", "target_port", "session_uptime_secs",
                  "triggered_at", "triggered_uptime_secs"]
CAPTURE_MEMBERS = ["ryll_version", "ryll_git_sha", "platform_os", "platform_arch", "target_host", "target_port",
                   "target_tls_port", "capture_started"]
REPORTS = ["bugreport/bugreport.zip", "ryll/bugreport.zip"]
DIRECTORIES = ["live", "live-reads", "ryll/live", "ryll/live-queue-overflow"]

CLIENT, SERVER = "10.0.0.1", "10.0.0.2"
PORTS = {"main": 10001, "display": 10002, "inputs": 10003, "cursor": 10004, "usbredir": 10009, "other": 10099}


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return str(tmp_path_factory.mktemp("metadata"))


def zip_metadata(path):
    with zipfile.ZipFile(path) as z:
        return z.read("metadata.json").decode()


@pytest.mark.parametrize("name", REPORTS)
def test_fixture_report_has_ryll_shape(fix, name):
    """The generator writes a bug report's metadata.json with ryll's members, in ryll's order, typed as ryll types them."""
    meta = json.loads(zip_metadata(fix(name)))
    assert list(meta) == REPORT_MEMBERS, list(meta)
    assert all(isinstance(meta[k], str) for k in ("ryll_version", "ryll_git_sha", "channel", "triggered_at",
                                                   "timestamp", "description"))
    assert isinstance(meta["target_port"], int) and isinstance(meta["triggered_uptime_secs"], float)
    assert meta["report_type"] == "AutoSnapshot" and meta["channel"] == "all" and meta["region"] is None


@pytest.mark.parametrize("name", DIRECTORIES)
def test_fixture_directory_has_ryll_shape(fix, name):
    """Each --live directory has ryll's capture metadata.json."""
    meta = json.load(open(fix(os.path.join(name, "metadata.json"))))
    assert list(meta) == CAPTURE_MEMBERS and meta["target_tls_port"] is None and isinstance(meta["target_port"], int)


@pytest.mark.parametrize("name", REPORTS)
def test_report_metadata_shown(report, run, fix, name):
    """--json carries every member as the zip holds it; the text report shows version, type, channel, trigger time."""
    meta = json.loads(zip_metadata(fix(name)))
    code, rep, _ = report(fix(name))
    got = rep["files"][0]["metadata"]
    assert (got["kind"], got["status"], got["source"]) == ("bug-report", "read", fix(name)), got
    assert got["members"] == meta, got["members"]
    assert not any(f["kind"] == "report-channel-empty" for f in rep["findings"])
    _, text, _ = run(fix(name))
    first = text.splitlines()[0]
    for value in (meta["ryll_version"], meta["report_type"], "channel " + meta["channel"], meta["triggered_at"]):
        assert value in first, (value, first)


@pytest.mark.parametrize("name", DIRECTORIES)
def test_directory_metadata_shown(report, run, fix, name):
    """Every file of a capture directory carries its metadata.json; the text shows target and start time once."""
    meta = json.load(open(fix(os.path.join(name, "metadata.json"))))
    _, rep, _ = report(fix(name))
    assert rep["files"] and all(f["metadata"]["members"] == meta and f["metadata"]["kind"] == "capture-directory"
                                for f in rep["files"])
    _, text, _ = run(fix(name))
    lines = [l for l in text.splitlines() if "capture directory" in l]
    target = "target %s:%d" % (meta["target_host"], meta["target_port"])
    assert len(lines) == 1 and target in lines[0] and meta["capture_started"] in lines[0], lines
    assert text.index(lines[0]) < text.index(os.path.join(fix(name), "")), "the metadata line comes first"


def test_directory_in_name_order(report, fix):
    """A directory's captures are read in name order."""
    _, rep, _ = report(fix("ryll/live"))
    names = [os.path.basename(f["path"]) for f in rep["files"]]
    assert names == sorted(n for n in os.listdir(fix("ryll/live")) if n.endswith(".pcap")), names


def test_junit_properties(run, fix, work):
    """--junit: the zip's test suite has the members as properties."""
    meta = json.loads(zip_metadata(fix("ryll/bugreport.zip")))
    junit = os.path.join(work, "junit.xml")
    run("--junit", junit, fix("ryll/bugreport.zip"))
    props = {p.get("name"): p.get("value") for p in ET.parse(junit).getroot().iter("property")}
    assert props["metadata.ryll_version"] == meta["ryll_version"], props
    assert props["metadata.channel"] == meta["channel"] and props["metadata.report_type"] == meta["report_type"]
    assert props["metadata.triggered_at"] == meta["triggered_at"]


# --- bug reports built here: what traffic, which channel named --------------

def message(msg_type, body):
    return struct.pack("<HI", msg_type, len(body)) + body


def received(channel, payload, seq=2000):
    """A frame from the server to the channel's client port, as ryll records it."""
    return pcapio.tcp_frame(SERVER, CLIENT, 5900, PORTS[channel], seq, 1000, payload)


def pcap_bytes(frames):
    return pcapio.file_header() + b"".join(pcapio.record(f) for f in frames)


SET_ACK = message(3, struct.pack("<II", 1, 20))  # display set_ack: generation, window


def report_meta(channel, report_type="Display"):
    meta = dict.fromkeys(REPORT_MEMBERS)
    meta.update(ryll_version="0.1.7", ryll_git_sha="abc1234", platform_os="linux", platform_arch="x86_64",
                report_type=report_type, channel=channel, description="test", timestamp="2026-02-03T04:05:06Z",
                target_host="spice.example", target_port=5900, session_uptime_secs=12.5,
                triggered_at="2026-02-03T04:05:00Z", triggered_uptime_secs=6.5)
    return json.dumps(meta, indent=2)


def make_zip(work, name, metadata, traffic):
    path = os.path.join(work, name)
    with zipfile.ZipFile(path, "w") as z:
        if metadata is not None:
            z.writestr("metadata.json", metadata)
        z.writestr("traffic.pcap", traffic)
    return path


def empty_findings(rep):
    return [f for f in rep["findings"] if f["kind"] == "report-channel-empty"]


# (name, channel named, report type, frames, a report-channel-empty finding)
CHANNEL_CASES = [
    ("display report, display traffic", "display", "Display", [received("display", SET_ACK)], False),
    ("cursor report, display traffic", "cursor", "Cursor", [received("display", SET_ACK)], True),
    ("connection report, no main traffic", "main", "Connection", [received("display", SET_ACK)], True),
    ("auto-snapshot, display traffic", "all", "AutoSnapshot", [received("display", SET_ACK)], False),
    ("auto-snapshot, no traffic", "all", "AutoSnapshot", [], True),
    ("webdav disconnect, port 10099 traffic", "webdav", {"Disconnect": {"channel": "webdav"}},
     [received("other", message(101, b"\0" * 8))], False),
    ("display report, only a cut message", "display", "Display",
     [received("display", message(304, b"\0" * 100000)[:65495])], False),
    ("pedantic cursor report, display traffic", "cursor", {"Pedantic": {"gap_key": "cursor:unimpl:x"}},
     [received("display", SET_ACK)], True),
]


@pytest.mark.parametrize("name,channel,rtype,frames,finding", CHANNEL_CASES, ids=[c[0] for c in CHANNEL_CASES])
def test_report_channel_empty(report, work, name, channel, rtype, frames, finding):
    """report-channel-empty exactly when the pcap holds no frame of the channel the report names."""
    path = make_zip(work, re.sub(r"\W+", "-", name) + ".zip", report_meta(channel, rtype), pcap_bytes(frames))
    code, rep, err = report(path)
    found = empty_findings(rep)
    if finding:
        assert code == 1 and len(found) == 1 and found[0]["file"] == path and found[0]["frame"] == 0, (code, found)
        assert channel in found[0]["detail"] or channel == "all", found[0]["detail"]
    else:
        assert found == [], found


def test_report_channel_names_type(report, work):
    """The finding names the report's type, struct variants with their fields."""
    path = make_zip(work, "pedantic.zip", report_meta("inputs", {"Pedantic": {"gap_key": "inputs:unimpl:y"}}),
                    pcap_bytes([received("display", SET_ACK)]))
    _, rep, _ = report(path)
    assert "Pedantic gap_key=inputs:unimpl:y" in empty_findings(rep)[0]["detail"], rep["findings"]


# --- metadata.json missing, unreadable, malformed: a note, never a stop ------

def notes_of(rep):
    return rep["files"][0]["notes"]


def test_zip_without_metadata(report, work):
    path = make_zip(work, "nometa.zip", None, pcap_bytes([received("display", SET_ACK)]))
    code, rep, _ = report(path)
    meta = rep["files"][0]["metadata"]
    assert code == 0 and meta["status"] == "absent" and any("metadata.json" in n for n in notes_of(rep)), rep


def test_directory_without_metadata(report, work):
    d = os.path.join(work, "plain-dir")
    os.makedirs(d, exist_ok=True)
    pcapio.write_pcap(os.path.join(d, "display.pcap"), [received("display", SET_ACK)])
    code, rep, _ = report(d)
    assert code == 0 and rep["files"][0]["metadata"]["status"] == "absent", rep["files"][0]
    assert any(os.path.join(d, "metadata.json") in n for n in notes_of(rep)), notes_of(rep)


@pytest.mark.parametrize("text,line", [('{"ryll_version": }', 1), ('{\n  "ryll_version": "1",\n  "channel" "x"\n}', 3)])
def test_malformed_names_file_and_place(report, work, text, line):
    """Bad JSON: a note naming metadata.json, the zip, and the line; the capture is still checked."""
    with pytest.raises(ValueError):
        json.loads(text)
    path = make_zip(work, "malformed-%d.zip" % line, text, pcap_bytes([received("display", SET_ACK)]))
    code, rep, _ = report(path)
    meta = rep["files"][0]["metadata"]
    note = [n for n in notes_of(rep) if "metadata.json" in n]
    assert code == 0 and meta["status"] == "malformed" and rep["files"][0]["channels"]["display"]["messages"] == 1
    assert note and path in note[0] and re.search(r"line %d, column \d+" % line, note[0]), note


def test_member_of_wrong_type(report, work):
    """A member ryll types otherwise is named; the others are still shown."""
    meta = json.loads(report_meta("display"))
    meta["target_port"] = "5900"
    path = make_zip(work, "wrongtype.zip", json.dumps(meta), pcap_bytes([received("display", SET_ACK)]))
    code, rep, _ = report(path)
    got = rep["files"][0]["metadata"]
    assert code == 0 and got["status"] == "malformed" and "target_port" in got["problem"], got
    assert "target_port" not in got["members"] and got["members"]["channel"] == "display", got["members"]


ODD = [("an array", "[1, 2]"), ("empty", ""), ("not UTF-8", b"{\"a\": \"\xff\"}"),
       ("2 MiB", "{\"description\": \"%s\"}" % ("x" * (2 << 20)))]


@pytest.mark.parametrize("what,text", ODD, ids=[w for w, _ in ODD])
def test_odd_metadata_is_a_note(report, work, what, text):
    """Any metadata.json that is not ryll's object is a note; the capture is still checked."""
    path = make_zip(work, "odd-%s.zip" % re.sub(r"\W+", "-", what), text, pcap_bytes([received("display", SET_ACK)]))
    code, rep, _ = report(path)
    meta = rep["files"][0]["metadata"]
    assert code == 0 and meta["status"] in ("malformed", "unreadable") and meta["problem"], meta
    assert rep["files"][0]["channels"]["display"]["messages"] == 1
