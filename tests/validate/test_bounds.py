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

Each check is a test named after its capture and what it checks, e.g.
python3 -m pytest tests/validate/test_bounds.py -k million-flows.pcap
(a capture is generated and validated once for all of its checks)."""
import json
import os
import subprocess
import tempfile

import pytest

import hostile_inputs as H

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
TITLES = {name: title for title, name, _ in CASES}


def _extra_checks(name):
    if name.startswith("million-flows"):
        return ["unfollowed frames", "window limit noted"]
    return {"findings.pcap": ["findings kept"], "gaps.pcap": ["gap details short"],
            "notes.pcap": ["notes kept"], "held.pcap": ["held-bytes limit noted"]}.get(name, [])


# Every check of every capture, in order, so that a capture's checks follow each other.
CHECKS = [pytest.param(name, check, id="%s-%s" % (name, check.replace(" ", "-")))
          for _, name, _ in CASES for check in ["report", "peak RSS"] + _extra_checks(name)]


@pytest.fixture(scope="module")
def facts(source_dir):
    return H.load_facts(source_dir)


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


class Outcomes:
    """Each capture generated, validated by every binary and deleted once;
    the latest one kept for the checks that follow it. The unsanitized
    validator's figures are printed at the end."""

    def __init__(self, plain, validate, work):
        self.plain, self.work = plain, work
        self.binaries = [("measured", plain)] + ([] if plain == validate else [("sanitized", validate)])
        self.latest = None
        self.figures = []

    def __call__(self, name):
        if self.latest is None or self.latest[0] != name:
            self.latest = None
            path = os.path.join(self.work, name)
            kind, frame = {n: write for _, n, write in CASES}[name](path)
            size = os.path.getsize(path)
            runs = [(label, run(binary, path)) for label, binary in self.binaries]
            os.unlink(path)
            self.figures.append((TITLES[name], size, runs[0][1][3]))
            self.latest = (name, {"path": path, "kind": kind, "frame": frame, "runs": runs})
        return self.latest[1]


@pytest.fixture(scope="module")
def outcomes(request, facts, plain_validator, validate_bin, tmp_path_factory):
    found = Outcomes(plain_validator, validate_bin, str(tmp_path_factory.mktemp("bounds")))
    yield found
    if found.figures:  # printed at the end of the run (conftest.py, pytest_terminal_summary)
        request.config.spicecap_summary = ["peak RSS of the unsanitized validator (bound %d MiB):" % (
            facts["VALIDATE_PEAK_RSS_BOUND_MIB"])] + ["  %-58s %10d bytes  %7.1f MiB" % (title, size, rss / 1024)
                                                     for title, size, rss in found.figures]


def _reports(outcome):
    """[(label, code, report, stderr)] of every binary; fails when one wrote no JSON report."""
    reports = []
    for label, (code, report, errors, _) in outcome["runs"]:
        assert report is not None, "%s: exit %d, no JSON report: %s" % (label, code, errors[-2000:])
        reports.append((label, code, report, errors))
    return reports


@pytest.mark.parametrize("name,check", CHECKS)
def test_bounds(outcomes, facts, name, check):
    outcome = outcomes(name)
    kind, frame = outcome["kind"], outcome["frame"]
    if check == "peak RSS":
        rss = outcome["runs"][0][1][3]
        bound_kib = facts["VALIDATE_PEAK_RSS_BOUND_MIB"] * 1024
        assert rss < bound_kib, "%s: peak RSS %.1f MiB, bound %d MiB" % (TITLES[name], rss / 1024, bound_kib // 1024)
        return
    for label, code, report, errors in _reports(outcome):
        title = "%s (%s)" % (TITLES[name], label)
        if check == "report" and kind == "refused":
            # Refused before it is read (validate/zip_check.c): exit 2, the reason said, no file reported.
            assert code == 2 and ("refused: " in errors and frame in errors) and not report["files"], \
                "%s: want exit 2 refusing it (%s); exit %d, stderr %s" % (title, frame, code, errors[-500:])
        elif check == "report" and kind is None:
            assert code == 0 and report["findings_total"] == 0, "%s: want exit 0, no finding; exit %d, findings %s, " \
                "stderr %s" % (title, code, report["findings"][:3], errors[-500:])
        elif check == "report":
            found = [f for f in report["findings"] if f["kind"] == kind]
            named = [f for f in found if f["file"] == outcome["path"] and (frame is None or f["frame"] == frame)]
            assert code == 1 and named, "%s: want exit 1 with a %s finding naming the file%s; exit %d, findings %s, " \
                "stderr %s" % (title, kind, "" if frame is None else " and frame %d" % frame, code,
                               report["findings"][:3], errors[-500:])
        elif check == "unfollowed frames":
            files = report["files"][0]
            assert files["unfollowed_frames"] == 1000000 - facts["VALIDATE_MAX_FLOWS"], (
                "%s: %d frames counted but not followed" % (title, files["unfollowed_frames"]))
        elif check == "window limit noted":
            notes = report["files"][0]["notes"]
            assert any(n.startswith("window limit reached") for n in notes), (title, notes[:3])
        elif check == "findings kept":
            assert report["findings_total"] == 1000000 and len(report["findings"]) == facts["FINDINGS_KEPT"], (
                title, report["findings_total"], len(report["findings"]))
        elif check == "gap details short":
            longest = max(len(f["detail"]) for f in report["findings"])
            assert longest < 300 and report["findings_total"] > 400000, (
                "%s: %d counted, longest detail %d characters" % (title, report["findings_total"], longest))
        elif check == "notes kept":
            notes = report["files"][0]["notes"]
            assert len(notes) == facts["VALIDATE_MAX_NOTES"], (title, len(notes))
        elif check == "held-bytes limit noted":
            notes = report["files"][0]["notes"]
            assert any(n.startswith("held-bytes limit reached") for n in notes), (title, notes[:3])
        else:
            pytest.fail("no such check: %s" % check)
