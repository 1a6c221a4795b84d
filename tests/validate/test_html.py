"""spicecap-validate --html, in a real browser (Debian's chromium, headless,
driven by selenium through chromedriver): the page loads with no console
error and no network request; its timeline has a lane per channel, a loss
mark at each lost record's time naming its frame, the trigger line and its
shaded window where the pcap's own timestamps put them (computed here with
pcapio, ryll_report.py); the screenshots render; a 500 MB capture's page is
under 2 MB; the page is written whole or not at all. Run by ctest
(validate_html); by hand: python3 -m pytest tests/validate/test_html.py -k marks"""
import json
import os
import shutil
import subprocess
import tempfile

import pytest

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
            if u != url and not u.startswith("data:"):
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
