"""spicecap-validate DIR on a ryll --capture directory with bug reports in
bug-reports/ and bug-reports/auto-snapshots/: each report is validated, and
cross-checked against the directory's live pcaps by message content. The
directory and the reports come from spicecap-synth with the same seed and
scenario (--ryll-compat: both lose records over the snaplen, in different
places, as ryll's ring and live writers do); the expected counts come from
the generator's manifests (which message each file holds whole, keyed by
channel, direction and seq), not from the validator. Run by ctest
(validate_capture_dir); by hand: python3 -m pytest tests/validate/test_capture_dir.py"""
import json
import os
import shutil
import subprocess
import zipfile

import pytest

import pcapio
import ryll_report as rr
from test_html import By, browser, load  # noqa: F401 (browser is a fixture)

SEED, SCENARIO = "3", "desktop"


def synth(synth_bin, *args):
    subprocess.run([synth_bin, "--scenario", SCENARIO, "--seed", SEED, "--ryll-compat", *args], check=True,
                   capture_output=True)


def manifest(path):
    return json.load(open(path))["messages"]


def drop_record(zip_path, frame):
    """The report with one record of traffic.pcap removed (the ring lacks that message)."""
    with zipfile.ZipFile(zip_path) as z:
        cap = pcapio.read_pcap(z.read("traffic.pcap"))
    data = cap.header() + b"".join(cap.record_bytes(r) for n, r in enumerate(cap.records, 1) if n != frame)
    tmp = zip_path + ".tmp"
    rr.rewrite(zip_path, tmp, {"traffic.pcap": data})
    os.replace(tmp, zip_path)


def expected(ring, live, dropped_seq=None):
    """Per (channel, direction): identical, the ring's whole messages the live file lost (ring frames),
    the live file's whole messages inside the ring's window the ring lacks (live frames)."""
    whole_live = {(m["channel"], m["direction"], m["seq"]): m for m in live if m["held"] == "whole"}
    out = {}
    for key in sorted({(m["channel"], m["direction"]) for m in ring}):
        r = [m for m in ring if (m["channel"], m["direction"]) == key and m["held"] == "whole"
             and (key, m["seq"]) != dropped_seq]
        both = [m for m in r if key + (m["seq"],) in whole_live]
        lost = [m for m in r if key + (m["seq"],) not in whole_live]
        seqs = {m["seq"] for m in r}
        lacks = []
        if both:
            lo, hi = min(m["seq"] for m in both), max(m["seq"] for m in both)
            lacks = [m for m in live if (m["channel"], m["direction"]) == key and m["held"] == "whole"
                     and lo <= m["seq"] <= hi and m["seq"] not in seqs]
        if r:
            out[key] = (len(both), lost, lacks)
    return out


