#!/usr/bin/env python3
"""The validator's memory stays bounded on hostile input: each capture of
hostile_inputs.py is generated here, validated, and must (1) exit with the
documented status, (2) report what happened as a finding naming the file and
the frame, and (3) peak below VALIDATE_PEAK_RSS_BOUND_MIB of resident memory
(validate/validate_limits.h, docs/validate.md).

Peak RSS is measured on an unsanitized build: ASan's shadow memory and
quarantine would measure ASan, not the validator. When the build under test
is sanitized (--plain-build DIR), a Release build of spicecap-validate is
made in DIR for the measurement, and the sanitized binary still runs every
input for the report checks (and for ASan/UBSan to see each one).

Usage: test_bounds.py SPICECAP_VALIDATE SOURCE_DIR [--plain-build DIR]"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile_inputs as H  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from results import Results  # noqa: E402

VALIDATE, SRC = sys.argv[1], sys.argv[2]
F = H.load_facts(SRC)
BOUND_KIB = F["VALIDATE_PEAK_RSS_BOUND_MIB"] * 1024
results = Results()
check = results.check




def plain_validator():
    if "--plain-build" not in sys.argv:
        return VALIDATE
    build = sys.argv[sys.argv.index("--plain-build") + 1]
    for cmd in (["cmake", "-S", SRC, "-B", build, "-DCMAKE_BUILD_TYPE=Release"],
                ["cmake", "--build", build, "--target", "spicecap-validate", "-j2"]):
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            print("cannot build the unsanitized validator:", " ".join(cmd), done.stdout[-2000:], done.stderr[-2000:])
            sys.exit(1)
    return os.path.join(build, "validate", "spicecap-validate")


def run(binary, path):
    """Exit status, the JSON report and the peak RSS in KiB of one run.
    /usr/bin/time measures it: a child forked from this (large) Python
    would inherit its high-water mark across exec and report that."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as peak:
        code = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", peak.name, binary, "--json", path],
                              stdout=out, stderr=err).returncode
        out.seek(0)
        text, errors = out.read().decode(), open(err.name).read()
        rss = int(peak.read().split()[-1])
    try:
        report = json.loads(text)
    except ValueError:
        report = None
    return code, report, errors, rss


CASES = [
    ("a million flows", "million-flows.pcap", H.million_flows),
    ("a million findings", "findings.pcap", H.findings_flood),
    ("half a million gaps, each cutting a message", "gaps.pcap", H.gap_flood),
    ("64 MiB held ahead of holes in 64 flows", "held.pcap", H.held_flood),
    ("a pcap record caplen of 4 GiB", "caplen-4g.pcap", H.caplen_4g),
    ("a pcap record at CAPTURE_MAX_CAPLEN, cut short", "caplen-max.pcap", H.caplen_at_limit),
    ("a whole record of CAPTURE_MAX_CAPLEN bytes", "caplen-max-whole.pcap", H.caplen_max_whole),
    ("a SPICE size field of 4 GiB", "spice-4g.pcap", H.spice_size_4g),
    ("a SPICE size field of 256 MiB, body missing", "spice-256m.pcap", H.spice_size_sane_but_missing),
    ("a zip entry claiming 4 GiB uncompressed", "uncompressed-4g.zip", H.zip_uncompressed_4g),
    ("a zip entry claiming more compressed bytes than the file", "compressed-past.zip", H.zip_compressed_past_file),
    ("a pcapng block length of 2 GiB", "block-2g.pcapng", H.pcapng_length_huge),
    ("a pcapng block length past the end", "block-past.pcapng", H.pcapng_length_past_end),
    ("a pcapng block whose trailing length lies", "trailer.pcapng", H.pcapng_trailer_lies),
    ("a pcapng packet caplen of 4 GiB", "epb-4g.pcapng", H.pcapng_caplen_4g),
    ("a million distinct notes", "notes.pcap", H.distinct_notes),
    ("every limit at once", "all-limits.pcap", H.every_limit_at_once),
    ("a million flows, gzip", "million-flows.pcap.gz", lambda p: H.gzip_of(p, H.million_flows)),
]

plain = plain_validator()
binaries = [plain] if plain == VALIDATE else [plain, VALIDATE]
work = tempfile.mkdtemp()
figures = []
try:
    for title, name, write in CASES:
        path = os.path.join(work, name)
        kind, frame = write(path)
        size = os.path.getsize(path)
        for binary in binaries:
            code, report, errors, rss = run(binary, path)
            label = "%s (%s)" % (title, "sanitized" if binary != plain else "measured")
            if report is None:
                check(label, False, "exit %d, no JSON report: %s" % (code, errors[-2000:]))
                continue
            if kind is None:
                check("%s: exit 0, no finding" % label, code == 0 and report["findings_total"] == 0,
                      "exit %d, findings %s, stderr %s" % (code, report["findings"][:3], errors[-500:]))
            else:
                found = [f for f in report["findings"] if f["kind"] == kind]
                named = [f for f in found if f["file"] == path and (frame is None or f["frame"] == frame)]
                check("%s: exit 1 with a %s finding naming the file%s" % (
                      label, kind, "" if frame is None else " and frame %d" % frame), code == 1 and named,
                      "exit %d, findings %s, stderr %s" % (code, report["findings"][:3], errors[-500:]))
            if binary == plain:
                figures.append((title, size, rss))
                check("%s: peak RSS %.1f MiB under %d MiB" % (label, rss / 1024, BOUND_KIB // 1024),
                      rss < BOUND_KIB)
            if name.startswith("million-flows"):
                files = report["files"][0]
                check("%s: %d frames counted but not followed" % (label, files["unfollowed_frames"]),
                      files["unfollowed_frames"] == 1000000 - F["VALIDATE_MAX_FLOWS"])
                check("%s: the window limit is noted" % label,
                      any(n.startswith("window limit reached") for n in files["notes"]), files["notes"][:3])
            if name == "findings.pcap":
                check("%s: all counted, %d kept" % (label, F["FINDINGS_KEPT"]),
                      report["findings_total"] == 1000000 and len(report["findings"]) == F["FINDINGS_KEPT"],
                      report["findings_total"])
            if name == "gaps.pcap":
                longest = max(len(f["detail"]) for f in report["findings"])
                check("%s: %d counted, no detail longer than 300 characters (%d)" % (
                      label, report["findings_total"], longest), longest < 300 and report["findings_total"] > 400000)
            if name == "notes.pcap":
                check("%s: %d notes kept" % (label, F["VALIDATE_MAX_NOTES"]),
                      len(report["files"][0]["notes"]) == F["VALIDATE_MAX_NOTES"], len(report["files"][0]["notes"]))
            if name == "held.pcap":
                check("%s: the held-bytes limit is noted" % label,
                      any(n.startswith("held-bytes limit reached") for n in report["files"][0]["notes"]),
                      report["files"][0]["notes"][:3])
        os.unlink(path)
finally:
    for leftover in os.listdir(work):
        os.unlink(os.path.join(work, leftover))
    os.rmdir(work)

print("\npeak RSS of the unsanitized validator (bound %d MiB):" % (BOUND_KIB // 1024))
for title, size, rss in figures:
    print("  %-58s %10d bytes  %7.1f MiB" % (title, size, rss / 1024))
sys.exit(results.finish())
