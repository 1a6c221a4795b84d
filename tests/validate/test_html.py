"""spicecap-validate --html, in a real browser (Debian's chromium, headless,
driven by selenium through chromedriver): the page loads with no console
error and no network request; its timeline has a lane per channel, a loss
mark at each lost record's time naming its frame, the trigger line and its
shaded window where the pcap's own timestamps put them (computed here with
pcapio, ryll_report.py); the screenshots render; a 500 MB capture's page is
under 2 MB; the page is written whole or not at all. Run by ctest
(validate_html); by hand: python3 -m pytest tests/validate/test_html.py -k marks"""
import errno
import json
import os
import shutil
import struct
import subprocess
import tempfile
import zlib

import pytest

import pcapio
import ryll_report as rr

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1200,1600"]
PAGE_LIMIT = 2 << 20


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return str(tmp_path_factory.mktemp("html"))


@pytest.fixture(scope="module")
def browser():
    chromium, driver_bin = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_bin:
        pytest.fail("chromium and chromium-driver are needed (scripts/deps.sh)", pytrace=False)
    profile = tempfile.mkdtemp(prefix="spicecap-chromium-")
    opts = Options()
    opts.binary_location = chromium
    for flag in CHROMIUM_FLAGS + ["--user-data-dir=" + profile]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_bin), options=opts)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def load(browser, page):
    """Open the page; return (console errors, URLs fetched other than the page itself)."""
    browser.get_log("performance")  # drop what earlier pages logged
    browser.get_log("browser")
    url = "file://" + os.path.abspath(page)
    browser.get(url)
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    fetched = []
    for entry in browser.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            u = msg["params"]["request"]["url"]
            # chrome:// is the browser's own start-up (its new-tab page), never the page's
            if u != url and not u.startswith("data:") and not u.startswith("chrome://"):
                fetched.append(u)
    return errors, fetched


def attrs(el, *names):
    return {n: el.get_attribute(n) for n in names}


@pytest.fixture(scope="module")
def lossy_report(work, synth_bin):
    """A ryll-compat Display report (snaplen losses), a screenshot and a region drawn, the trigger between two frames."""
    base = rr.make_report(synth_bin, os.path.join(work, "base.zip"), "display", "--ryll-compat")
    frs = rr.frames(base)
    mid = len(frs) // 2
    trigger = (frs[mid - 1].ts_us + frs[mid].ts_us) / 2e6
    z = rr.with_metadata(base, os.path.join(work, "meta.zip"), triggered_uptime_secs=trigger,
                         region={"left": 0, "top": 0, "right": 8, "bottom": 6},
                         description="<script>alert('x')</script> & \"quoted\"")
    return rr.rewrite(z, os.path.join(work, "report.zip"), {"screenshot.png": rr.png(48, 30)},
                      add={"screenshot-region.png": rr.png(8, 6, (0, 90, 200))})


@pytest.fixture(scope="module")
def lossy_page(work, lossy_report, run):
    page = os.path.join(work, "report.html")
    code, out, err = run("--html", page, lossy_report)
    assert code == 1, err  # the snaplen losses
    return page


def x_of(svg, secs):
    t0, t1 = float(svg.get_attribute("data-t0")), float(svg.get_attribute("data-t1"))
    x0, width = float(svg.get_attribute("data-x0")), float(svg.get_attribute("data-width"))
    return x0 + (secs - t0) / (t1 - t0) * width


