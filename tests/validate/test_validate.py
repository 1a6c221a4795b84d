"""spicecap-validate against the fixture corpus, converted copies of it, and
bad input. Run by ctest (validate_fixtures_faults_and_bad_input); one check
by hand, e.g.: python3 -m pytest tests/validate/test_validate.py -k k2"""
import gzip
import json
import os
import shutil
import subprocess
import zipfile

import pytest

import pcapio

FAULT_FINDING = {"k2": "k2-empty-record", "drop-segment": "gap", "duplicate-segment": "duplicate",
                 "reorder-segments": "out-of-order", "bad-checksum": "bad-tcp-checksum",
                 "truncate-file": "truncated-file", "lying-size": "size-mismatch"}

CLEAN = [("clean/%s.pcap" % n, "clean/%s.json" % n) for n in
         ("desktop", "video", "seq-wrap", "ring", "display-ring-ryll")]
CLEAN += [("live", "live/manifest.json"), ("bugreport/bugreport.zip", "bugreport/manifest.json"),
          ("ref/ryll-display-sample.pcap", "ref/ryll-display-sample.json")]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return str(tmp_path_factory.mktemp("validate"))


@pytest.mark.parametrize("capture,manifest", CLEAN, ids=[c for c, _ in CLEAN])
def test_clean_matches_manifest(report, fix, capture, manifest):
    """Clean captures with their manifests: exit 0, nothing found."""
    code, rep, err = report("--manifest", fix(manifest), fix(capture))
    assert code == 0 and rep and rep["findings_total"] == 0, "exit %d %s %s" % (
        code, err, rep and rep["findings"][:3])


def test_ryll_sample_read_whole(report, fix):
    """ryll sample: 60 display messages, 7 over several segments, largest 299325
    (ryll's 65549-byte records under a 65535 snaplen are read whole)."""
    code, rep, _ = report(fix("ref/ryll-display-sample.pcap"))
    display = rep["files"][0]["channels"]["display"]
    assert display == {"messages": 60, "bytes": 1718623, "largest": 299325, "multi_segment": 7}, display


def test_real_capture(report, fix):
    """real capture: clean, four channels framed, retransmissions counted not reported
    (the link stage skipped, TCP behaviour not a finding)."""
    code, rep, _ = report(fix("ref/qemu-kernel-nocompress.pcapng.gz"))
    channels = rep["files"][0]["channels"]
    assert (code == 0 and set(channels) == {"main", "display", "inputs", "cursor"} and
            rep["files"][0]["retransmissions"] == 2 and channels["display"]["messages"] > 20000), (
        code, channels, rep["findings"][:3])


@pytest.mark.parametrize("fault", list(FAULT_FINDING))
def test_fault(report, fix, fault):
    """Every fault: exit 1, exactly its finding kind, at the frame its manifest names."""
    kind = FAULT_FINDING[fault]
    capture = fix("faults/%s.pcap" % fault)
    manifest = json.load(open(fix("faults/%s.json" % fault)))
    code, rep, _ = report(capture)
    found = [(f["kind"], f["frame"]) for f in rep["findings"]]
    want = [(kind, f["frame"]) for f in manifest["faults"]]
    assert code == 1 and found == want, "exit %d found %s, want %s" % (code, found, want)


@pytest.mark.parametrize("fault", list(FAULT_FINDING))
def test_fault_with_manifest(report, fix, fault):
    """A fault with its manifest: exit 1, its finding kind among the findings."""
    kind = FAULT_FINDING[fault]
    code, rep, _ = report("--manifest", fix("faults/%s.json" % fault), fix("faults/%s.pcap" % fault))
    assert code == 1 and any(f["kind"] == kind for f in rep["findings"]), code


def test_ryll_k2_sample(report, fix):
    """The K2 sample from ryll's pre-fix ring: 7 empty records found, each located, only those."""
    code, rep, _ = report(fix("ref/ryll-display-k2.pcap"))
    k2 = [f for f in rep["findings"] if f["kind"] == "k2-empty-record"]
    assert (code == 1 and len(k2) == 7 == rep["findings_total"] and
            [f["frame"] for f in k2] == [1, 8, 15, 22, 29, 43, 50]), [f["frame"] for f in k2]


def test_progress_bar_on_terminal_only(run, validate_bin, fix):
    """A progress bar on a terminal, nothing on a pipe."""
    code, out, err = run(fix("clean/desktop.pcap"))
    tty = subprocess.run(["script", "-qec", "%s %s >/dev/null" % (validate_bin, fix("clean/desktop.pcap")),
                          "/dev/null"], capture_output=True, text=True)
    assert err == "" and "100%" in tty.stdout, (err, tty.stdout[-200:])


def test_manifest_mismatch(report, fix):
    """A manifest that does not describe the capture is caught."""
    code, rep, _ = report("--manifest", fix("clean/video.json"), fix("clean/desktop.pcap"))
    assert code == 1 and rep["findings_total"] > 0 and all(
        f["kind"].startswith("manifest-") for f in rep["findings"]), code