@pytest.fixture(scope="module")
def capture_dir(tmp_path_factory, synth_bin):
    d = str(tmp_path_factory.mktemp("capdir"))
    live_dir = os.path.join(d, "capture")
    os.makedirs(os.path.join(live_dir, "bug-reports", "auto-snapshots"))
    synth(synth_bin, "--live", live_dir, "-m", os.path.join(d, "live.json"))
    display = os.path.join(live_dir, "bug-reports", "ryll-bugreport-20260101T000005Z.zip")
    auto = os.path.join(live_dir, "bug-reports", "auto-snapshots", "ryll-auto-snapshot-20260101T000005Z-T+5.0s.zip")
    synth(synth_bin, "--bugreport", display, "--report-type", "display", "-m", os.path.join(d, "display.json"))
    synth(synth_bin, "--bugreport", auto, "--report-type", "auto-snapshot", "-m", os.path.join(d, "auto.json"))
    # The display ring loses one small received message the live file holds whole.
    live = manifest(os.path.join(d, "live.json"))
    ring = manifest(os.path.join(d, "display.json"))
    whole_live = {(m["channel"], m["direction"], m["seq"]) for m in live if m["held"] == "whole"}
    candidates = [m for m in ring if m.get("held", "whole") == "whole" and m["segments"] == 1 and m["direction"] == "received"
                  and ("display", "received", m["seq"]) in whole_live and m["type"] == 302]
    victim = candidates[len(candidates) // 2]
    drop_record(display, victim["frame"])
    state = {"writer_dropped_count": 2, "socket_open": True}
    rr.rewrite(display, display + ".tmp", {"channel-state.json": json.dumps(state).encode()})
    os.replace(display + ".tmp", display)
    keyed = {"display": {"writer_dropped_count": 5}, "main": {"writer_dropped_count": 0}}
    rr.rewrite(auto, auto + ".tmp", {"channel-state.json": json.dumps(keyed).encode()})
    os.replace(auto + ".tmp", auto)
    return {"dir": live_dir, "display": display, "auto": auto, "live": live, "victim": victim,
            "ring": {"display": ring, "auto": manifest(os.path.join(d, "auto.json"))}}


def cross_of(doc, path):
    f = next(f for f in doc["files"] if f["path"] == path)
    return f["triage"]["cross_check"]


def test_reports_are_validated(capture_dir, report):
    code, doc, err = report(capture_dir["dir"])
    paths = [f["path"] for f in doc["files"]]
    assert paths[-2:] == [capture_dir["display"], capture_dir["auto"]]
    assert all(p.endswith(".pcap") for p in paths[:-2])


@pytest.mark.parametrize("which", ["display", "auto"])
def test_cross_check_counts(capture_dir, report, which):
    """Exact counts per channel and direction, against the manifests."""
    code, doc, err = report(capture_dir["dir"])
    cross = cross_of(doc, capture_dir[which])
    victim = capture_dir["victim"]
    dropped = (("display", "received"), victim["seq"]) if which == "display" else None
    want = expected(capture_dir["ring"][which], capture_dir["live"], dropped)
    got = {(f["channel"], f["direction"]): f for f in cross["flows"]}
    assert set(got) == set(want)
    # ryll's --capture writes five pcaps (capture.rs); a ring's playback flow has no live
    # counterpart, so it is named as not cross-checked rather than "lost".
    live_pcaps = {n[:-len(".pcap")] for n in os.listdir(capture_dir["dir"]) if n.endswith(".pcap")}
    for key, (identical, lost, lacks) in want.items():
        f = got[key]
        if key[0] not in live_pcaps:
            assert (f["cross_checked"], "live_file" in f, f["identical"], f["live_lost"]) == (False, False, 0, []), key
            assert f["ring_whole"] == identical + len(lost), key
            continue
        assert f["cross_checked"] is True, key
        assert (f["identical"], len(f["live_lost"]), len(f["ring_lacks"]), f["differ"]) == \
            (identical, len(lost), len(lacks), []), key
        assert f["live_file"].endswith("/%s.pcap" % key[0])
    rx = got[("display", "received")]
    assert len(rx["live_lost"]) > 0  # ring messages the live file lost to its snaplen
    if which == "display":
        assert rx["ring_lacks"] == [victim_live_frame(capture_dir)]


def victim_live_frame(capture_dir):
    v = capture_dir["victim"]
    return next(m["frame"] for m in capture_dir["live"]
                if (m["channel"], m["direction"], m["seq"]) == ("display", "received", v["seq"]))


def test_lost_messages_named(capture_dir, report):
    """The draw_copy messages the ring holds whole and the live file lost are named by their ring frames."""
    code, doc, err = report(capture_dir["dir"])
    cross = cross_of(doc, capture_dir["auto"])
    rx = next(f for f in cross["flows"] if (f["channel"], f["direction"]) == ("display", "received"))
    _, lost, _ = expected(capture_dir["ring"]["auto"], capture_dir["live"])[("display", "received")]
    copies = [m["frame"] for m in lost if m["name"] == "draw_copy"]
    assert copies and set(copies) <= set(rx["live_lost"])


def test_writer_dropped_beside_desyncs(capture_dir, report, run):
    code, doc, err = report(capture_dir["dir"])
    desyncs = {}
    for f in doc["findings"]:
        if f["kind"] == "desync":
            desyncs[f["file"]] = desyncs.get(f["file"], 0) + 1
    display_live = os.path.join(capture_dir["dir"], "display.pcap")
    w = cross_of(doc, capture_dir["display"])["writers"]
    assert w == [{"channel": "display", "writer_dropped_count": 2, "live_file": display_live,
                  "desyncs": desyncs.get(display_live, 0)}]
    w = {x["channel"]: x for x in cross_of(doc, capture_dir["auto"])["writers"]}
    assert w["display"]["writer_dropped_count"] == 5 and w["main"]["writer_dropped_count"] == 0
    code, text, err = run(capture_dir["dir"])
    assert "display: writer_dropped_count 2; %d desync(s) in %s" % (desyncs.get(display_live, 0), display_live) in text
    assert "the live capture lost" in text


def test_directory_without_reports_unchanged(fix, report):
    """A capture directory with no bug-reports/ reads as before: no cross-check."""
    code, doc, err = report(fix("ryll/live"))
    assert all("triage" not in f for f in doc["files"])


def corrupt_record(zip_path, frame):
    """The report with one byte pair of a record's SPICE body swapped: other bytes, same type and size. The two
    bytes sit two apart (the same half of a 16-bit word), so the TCP checksum still holds: only the content differs."""
    with zipfile.ZipFile(zip_path) as z:
        cap = pcapio.read_pcap(z.read("traffic.pcap"))
    rec = cap.records[frame - 1]
    seg = pcapio.parse_tcp(rec.data)
    start = len(rec.data) - len(seg.payload)
    data = bytearray(rec.data)
    i = next(k for k in range(start + 6, len(data) - 2) if data[k] != data[k + 2])
    data[i], data[i + 2] = data[i + 2], data[i]
    body = cap.header() + b"".join(cap.record_bytes(r, bytes(data) if n == frame else None)
                                   for n, r in enumerate(cap.records, 1))
    rr.rewrite(zip_path, zip_path + ".tmp", {"traffic.pcap": body})
    os.replace(zip_path + ".tmp", zip_path)


@pytest.fixture(scope="module")
def corrupted_dir(tmp_path_factory, synth_bin, report):
    """A clean capture directory (no --ryll-compat: nothing lost) whose Display report's ring holds one message with
    other bytes than the live capture's: the only defect, so the verdict and exit status turn on it alone."""
    d = str(tmp_path_factory.mktemp("corrupt"))
    live_dir = os.path.join(d, "capture")
    os.makedirs(os.path.join(live_dir, "bug-reports"))
    run = lambda *a: subprocess.run([synth_bin, "--scenario", SCENARIO, "--seed", SEED, *a], check=True,
                                    capture_output=True)
    run("--live", live_dir, "-m", os.path.join(d, "live.json"))
    display = os.path.join(live_dir, "bug-reports", "ryll-bugreport-20260101T000005Z.zip")
    run("--bugreport", display, "--report-type", "display", "-m", os.path.join(d, "display.json"))
    live, ring = manifest(os.path.join(d, "live.json")), manifest(os.path.join(d, "display.json"))
    live_frame = {(m["channel"], m["direction"], m["seq"]): m["frame"] for m in live if m.get("held", "whole") == "whole"}
    candidates = [m for m in ring if m.get("held", "whole") == "whole" and m["segments"] == 1 and m["direction"] == "received"
                  and m["wire_size"] > 16 and ("display", "received", m["seq"]) in live_frame]
    victim = candidates[len(candidates) // 2]
    later = os.path.join(live_dir, "bug-reports", "ryll-bugreport-20260101T000009Z.zip")  # read after it, intact
    shutil.copy(display, later)
    code, doc, err = report(live_dir)
    assert (code, doc["result"], doc["findings_total"]) == (0, "clean", 0), doc["findings"]  # clean before
    corrupt_record(display, victim["frame"])
    return {"dir": live_dir, "display": display, "later": later, "victim": victim,
            "live_frame": live_frame[("display", "received", victim["seq"])]}


def test_corrupted_ring_is_a_finding(corrupted_dir, report, run, tmp_path):
    """Clean before (exit 0, the fixture checks); with the one message's bytes changed, a ring-differs finding naming
    its channel, direction, type and size, the ring frame and the live frame: in --json, the text, --junit, the exit
    status."""
    v, live_pcap = corrupted_dir["victim"], os.path.join(corrupted_dir["dir"], "display.pcap")
    code, doc, err = report(corrupted_dir["dir"])
    assert (code, doc["result"], doc["findings_total"]) == (1, "findings", 1), doc["findings"]
    f = doc["findings"][0]
    assert (f["kind"], f["file"], f["frame"], f["flow"]) == ("ring-differs", corrupted_dir["display"], v["frame"],
                                                             "10.0.0.2:5900 -> 10.0.0.1:10002")
    for words in ("display received", "(type %d)" % v["type"], "%d bytes" % v["wire_size"],
                  "ring frame %d" % v["frame"], "live frame %d of %s" % (corrupted_dir["live_frame"], live_pcap)):
        assert words in f["detail"], (words, f["detail"])
    cross = cross_of(doc, corrupted_dir["display"])
    rx = next(x for x in cross["flows"] if (x["channel"], x["direction"]) == ("display", "received"))
    assert rx["differ"] == [{"ring_frame": v["frame"], "live_frame": corrupted_dir["live_frame"], "live_file": live_pcap,
                             "type": v["type"], "name": v["name"], "size": v["wire_size"]}]
    file_entry = next(x for x in doc["files"] if x["path"] == corrupted_dir["display"])
    assert file_entry["path"] == corrupted_dir["display"]
    code, text, err = run(corrupted_dir["dir"])
    assert code == 1 and "ring-differs: frame %d" % v["frame"] in text
    # the finding counts for its own file, not for the last one read
    counts = {line.split(": ")[0]: line.rsplit(", ", 1)[1] for line in text.splitlines()
              if line.startswith(corrupted_dir["dir"]) and line.endswith(" findings")}
    assert counts[corrupted_dir["display"]] == "1 findings" and counts[corrupted_dir["later"]] == "0 findings"
    assert set(counts.values()) == {"0 findings", "1 findings"} and list(counts.values()).count("1 findings") == 1
    assert text.strip().splitlines()[-1].startswith("FAIL: 1 finding(s)")
    junit = str(tmp_path / "j.xml")
    run("--junit", junit, corrupted_dir["dir"])
    xml = open(junit).read()
    assert 'name="ring-differs"><failure' in xml and "live frame %d" % corrupted_dir["live_frame"] in xml


def test_corrupted_ring_on_the_page(corrupted_dir, run, browser, tmp_path):  # noqa: F811
    """The page says FAIL, lists the differing message at its top with both frames, and marks it on the report's
    timeline in the display lane at its ring frame."""
    v = corrupted_dir["victim"]
    page = str(tmp_path / "corrupt.html")
    code, out, err = run("--html", page, corrupted_dir["dir"])
    assert code == 1, err
    errors, fetched = load(browser, page)
    assert errors == [] and fetched == []
    h1 = browser.find_element(By.CSS_SELECTOR, "h1.verdict")
    assert (h1.get_attribute("data-result"), h1.get_attribute("data-findings")) == ("findings", "1")
    top = browser.find_element(By.CSS_SELECTOR, "div.ring-differs li.differs")
    assert top.location["y"] < browser.find_element(By.CSS_SELECTOR, "section.file").location["y"]
    assert int(top.get_attribute("data-frame")) == v["frame"]
    assert "ring frame %d" % v["frame"] in top.text and "live frame %d" % corrupted_dir["live_frame"] in top.text
    section = browser.find_element(By.CSS_SELECTOR, 'section.file[data-path="%s"]' % corrupted_dir["display"])
    mark = section.find_element(By.CSS_SELECTOR, "svg.timeline .differs")
    assert mark.get_attribute("data-channel") == "display" and mark.get_attribute("data-frames") == str(v["frame"])
    assert mark.is_displayed()