def test_page_loads_clean_and_offline(browser, lossy_page):
    """No console error, no request beyond the page itself, a CSP that forbids fetching, nothing from the input run as script."""
    errors, fetched = load(browser, lossy_page)
    assert errors == [] and fetched == []
    csp = browser.find_element(By.CSS_SELECTOR, 'meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "default-src 'none'" in csp and "img-src data:" in csp
    assert browser.find_elements(By.TAG_NAME, "script") == []
    assert "<script>alert('x')</script>" in browser.find_element(By.CLASS_NAME, "metadata").text
    assert browser.find_element(By.CLASS_NAME, "verdict").get_attribute("data-result") == "findings"


def test_timeline_lanes_marks_and_trigger(browser, lossy_page, lossy_report, report):
    """The lanes are the pcap's channels with the validator's message counts; the marks sit at the lost records' times
    and name them; the trigger line and window sit at the trigger."""
    load(browser, lossy_page)
    frs = rr.frames(lossy_report)
    ts = {f.number: f.ts_us / 1e6 for f in frs}
    meta = rr.metadata(lossy_report)
    trigger = meta["triggered_uptime_secs"]
    svg = browser.find_element(By.CSS_SELECTOR, "svg.timeline")
    t0, t1 = min(ts.values()), max(max(ts.values()), trigger)
    assert float(svg.get_attribute("data-t0")) == pytest.approx(t0, abs=1e-6)
    assert float(svg.get_attribute("data-t1")) == pytest.approx(t1, abs=1e-6)
    code, doc, err = report(lossy_report)
    lanes = {g.get_attribute("data-channel"): int(g.get_attribute("data-messages"))
             for g in svg.find_elements(By.CSS_SELECTOR, "g.lane")}
    assert lanes == {c: v["messages"] for c, v in doc["files"][0]["channels"].items()}
    assert set(lanes) == {f.channel for f in frs if f.channel}
    marks = svg.find_elements(By.CSS_SELECTOR, "line.loss")
    named = sorted(int(n) for m in marks for n in m.get_attribute("data-frames").split())
    assert named == rr.seq_jumps(frs)
    for m in marks:
        first = int(m.get_attribute("data-frames").split()[0])
        assert float(m.get_attribute("x1")) == pytest.approx(x_of(svg, ts[first]), abs=1.01)
        assert m.get_attribute("data-channel") == "display"
    line = svg.find_element(By.CSS_SELECTOR, "line.trigger")
    want_frame = next(f.number for f in frs if f.ts_us / 1e6 >= trigger)
    assert int(line.get_attribute("data-frame")) == want_frame
    assert float(line.get_attribute("x1")) == pytest.approx(x_of(svg, trigger), abs=0.06)
    window = svg.find_element(By.CSS_SELECTOR, "rect.window")
    right = float(window.get_attribute("x")) + float(window.get_attribute("width"))
    assert right == pytest.approx(x_of(svg, trigger), abs=0.11)
    assert float(window.get_attribute("x")) == pytest.approx(max(x_of(svg, trigger - 5.0), x_of(svg, t0)), abs=0.06)
    assert line.is_displayed() and marks[0].is_displayed()


def test_flow_bars_show_missing_bytes(browser, lossy_page, lossy_report):
    """One bar per flow; the received display flow's missing seq ranges are the lost records' bytes."""
    load(browser, lossy_page)
    frs = [f for f in rr.frames(lossy_report) if f.direction == "received"]
    lost = 0
    for prev, cur in zip(frs, frs[1:]):
        lost += (cur.seq - (prev.seq + len(prev.payload))) & 0xffffffff
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.chains g.flow")
    assert len(bars) == 2
    rx = next(b for b in bars if b.get_attribute("data-flow").startswith("10.0.0.2:5900"))
    assert int(rx.get_attribute("data-missing")) == lost and lost > 0
    assert int(rx.get_attribute("data-span")) == (frs[-1].seq + len(frs[-1].payload) - frs[0].seq) & 0xffffffff
    assert len(rx.find_elements(By.CSS_SELECTOR, "rect.missing")) == len(rr.seq_jumps(frs))


def test_findings_grouped_with_filters(browser, lossy_page, lossy_report):
    load(browser, lossy_page)
    jumps = rr.seq_jumps(rr.frames(lossy_report))
    group = browser.find_element(By.CSS_SELECTOR, 'tr.group[data-kind="snaplen-loss"]')
    assert int(group.get_attribute("data-count")) == len(jumps)
    assert group.find_element(By.CLASS_NAME, "filter").text == "frame.number in {%s}" % " ".join(map(str, jumps))
    # the flow named as the bars name it, then its addresses; the file by its name, the whole path in its title
    assert group.find_elements(By.TAG_NAME, "td")[1].text == "display rx 10.0.0.2:5900 -> 10.0.0.1:10002"
    h3 = browser.find_element(By.CSS_SELECTOR, "section.file h3")
    assert (h3.text, h3.get_attribute("title")) == (os.path.basename(lossy_report), lossy_report)


def test_screenshots_render(browser, lossy_page):
    load(browser, lossy_page)
    shots = {i.get_attribute("data-member"): i for i in browser.find_elements(By.CSS_SELECTOR, "img.screenshot")}
    assert set(shots) == {"screenshot.png", "screenshot-region.png"}
    assert browser.execute_script("return arguments[0].naturalWidth", shots["screenshot.png"]) == 48
    assert browser.execute_script("return arguments[0].naturalWidth", shots["screenshot-region.png"]) == 8
    tables = browser.find_elements(By.CSS_SELECTOR, "details.member")
    assert {t.get_attribute("data-member") for t in tables} >= {"metadata.json", "session.json", "channel-state.json"}


def test_plain_pcap_and_directory(browser, work, fix, run):
    """Any input: a plain pcap and a capture directory give pages that load clean."""
    for name, src in (("plain", fix("ryll/display-ring.pcap")), ("dir", fix("ryll/live"))):
        page = os.path.join(work, name + ".html")
        code, out, err = run("--html", page, src)
        assert code in (0, 1), err
        errors, fetched = load(browser, page)
        assert errors == [] and fetched == []
        assert browser.find_elements(By.CSS_SELECTOR, "svg.timeline g.lane")


def test_large_capture_page_is_small(work, synth_bin, run):
    """A 500 MB capture: its page stays under 2 MB (the timeline is binned)."""
    big = os.path.join(work, "big.pcap")
    subprocess.run([synth_bin, "--scenario", "video", "--rate", "50M", "--duration", "10", "-o", big], check=True)
    assert os.path.getsize(big) > 400 << 20
    page = os.path.join(work, "big.html")
    code, out, err = run("--html", page, big)
    assert code == 0, err
    assert 0 < os.path.getsize(page) < PAGE_LIMIT
    os.unlink(big)


def test_no_partial_page_on_error(work, fix, run):
    """A page that cannot be written is exit 2, named, and leaves no file (not even its temporary one)."""
    code, out, err = run("--html", os.path.join(work, "no-such-dir", "p.html"), fix("ryll/display-ring.pcap"))
    assert code == 2 and "no-such-dir" in err
    target = os.path.join(work, "a-directory")
    os.mkdir(target)
    code, out, err = run("--html", target, fix("ryll/display-ring.pcap"))
    assert code == 2 and "--html" in err
    assert sorted(os.listdir(work)).count("a-directory") == 1
    assert not [n for n in os.listdir(work) if n.startswith("a-directory.")]


def test_offline_check_sees_a_fetch(browser, work):
    """The check itself: a page that does fetch (no CSP, an image on the loopback) is caught."""
    page = os.path.join(work, "fetching.html")
    with open(page, "w") as f:
        f.write('<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png"></body></html>')
    errors, fetched = load(browser, page)
    assert "http://127.0.0.1:9/x.png" in fetched


def test_auto_snapshot_has_a_lane_per_channel(browser, work, synth_bin, run, report):
    """An AutoSnapshot merges every ring: one lane per channel its pcap holds, with the validator's counts."""
    z = rr.make_report(synth_bin, os.path.join(work, "auto.zip"), "auto-snapshot", scenario="ring")
    page = os.path.join(work, "auto.html")
    code, out, err = run("--html", page, z)
    errors, fetched = load(browser, page)
    assert errors == [] and fetched == []
    code, doc, err = report(z)
    lanes = {g.get_attribute("data-channel"): int(g.get_attribute("data-messages"))
             for g in browser.find_elements(By.CSS_SELECTOR, "svg.timeline g.lane")}
    assert lanes == {c: v["messages"] for c, v in doc["files"][0]["channels"].items()}
    assert {"main", "display", "inputs", "cursor"} <= set(lanes)
    assert browser.find_elements(By.CSS_SELECTOR, "svg.timeline line.trigger")


def test_lanes_count_what_the_walk_kept(browser, work, fix, run, report):
    """Messages the walk takes back (a desync after a full writer queue) leave the lanes too."""
    src = fix("ryll/live-queue-overflow/display.pcap")
    page = os.path.join(work, "overflow.html")
    run("--html", page, src)
    load(browser, page)
    code, doc, err = report(src)
    assert any(f["kind"] == "desync" for f in doc["findings"])
    lanes = {g.get_attribute("data-channel"): int(g.get_attribute("data-messages"))
             for g in browser.find_elements(By.CSS_SELECTOR, "svg.timeline g.lane")}
    assert lanes == {c: v["messages"] for c, v in doc["files"][0]["channels"].items()}


# --- never misleading: inputs that cannot be read ----------------------------

def previous_page(path):
    """A page from an earlier run that must not survive as if it were this run's."""
    with open(path, "w") as f:
        f.write('<!DOCTYPE html><html><body><h1 class="verdict clean" data-result="clean">OK</h1></body></html>')


@pytest.fixture(scope="module")
def unreadable(work, lossy_report):
    """Inputs the validator cannot read, each with the words its reason must hold (from the OS or the file itself)."""
    text = os.path.join(work, "notes.txt")
    with open(text, "w") as f:
        f.write("not a capture\n")
    # A zip holding no capture and no ryll report (a report of a ryll built without capture is triaged instead:
    # test_triage.py).
    nopcap = rr.rewrite(lossy_report, os.path.join(work, "no-traffic.zip"),
                        {"traffic.pcap": None, "metadata.json": b'{"note": "not a ryll report"}'})
    missing = os.path.join(work, "nonexistent.pcap")
    return {"missing": (missing, os.strerror(errno.ENOENT)), "text": (text, "pcap"), "nopcap": (nopcap, "traffic.pcap")}


@pytest.mark.parametrize("case", ["missing", "text", "nopcap", "report+missing", "all"])
def test_unreadable_inputs_give_an_error_page(browser, work, unreadable, lossy_report, run, report, case):
    """An input that cannot be read: exit 2, a red ERROR verdict naming each failing input with its reason, never
    OK or green, every input named; the earlier page replaced by that error page; --json says "error"."""
    bad = list(unreadable) if case == "all" else ["missing" if case == "report+missing" else case]
    args = ([lossy_report] if case == "report+missing" else []) + [unreadable[b][0] for b in bad]
    page = os.path.join(work, "error-%s.html" % case)
    previous_page(page)
    code, out, err = run("--html", page, *args)
    assert code == 2, err
    last = out.strip().splitlines()[-1]
    assert last.startswith("ERROR: ") and all(a in last for a in args), last
    for b in bad:
        path, why = unreadable[b]
        assert any(line.startswith("ERROR: %s: " % path) and why in line for line in out.splitlines()), out
    errors, fetched = load(browser, page)
    assert errors == [] and fetched == []
    h1 = browser.find_element(By.CSS_SELECTOR, "h1.verdict")
    assert h1.get_attribute("data-result") == "error" and h1.text.startswith("ERROR")
    assert "OK" not in h1.text.split(":")[0]
    red, green, blue = [int(x) for x in h1.value_of_css_property("background-color")[5:-1].split(",")[:3]]
    assert red > 150 and green < 60 and blue < 60  # red, not green
    named = {li.get_attribute("data-path"): li for li in browser.find_elements(By.CSS_SELECTOR, "li.input-error")}
    assert set(named) == {unreadable[b][0] for b in bad}
    for b in bad:
        path, why = unreadable[b]
        li = named[path]
        assert why in li.text and li.is_displayed()
        rgb = [int(x) for x in li.value_of_css_property("color")[5:-1].split(",")[:3]]
        assert rgb[0] > 150 and rgb[1] < 60
    inputs = [s.get_attribute("data-path") for s in browser.find_elements(By.CSS_SELECTOR, "p.inputs span.input")]
    assert inputs == args
    junit = os.path.join(work, "error-%s.xml" % case)
    code, doc, err = report("--junit", junit, *args)
    assert code == 2 and doc["result"] == "error"
    xml = open(junit).read()
    for b in bad:
        assert '<testsuite name="%s" tests="1" failures="0" errors="1">' % unreadable[b][0] in xml
    assert [(i["path"], i["read"]) for i in doc["inputs"]] == [(a, a == lossy_report) for a in args]
    assert {e["path"] for e in doc["errors"]} == {unreadable[b][0] for b in bad}


def test_directory_of_report_zips(browser, work, lossy_report, synth_bin, run, report):
    """ryll's report directory (no pcap of its own; reports and auto-snapshots/): every zip triaged, one verdict,
    one --json entry per report, one page with a table of the reports by time linking to each one's part."""
    pile = os.path.join(work, "bug-reports")
    os.makedirs(os.path.join(pile, "auto-snapshots"))
    made = {}
    for name, when, kind in (("ryll-bugreport-20260101T000009Z.zip", "2026-01-01T00:00:09Z", "display"),
                             ("ryll-disconnect-main-20260101T000002Z.zip", "2026-01-01T00:00:02Z", "connection"),
                             ("auto-snapshots/ryll-auto-snapshot-20260101T000005Z-T+5.0s.zip", "2026-01-01T00:00:05Z",
                              "auto-snapshot")):
        base = lossy_report if kind == "display" else rr.make_report(synth_bin, os.path.join(work, "pile-base.zip"), kind)
        made[os.path.join(pile, name)] = when
        # the counters ryll's maintainers follow across a series: streams created, decode failures
        counters = {"streams_created_total": int(when[-3:-1]) * 10, "decode_failed_count": int(when[-3:-1]) % 4}
        state = {"display": counters} if kind == "auto-snapshot" else counters
        dated = rr.with_metadata(base, os.path.join(work, "pile-dated.zip"), triggered_at=when, timestamp=when)
        rr.rewrite(dated, os.path.join(pile, name), {"channel-state.json": json.dumps(state).encode()})
    page = os.path.join(work, "pile.html")
    code, out, err = run("--json", "--html", page, pile)
    doc = json.loads(out)
    assert code in (0, 1) and doc["result"] in ("clean", "findings"), err
    assert sorted(f["path"] for f in doc["files"]) == sorted(made)
    assert [i["path"] for i in doc["inputs"]] == [pile]
    errors, fetched = load(browser, page)
    assert errors == [] and fetched == []
    rows = browser.find_elements(By.CSS_SELECTOR, "table.reports tr.report")
    by_time = sorted(made, key=made.get)
    assert [r.find_elements(By.TAG_NAME, "td")[0].text for r in rows] == [made[p] for p in by_time]
    seconds = [int(made[p][-3:-1]) for p in by_time]
    cells = [[td.text for td in r.find_elements(By.TAG_NAME, "td")] for r in rows]
    assert [c[8:10] for c in cells] == [[str(n * 10), str(n % 4)] for n in seconds]
    by_file = {}
    for f in doc["findings"]:
        by_file.setdefault(f["file"], []).append(f["kind"])
    assert [c[6:8] for c in cells] == [[str(by_file.get(p, []).count("snaplen-loss")),
                                        str(by_file.get(p, []).count("k2-empty-record"))] for p in by_time]
    trends = {f.get_attribute("data-trend"): f.get_attribute("data-values")
              for f in browser.find_elements(By.CSS_SELECTOR, "figure.trend")}
    assert trends["streams_created_total"] == " ".join(str(n * 10) for n in seconds)
    assert trends["decode_failed_count"] == " ".join(str(n % 4) for n in seconds)
    assert trends["snaplen-loss"] == " ".join(c[6] for c in cells)
    for row, path in zip(rows, by_time):
        link = row.find_element(By.TAG_NAME, "a")
        assert link.text == os.path.basename(path)
        target = browser.find_element(By.ID, link.get_attribute("href").split("#")[1])
        assert target.find_element(By.CSS_SELECTOR, "section.file").get_attribute("data-path") == path


def test_empty_directory_is_an_error(work, run):
    empty = os.path.join(work, "empty-dir")
    os.makedirs(empty)
    code, out, err = run(empty)
    assert code == 2 and "no *.pcap" in err and out.strip().splitlines()[-1].startswith("ERROR: ")


# --- the trigger visible ------------------------------------------------------

def topmost_over_lanes(browser, svg, x):
    """For each pixel row across the lanes at x: the classes of the elements there, topmost first."""
    rows = []
    for lane in svg.find_elements(By.CSS_SELECTOR, "g.lane rect.lane-bg"):
        y0, h = float(lane.get_attribute("y")), float(lane.get_attribute("height"))
        for y in range(int(y0) + 1, int(y0 + h) - 1):
            rows.append(browser.execute_script(
                "var r = arguments[0].getBoundingClientRect();"
                "return document.elementsFromPoint(r.left + arguments[1], r.top + arguments[2])"
                ".map(function (e) { return e.getAttribute('class') || e.tagName; });", svg, x, y))
    return rows


@pytest.mark.parametrize("case", ["start", "middle", "after-end"])
def test_trigger_drawn_over_the_lanes(browser, work, lossy_report, run, case):
    """The trigger line and its shaded window are painted above the lanes' opaque backgrounds (found topmost by the
    browser's own hit test at the trigger's x), and labelled with the trigger's time and frame."""
    frs = rr.frames(lossy_report)
    trigger = {"start": frs[0].ts_us / 1e6 + 0.5, "middle": (frs[len(frs) // 2].ts_us) / 1e6,
               "after-end": frs[-1].ts_us / 1e6 + 2.0}[case]
    z = rr.with_metadata(lossy_report, os.path.join(work, "trig-%s.zip" % case), triggered_uptime_secs=trigger)
    page = os.path.join(work, "trig-%s.html" % case)
    run("--html", page, z)
    load(browser, page)
    svg = browser.find_element(By.CSS_SELECTOR, "svg.timeline")
    line = svg.find_element(By.CSS_SELECTOR, "line.trigger")
    x = float(line.get_attribute("x1"))
    rows = topmost_over_lanes(browser, svg, x)
    assert rows and all(r[0] in ("trigger", "window") or r[0].startswith("loss") for r in rows), rows[:3]
    assert any(r[0] == "trigger" for r in rows)
    for r in rows:  # nothing of a lane above the trigger or the window
        assert r.index("lane-bg") > max(r.index(c) for c in ("trigger", "window") if c in r)
    label = svg.find_element(By.CSS_SELECTOR, "text.trigger-label")
    assert label.is_displayed()
    want_frame = next((f.number for f in frs if f.ts_us / 1e6 >= trigger), 0)
    assert ("%.3f s" % trigger) in label.text
    assert ("frame %d" % want_frame in label.text) if want_frame else "after the last frame" in label.text


def test_numbers_as_people_write_them(work, lossy_report, run):
    """60.0 s is written 60.0, not 6e+01; the ring's reach before a trigger after its end is its own span."""
    frs = rr.frames(lossy_report)
    assert frs[-1].ts_us / 1e6 < 60.0
    z = rr.with_metadata(lossy_report, os.path.join(work, "sixty.zip"), triggered_uptime_secs=60.0)
    code, out, err = run(z)
    assert "e+01" not in out and "60.0 s into the session" in out, out[:500]
    span = (max(f.ts_us for f in frs if f.channel == "display") - min(f.ts_us for f in frs if f.channel == "display")) / 1e6
    assert "display %.3f s" % span in out


# --- the page bounded ---------------------------------------------------------

def many_losses_capture(path, channels=5, per_channel=8000, secs=100.0):
    """A recorded capture (ryll's addresses) whose every record follows a hole in its flow's seq: 40,000 losses
    spread over every lane and the whole time axis."""
    with pcapio.Writer(path) as out:
        seqs = {port: 1000 for port in range(10001, 10001 + channels)}
        for i in range(per_channel):
            t = secs * i / per_channel
            for port in seqs:
                body = b"\0" * 8
                msg = struct.pack("<HI", 3, len(body)) + body  # set_ack, a type every channel has
                seqs[port] += 100  # the hole
                frame = pcapio.tcp_frame("10.0.0.2", "10.0.0.1", 5900, port, seqs[port], 1, msg,
                                         pcapio.TCP_ACK | pcapio.TCP_PSH)
                out.write(frame, ts_sec=int(t), ts_frac=int((t % 1) * 1e6))
                seqs[port] += len(msg)
    return channels * per_channel


def test_page_bounded_on_many_losses(browser, work, run):
    """20,000 losses over five lanes: the page stays under 2 MB and loads in under a second, every loss counted in
    the marks, the filter's set covers every frame of a group or says how many it leaves out."""
    cap = os.path.join(work, "many-losses.pcap")
    n = many_losses_capture(cap, per_channel=4000)
    page = os.path.join(work, "many-losses.html")
    code, out, err = run("--json", "--html", page, cap)
    assert code == 1, err
    assert 0 < os.path.getsize(page) < PAGE_LIMIT
    doc = json.loads(out)
    assert doc["findings_total"] >= n - 5  # each flow's first record starts its chain
    errors, fetched = load(browser, page)
    assert errors == [] and fetched == []
    loaded_ms = browser.execute_script("return performance.getEntriesByType('navigation')[0].loadEventEnd;")
    assert 0 < loaded_ms < 1000  # rendered in under a second (measured about 0.3 s on a loaded 2-core machine)
    marks, groups = browser.execute_script(
        "return [Array.from(document.querySelectorAll('svg.timeline .loss')).map(function (m) {"
        "  return +m.getAttribute('data-count'); }),"
        "Array.from(document.querySelectorAll('tr.group')).map(function (g) { var more = g.querySelector('.more');"
        "  return [+g.getAttribute('data-count'), g.getAttribute('data-frames'), more ? more.textContent : ''];"
        "})];")
    assert len(marks) <= 5 * 200 and sum(marks) == doc["findings_total"]
    assert groups
    for count, frames, more in groups:
        covered = sum(int(b) - int(a) + 1 if ".." in t else 1
                      for t in frames.split() for a, b in [(t.split("..") + [t])[:2]])
        left = int(more.split()[1]) if more else 0
        assert covered + left == count


def fake_png(width, height, size):
    """A PNG's signature and IHDR claiming width x height, padded to size bytes: what the page reads before it embeds."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    head = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return head + b"\0" * (size - len(head))


@pytest.mark.parametrize("case", ["huge-dimensions", "huge-file"])
def test_screenshots_bounded_before_embedding(browser, work, lossy_report, run, case):
    """A 20000x20000 PNG (1.6 GB decoded) or a 64 MiB one is not embedded: the page says it left it out and why."""
    shot = fake_png(20000, 20000, 2 << 20) if case == "huge-dimensions" else fake_png(1920, 1080, 64 << 20)
    z = rr.rewrite(lossy_report, os.path.join(work, "shot-%s.zip" % case), {"screenshot.png": shot})
    page = os.path.join(work, "shot-%s.html" % case)
    code, out, err = run("--html", page, z)
    assert code == 1, err
    assert os.path.getsize(page) < PAGE_LIMIT
    load(browser, page)
    assert [i.get_attribute("data-member") for i in browser.find_elements(By.CSS_SELECTOR, "img.screenshot")] == \
        ["screenshot-region.png"]
    note = browser.find_element(By.CSS_SELECTOR, 'p.left-out[data-member="screenshot.png"]')
    assert note.is_displayed() and ("20000x20000" in note.text if case == "huge-dimensions" else "1920x1080" in note.text)
    assert "left out" in note.text and ("megapixels" in note.text if case == "huge-dimensions" else "KiB" in note.text)


# --- the page's numbers are --json's -------------------------------------------

def test_page_numbers_equal_json(browser, lossy_page, lossy_report, report):
    """Every number the page gives (verdict, files, per-file findings, per-kind counts, lanes, trigger, marks) is the
    one --json gives."""
    load(browser, lossy_page)
    code, doc, err = report(lossy_report)
    h1 = browser.find_element(By.CSS_SELECTOR, "h1.verdict")
    assert int(h1.get_attribute("data-findings")) == doc["findings_total"]
    assert int(h1.get_attribute("data-files")) == len(doc["files"])
    assert h1.get_attribute("data-result") == doc["result"]
    sections = {s.get_attribute("data-path"): int(s.get_attribute("data-findings"))
                for s in browser.find_elements(By.CSS_SELECTOR, "section.file")}
    assert sections == {f["path"]: sum(1 for x in doc["findings"] if x["file"] == f["path"]) for f in doc["files"]}
    kinds = {a.get_attribute("data-kind"): int(a.get_attribute("data-count"))
             for a in browser.find_elements(By.CSS_SELECTOR, "a.kind")}
    want = {}
    for x in doc["findings"]:
        want[x["kind"]] = want.get(x["kind"], 0) + 1
    assert kinds == want
    groups = {}
    for g in browser.find_elements(By.CSS_SELECTOR, "tr.group"):
        groups[g.get_attribute("data-kind")] = groups.get(g.get_attribute("data-kind"), 0) + int(g.get_attribute("data-count"))
    assert groups == want
    window = doc["files"][0]["triage"]["window"]
    assert int(browser.find_element(By.CSS_SELECTOR, "line.trigger").get_attribute("data-frame")) == window["trigger_frame"]
    marks = browser.find_elements(By.CSS_SELECTOR, "svg.timeline .loss")
    losses = [x for x in doc["findings"] if x["kind"] in ("gap", "snaplen-loss", "desync", "k2-empty-record")]
    assert sum(int(m.get_attribute("data-count")) for m in marks) == len(losses)
    pre = browser.find_element(By.CSS_SELECTOR, "pre.triage").text
    assert "Go To Packet %d" % window["trigger_frame"] in pre


def test_loss_on_a_channel_without_messages_has_its_lane(browser, work, run):
    """A ring whose main flow holds only the tail of a message cut over the snaplen (no whole message of main):
    its snaplen-loss is drawn on a lane named main, not on a lane of unknown traffic."""
    cap = os.path.join(work, "main-tail.pcap")
    seqs = {10001: 5000, 10002: 9000}
    with pcapio.Writer(cap, snaplen=65535) as out:
        def put(port, payload, t):
            out.write(pcapio.tcp_frame("10.0.0.2", "10.0.0.1", 5900, port, seqs[port], 1, payload,
                                       pcapio.TCP_ACK | pcapio.TCP_PSH), ts_sec=int(t), ts_frac=int(t % 1 * 1e6))
            seqs[port] += len(payload)
        put(10002, struct.pack("<HI", 302, 20) + bytes(20), 0.0)
        put(10001, b"\xab" * 300, 0.5)  # main's only record: no header
        for i in range(100):
            put(10002, struct.pack("<HI", 302, 20) + bytes(20), 1 + i * 0.01)
    page = os.path.join(work, "main-tail.html")
    code, out, err = run("--html", page, cap)
    assert code == 1, err
    load(browser, page)
    svg = browser.find_element(By.CSS_SELECTOR, "svg.timeline")
    mark = svg.find_element(By.CSS_SELECTOR, "line.loss")
    assert (mark.get_attribute("data-channel"), mark.get_attribute("data-frames")) == ("main", "2")
    assert float(mark.get_attribute("x1")) == pytest.approx(x_of(svg, 0.5), abs=1.01)
    labels = [t.text for t in svg.find_elements(By.CSS_SELECTOR, "g.lane text, g.lane-empty text")]
    assert "main" in labels and "other" not in labels and "unknown" not in labels
    lane = svg.find_element(By.CSS_SELECTOR, 'g.lane-empty[data-channel="main"] rect')
    y0 = float(lane.get_attribute("y"))
    assert float(mark.get_attribute("y1")) == y0


def test_pile_of_reports_page_bounded(browser, work, fix, run):
    """50 auto-snapshots (about 2.3 MB of page if each were whole): one --json entry each, and a page under 2 MB whose
    table lists every report and links each to its part, the parts past the bound cut to their heading."""
    pile = os.path.join(work, "many-reports")
    os.makedirs(os.path.join(pile, "auto-snapshots"))
    names = ["auto-snapshots/ryll-auto-snapshot-20260101T000005Z-T+%d.0s.zip" % n for n in range(1, 51)]
    for name in names:
        shutil.copy(fix("ryll/bugreport.zip"), os.path.join(pile, name))
    page = os.path.join(work, "many-reports.html")
    code, out, err = run("--json", "--html", page, pile)
    doc = json.loads(out)
    assert code == 1 and sorted(f["path"] for f in doc["files"]) == sorted(os.path.join(pile, n) for n in names)
    assert os.path.getsize(page) < PAGE_LIMIT
    errors, fetched = load(browser, page)
    assert errors == [] and fetched == []
    links, parts = browser.execute_script(
        "return [Array.from(document.querySelectorAll('table.reports tr.report a'))"
        ".map(function (a) { return [a.textContent, a.getAttribute('href')]; }),"
        "Array.from(document.querySelectorAll('div.part'))"
        ".map(function (p) { return [p.id, p.querySelector('p.left-out') !== null]; })];")
    assert sorted(text for text, href in links) == sorted(os.path.basename(n) for n in names)
    assert {href[1:] for text, href in links} == {pid for pid, cut in parts}
    cut = [pid for pid, is_cut in parts if is_cut]
    assert 0 < len(cut) < len(parts)  # the bound was reached, and said


def test_screenshot_beside_the_timeline_with_region_outlined(browser, lossy_page, lossy_report):
    """The screenshot sits beside the report's timeline (to its right, at its height), and metadata.json's region is
    outlined on it where the region lies in the image's pixels."""
    load(browser, lossy_page)
    rect = lambda el: browser.execute_script("var r = arguments[0].getBoundingClientRect();"
                                             "return [r.left, r.top, r.right, r.bottom];", el)
    img = browser.find_element(By.CSS_SELECTOR, 'img.screenshot[data-member="screenshot.png"]')
    svg = browser.find_element(By.CSS_SELECTOR, "svg.timeline")
    il, it, ir, ib = rect(img)
    sl, st, sr, sb = rect(svg)
    pl, pt, pr, pb = rect(browser.find_element(By.CSS_SELECTOR, "div.beside div.plots"))
    assert il >= sr - 1 and pt <= it < sb  # to the right of the timeline, in its block, not below it
    region = rr.metadata(lossy_report)["region"]
    overlay = browser.find_element(By.CSS_SELECTOR, "svg.region")
    assert overlay.get_dom_attribute("viewBox") == "0 0 48 30"
    box = overlay.find_element(By.CSS_SELECTOR, "rect.region")
    assert [float(box.get_attribute(a)) for a in ("x", "y", "width", "height")] == \
        [region["left"], region["top"], region["right"] - region["left"], region["bottom"] - region["top"]]
    bl, bt, br, bb = rect(box)
    sx, sy = (ir - il) / 48, (ib - it) / 30
    assert bl == pytest.approx(il + region["left"] * sx, abs=2.5) and br == pytest.approx(il + region["right"] * sx, abs=2.5)
    assert bt == pytest.approx(it + region["top"] * sy, abs=2.5) and bb == pytest.approx(it + region["bottom"] * sy, abs=2.5)
    assert box.is_displayed()


def test_channel_state_counters_shown(browser, work, lossy_report, run):
    """channel-state.json's anomaly counters, each with its value and what it means, the non-zero ones in red; each
    failed decode of recent_decodes with a filter for its moment in traffic.pcap; an AutoSnapshot's per channel."""
    state = {"display": {"decode_failed_count": 3, "stream_data_orphan_count": 0, "streams_created_total": 7,
                         "h264_decode_failures": 2, "writer_dropped_count": 1, "image_cache_entries": 12,
                         "recent_decodes": [{"image_type": "Jpeg", "image_id": 42, "success": False,
                                             "timestamp_secs": 1.25},
                                            {"image_type": "Lz", "image_id": 43, "success": True,
                                             "timestamp_secs": 1.5}]},
             "main": {"writer_dropped_count": 0}}
    z = rr.rewrite(lossy_report, os.path.join(work, "state.zip"), {"channel-state.json": json.dumps(state).encode()})
    page = os.path.join(work, "state.html")
    run("--html", page, z)
    load(browser, page)
    rows = {(r.get_attribute("data-channel"), r.get_attribute("data-name")): r
            for r in browser.find_elements(By.CSS_SELECTOR, "table.channel-state tr.counter")}
    want = {(c, k): v for c, snap in state.items() for k, v in snap.items()
            if k != "recent_decodes" and k != "image_cache_entries"}
    assert {k: int(r.get_attribute("data-value")) for k, r in rows.items()} == want
    red = {k for k, r in rows.items() if "bad" in r.get_attribute("class").split()}
    assert red == {("display", "decode_failed_count"), ("display", "h264_decode_failures"),
                   ("display", "writer_dropped_count")}
    assert "could not decode" in rows[("display", "decode_failed_count")].text
    failed = browser.find_elements(By.CSS_SELECTOR, "table.channel-state tr.decode-failed")
    assert len(failed) == 1 and "image 42 (Jpeg)" in failed[0].text and "1.250 s" in failed[0].text
    assert failed[0].find_element(By.CLASS_NAME, "filter").text == "frame.time_epoch >= 1.250000"


def test_marks_link_to_their_findings(browser, lossy_page):
    """Every mark on the timeline is a link to the findings of its kind in the same file's table."""
    load(browser, lossy_page)
    found = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg.timeline .loss, svg.timeline .differs')).map(function (m) {"
        "  var a = m.closest('a'), href = a ? a.getAttribute('href') : null;"
        "  var row = href ? document.getElementById(href.slice(1)) : null;"
        "  var section = m.closest('section.file');"
        "  return [m.getAttribute('data-kinds').split(' ')[0], row ? row.getAttribute('data-kind') : null,"
        "          row !== null && section.contains(row)]; });")
    assert found and all(kind == row_kind and inside for kind, row_kind, inside in found), found