@pytest.fixture(scope="module")
def variants(fix, work):
    """The same capture in other containers: pcapng, nanoseconds, gzip, a zip."""
    desktop = fix("clean/desktop.pcap")
    variants = {}
    for name, fmt in (("desktop.pcapng", "pcapng"), ("desktop-ns.pcap", "nsecpcap")):
        out = os.path.join(work, name)
        subprocess.run(["editcap", "-F", fmt, desktop, out], check=True)
        variants[name] = out
    with open(desktop, "rb") as src, gzip.open(os.path.join(work, "desktop.pcap.gz"), "wb") as dst:
        shutil.copyfileobj(src, dst)
    variants["desktop.pcap.gz"] = os.path.join(work, "desktop.pcap.gz")
    with open(variants["desktop.pcapng"], "rb") as src, gzip.open(os.path.join(work, "desktop.pcapng.gz"), "wb") as dst:
        shutil.copyfileobj(src, dst)
    variants["desktop.pcapng.gz"] = os.path.join(work, "desktop.pcapng.gz")
    with zipfile.ZipFile(os.path.join(work, "report.zip"), "w") as z:
        z.write(desktop, "traffic.pcap")
        z.writestr("metadata.json", "{}")
    variants["report.zip"] = os.path.join(work, "report.zip")
    return variants


VARIANTS = ["desktop.pcapng", "desktop-ns.pcap", "desktop.pcap.gz", "desktop.pcapng.gz", "report.zip"]


@pytest.mark.parametrize("name", VARIANTS)
def test_container_variant(report, fix, variants, name):
    """Each container reads as the same clean capture."""
    assert sorted(variants) == sorted(VARIANTS)
    code, rep, err = report("--manifest", fix("clean/desktop.json"), variants[name])
    assert code == 0 and rep["findings_total"] == 0, (code, err)


def test_several_inputs_at_once(report, variants):
    code, rep, _ = report(*variants.values())
    assert code == 0 and len(rep["files"]) == len(variants), code


def test_junit(run, fix, work):
    """--junit writes a failing test case for the gap (JUnit for CI)."""
    junit = os.path.join(work, "junit.xml")
    code, out, err = run("--junit", junit, fix("faults/drop-segment.pcap"))
    text = open(junit).read() if os.path.exists(junit) else ""
    assert code == 1 and 'failures="1"' in text and '<failure message="gap">' in text, text[:300]


# Bad input: exit 2 with the file named, or a finding, never a crash.
# (name, file name, how it is written, exit status, finding kind)
def _first_record(desktop):
    """The first whole record of a capture, as its bytes."""
    cap = pcapio.read_pcap_file(desktop)
    return cap.record_bytes(cap.records[0])


BAD_INPUTS = [
    ("missing file", "nope.pcap", None, 2, None),
    ("empty file", "empty.pcap", lambda d: b"", 2, None),
    ("bad magic", "magic.pcap", lambda d: b"GIF89a" + b"\0" * 40, 2, None),
    ("header cut short", "short.pcap", lambda d: pcapio.file_header()[:10], 2, None),
    ("zip without a pcap", "nopcap.zip", "zip", 2, None),
    ("directory without captures", "emptydir", "dir", 2, None),
    ("absurd caplen", "absurd.pcap", lambda d: pcapio.file_header() + pcapio.record(b"", caplen=0x7FFFFFFF,
                                                                                     origlen=60), 1, "corrupt-file"),
    ("record cut short", "cut.pcap", lambda d: pcapio.file_header() + _first_record(d)[:40], 1, "truncated-file"),
    ("header only", "headeronly.pcap", lambda d: pcapio.file_header(), 0, None),
    ("unknown link type", "linktype.pcap", lambda d: pcapio.file_header(linktype=147) + _first_record(d), 0, None),
    ("pcapng block length lies", "lying.pcapng",
     lambda d: pcapio.pcapng_shb() + pcapio.pcapng_block_header(pcapio.PCAPNG_EPB, 1 << 30) + bytes(4),
     1, "corrupt-file"),
]


@pytest.mark.parametrize("name,filename,write,want,kind", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input(run, fix, work, name, filename, write, want, kind):
    path = os.path.join(work, filename)
    if write == "zip":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("metadata.json", "{}")
    elif write == "dir":
        os.makedirs(path, exist_ok=True)
    elif write is not None:
        with open(path, "wb") as f:
            f.write(write(fix("clean/desktop.pcap")))
    code, out, err = run("--json", path)
    named = os.path.basename(path) in err if want == 2 else True
    kinds = [f["kind"] for f in json.loads(out)["findings"]] if out.strip() else []
    assert code == want and named and (kind is None or kind in kinds) and "Sanitizer" not in err, (
        "want exit %d%s; exit %d stderr %s findings %s" % (
            want, " (%s)" % kind if kind else "", code, err.strip()[:200], kinds))


def test_unreadable_manifest(run, fix, work):
    """An unreadable manifest gives exit 2, naming it."""
    bad = os.path.join(work, "bad.json")
    with open(bad, "wb") as f:
        f.write(b"{not json")
    code, out, err = run("--manifest", bad, fix("clean/desktop.pcap"))
    assert code == 2 and "bad.json" in err, (code, err)
