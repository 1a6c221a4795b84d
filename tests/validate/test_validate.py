#!/usr/bin/env python3
"""spicecap-validate against the fixture corpus, converted copies of it, and
bad input. Usage: test_validate.py SPICECAP_VALIDATE SOURCE_DIR"""
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from results import Results  # noqa: E402

VALIDATE, SRC = sys.argv[1], sys.argv[2]
FIX = os.path.join(SRC, "fixtures")
results = Results()
check = results.check

FAULT_FINDING = {"k2": "k2-empty-record", "drop-segment": "gap", "duplicate-segment": "duplicate",
                 "reorder-segments": "out-of-order", "bad-checksum": "bad-tcp-checksum",
                 "truncate-file": "truncated-file", "lying-size": "size-mismatch"}


def run(*args):
    p = subprocess.run([VALIDATE, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def report(*args):
    code, out, err = run("--json", *args)
    try:
        return code, json.loads(out), err
    except ValueError:
        return code, None, err


# Clean captures with their manifests: exit 0, nothing found.
clean = [("clean/%s.pcap" % n, "clean/%s.json" % n) for n in
         ("desktop", "video", "seq-wrap", "ring", "display-ring-ryll")]
clean += [("live", "live/manifest.json"), ("bugreport/bugreport.zip", "bugreport/manifest.json"),
          ("ref/ryll-display-sample.pcap", "ref/ryll-display-sample.json")]
for capture, manifest in clean:
    code, rep, err = report("--manifest", os.path.join(FIX, manifest), os.path.join(FIX, capture))
    check("clean %s matches its manifest" % capture, code == 0 and rep and rep["findings_total"] == 0,
          "exit %d %s %s" % (code, err, rep and rep["findings"][:3]))

# ryll's 65549-byte records under a 65535 snaplen are read whole.
code, rep, _ = report(os.path.join(FIX, "ref/ryll-display-sample.pcap"))
display = rep["files"][0]["channels"]["display"]
check("ryll sample: 60 display messages, 7 over several segments, largest 299325",
      display == {"messages": 60, "bytes": 1718623, "largest": 299325, "multi_segment": 7}, display)

# The real capture: link stage skipped, every channel framed, TCP behaviour not a finding.
code, rep, _ = report(os.path.join(FIX, "ref/qemu-kernel-nocompress.pcapng.gz"))
channels = rep["files"][0]["channels"]
check("real capture: clean, four channels framed, retransmissions counted not reported",
      code == 0 and set(channels) == {"main", "display", "inputs", "cursor"} and
      rep["files"][0]["retransmissions"] == 2 and channels["display"]["messages"] > 20000,
      (code, channels, rep["findings"][:3]))

# Every fault: exit 1, exactly its finding kind, at the frame its manifest names.
for fault, kind in FAULT_FINDING.items():
    capture = os.path.join(FIX, "faults", fault + ".pcap")
    manifest = json.load(open(os.path.join(FIX, "faults", fault + ".json")))
    code, rep, _ = report(capture)
    found = [(f["kind"], f["frame"]) for f in rep["findings"]]
    want = [(kind, f["frame"]) for f in manifest["faults"]]
    check("fault %s: exit 1 and %s at frame %s" % (fault, kind, [w[1] for w in want]),
          code == 1 and found == want, "exit %d found %s" % (code, found))
    code, rep, _ = report("--manifest", os.path.join(FIX, "faults", fault + ".json"), capture)
    check("fault %s with its manifest: exit 1" % fault, code == 1 and any(
        f["kind"] == kind for f in rep["findings"]), code)

# The K2 sample from ryll's pre-fix ring: 7 messages dropped, each located.
code, rep, _ = report(os.path.join(FIX, "ref/ryll-display-k2.pcap"))
k2 = [f for f in rep["findings"] if f["kind"] == "k2-empty-record"]
check("ryll K2 sample: 7 empty records found, only those", code == 1 and len(k2) == 7 == rep["findings_total"] and
      [f["frame"] for f in k2] == [1, 8, 15, 22, 29, 43, 50], [f["frame"] for f in k2])

# A progress bar on a terminal, nothing on a pipe.
code, out, err = run(os.path.join(FIX, "clean/desktop.pcap"))
tty = subprocess.run(["script", "-qec", "%s %s >/dev/null" % (VALIDATE, os.path.join(FIX, "clean/desktop.pcap")),
                      "/dev/null"], capture_output=True, text=True)
check("progress bar on a terminal only", err == "" and "100%" in tty.stdout, (err, tty.stdout[-200:]))

# A manifest that does not describe the capture is caught.
code, rep, _ = report("--manifest", os.path.join(FIX, "clean/video.json"), os.path.join(FIX, "clean/desktop.pcap"))
check("manifest mismatch is caught", code == 1 and rep["findings_total"] > 0 and all(
    f["kind"].startswith("manifest-") for f in rep["findings"]), code)

work = tempfile.mkdtemp()
try:
    # The same capture in other containers: pcapng, nanoseconds, gzip, a zip.
    desktop = os.path.join(FIX, "clean/desktop.pcap")
    manifest = os.path.join(FIX, "clean/desktop.json")
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
    for name, path in variants.items():
        code, rep, err = report("--manifest", manifest, path)
        check("%s reads as the same clean capture" % name, code == 0 and rep["findings_total"] == 0, (code, err))
    code, rep, _ = report(*variants.values())
    check("several inputs at once", code == 0 and len(rep["files"]) == len(variants), code)

    # JUnit for CI.
    junit = os.path.join(work, "junit.xml")
    code, out, err = run("--junit", junit, os.path.join(FIX, "faults/drop-segment.pcap"))
    text = open(junit).read() if os.path.exists(junit) else ""
    check("--junit writes a failing test case for the gap", code == 1 and 'failures="1"' in text and
          '<failure message="gap">' in text, text[:300])

    # Bad input: exit 2 with the file named, or a finding, never a crash.
    def write(name, data):
        path = os.path.join(work, name)
        open(path, "wb").write(data)
        return path

    header_le = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
    raw = open(desktop, "rb").read()
    first_caplen = struct.unpack("<I", raw[32:36])[0]
    frame = raw[24:24 + 16 + first_caplen]  # the first whole record
    cases = [
        ("missing file", os.path.join(work, "nope.pcap"), 2, None),
        ("empty file", write("empty.pcap", b""), 2, None),
        ("bad magic", write("magic.pcap", b"GIF89a" + b"\0" * 40), 2, None),
        ("header cut short", write("short.pcap", header_le[:10]), 2, None),
        ("zip without a pcap", os.path.join(work, "nopcap.zip"), 2, None),
        ("directory without captures", work + "/emptydir", 2, None),
        ("absurd caplen", write("absurd.pcap", header_le + struct.pack("<IIII", 0, 0, 0x7FFFFFFF, 60)), 1,
         "corrupt-file"),
        ("record cut short", write("cut.pcap", header_le + frame[:40]), 1, "truncated-file"),
        ("header only", write("headeronly.pcap", header_le), 0, None),
        ("unknown link type", write("linktype.pcap", header_le[:20] + struct.pack("<I", 147) + frame), 0, None),
        ("pcapng block length lies", write("lying.pcapng", struct.pack("<IIIHHqI", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1,
                                                                       0, -1, 28) + struct.pack("<III", 6, 1 << 30, 0)),
         1, "corrupt-file"),
    ]
    with zipfile.ZipFile(os.path.join(work, "nopcap.zip"), "w") as z:
        z.writestr("metadata.json", "{}")
    os.mkdir(work + "/emptydir")
    for name, path, want, kind in cases:
        code, out, err = run("--json", path)
        named = os.path.basename(path) in err if want == 2 else True
        kinds = [f["kind"] for f in json.loads(out)["findings"]] if out.strip() else []
        ok = code == want and named and (kind is None or kind in kinds) and "Sanitizer" not in err
        check("bad input: %s gives exit %d%s" % (name, want, " (%s)" % kind if kind else ""), ok,
              "exit %d stderr %s findings %s" % (code, err.strip()[:200], kinds))
    code, out, err = run("--manifest", write("bad.json", b"{not json"), desktop)
    check("unreadable manifest gives exit 2", code == 2 and "bad.json" in err, (code, err))
finally:
    shutil.rmtree(work)

sys.exit(results.finish())
