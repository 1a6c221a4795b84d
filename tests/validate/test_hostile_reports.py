"""Hostile bug reports through every tool (issue 25): each class of
hostile_inputs.REPORT_CASES is built from a report spicecap-synth wrote, then
read by spicecap-validate (text, --json, --html) and by tshark -r, capinfos
and editcap with both plugins, as a plain user (scripts/tshark-with-plugin.sh).

Every tool must end with a documented exit status, never a signal or a
sanitizer report; the validator (this build, sanitized: an upper bound of
the unsanitized one) must peak under VALIDATE_PEAK_RSS_BOUND_MIB; --json must
parse strictly; and a zip that two readers could read two ways must be
refused by both tools with the same words (validate/zip_check.c's), which
name the class. The bounds in those words come from the C headers
(report_bounds.h), not from the tools' output.

  python3 -m pytest tests/validate/test_hostile_reports.py -k second-end-record
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

import pytest

import hostile_inputs as H
import pcapio
from c_facts import c_defines

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "plugin"))
from tshark_env import Tshark  # noqa: E402

SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:")
IDS = [case_id for case_id, _, _ in H.REPORT_CASES]


@pytest.fixture(scope="module")
def bounds(source_dir):
    H.load_facts(source_dir)
    return c_defines(os.path.join(source_dir, "validate", "report_bounds.h"),
                     os.path.join(source_dir, "validate", "validate_limits.h"),
                     os.path.join(source_dir, "validate", "metadata.h"))


@pytest.fixture(scope="module")
def rt(tshark_bin, plugin_so, report_plugin_so, wireshark_version):
    """tshark, capinfos and editcap with both plugins, as a plain user."""
    tshark = Tshark(tshark_bin, plugin_so, wireshark_version, wiretaps=[report_plugin_so])
    yield tshark
    tshark.close()


@pytest.fixture(scope="module")
def items(synth_bin, tmp_path_factory):
    """The members of a Display report as the generator writes it."""
    path = str(tmp_path_factory.mktemp("base") / "report.zip")
    subprocess.run([synth_bin, "--scenario", "desktop", "--seed", "3", "--bugreport", path, "--report-type", "display"],
                   check=True, capture_output=True)
    with zipfile.ZipFile(path) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def what_each_says(case_id, b):
    """(words in the validator's output, words in capinfos' output): what
    each tool says of a class refused or noted by one tool's own reader."""
    deep = "nested deeper than %d levels" % b["REPORT_JSON_MAX_DEPTH"]
    values = "more than %d values" % b["REPORT_JSON_MAX_VALUES"]
    member = case_id[len("deep-"):] if case_id.startswith("deep-") else None
    if case_id == "deep-metadata.json":
        return deep, deep
    if member in ("session.json", "disconnect-cause.json"):  # the members the plugin reads besides metadata.json
        return deep, "%s not read: %s" % (member, deep)
    if member:
        return deep, None
    held = "session.json is %d bytes, past the %d bytes this reader holds" % (4 << 20, b["METADATA_MAX_BYTES"])
    return {"five-4MiB-members": (values, "session.json not read: " + held),
            "three-1MiB-members": (values, "session.json not read: " + values),
            "member-inflates-past": ("session.json inflates past", "session.json not read: session.json inflates "
                                     "past"),
            "report.zip.gz": ("gunzip it first", "gunzip it first")}.get(case_id, (None, None))


def run_validator(validate_bin, path, *args):
    """(exit status, stdout, stderr, peak RSS in KiB) of one run, measured by /usr/bin/time."""
    with tempfile.NamedTemporaryFile(mode="r") as peak:
        p = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", peak.name, validate_bin, *args, path],
                           capture_output=True, timeout=300)
        rss = int(peak.read().split()[-1])
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), rss


def strict_json(text):
    def refuse(constant):
        raise ValueError("not JSON: " + constant)
    return json.loads(text, parse_constant=refuse)


def refusal(text, wrapped=False):
    """The zip check's words in a tool's message: what follows "refused: "
    to the line's end (Wireshark puts a plugin's reason in parentheses)."""
    found = re.search(r"refused: (.*)$", text, re.M)
    if not found:
        return None
    return found.group(1)[:-1] if wrapped and found.group(1).endswith(")") else found.group(1)


@pytest.mark.parametrize("case_id", IDS)
def test_hostile_report(rt, validate_bin, items, bounds, case_id):
    build, both = {c: (b, w) for c, b, w in H.REPORT_CASES}[case_id]
    name = case_id if case_id.endswith(".gz") else case_id + ".zip"
    path = rt.path(name)
    with open(path, "wb") as f:
        f.write(build(items))
    os.chmod(path, 0o644)
    validator_words, plugin_words = what_each_says(case_id, bounds)
    bound_kib = bounds["VALIDATE_PEAK_RSS_BOUND_MIB"] * 1024
    problems = []

    # The validator: text, --json, --html; 0, 1 or 2, and 2 when the zip is refused.
    page = rt.path(name + ".html")
    said = {}
    for mode, args in (("text", ()), ("--json", ("--json",)), ("--html", ("--html", page))):
        code, out, err, rss = run_validator(validate_bin, path, *args)
        said[mode] = out + err
        # 2 where the zip is not read (refused, or compressed whole); else 0 or 1, as
        # a member's problem is said without changing the capture's verdict.
        want = (2,) if both or case_id == "report.zip.gz" else (0, 1)
        if code not in want or SANITIZER.search(err):
            problems.append("validator %s: exit %d (want %s): %s" % (mode, code, want, err[-600:]))
        if rss > bound_kib:
            problems.append("validator %s: peak RSS %.1f MiB, past %d MiB" % (mode, rss / 1024, bound_kib // 1024))
        if mode == "--json":
            try:
                strict_json(out)
            except ValueError as e:
                problems.append("validator --json: %s" % e)
        if mode == "--html" and os.path.exists(page):
            if os.path.getsize(page) > 2 << 20:
                problems.append("--html page of %d bytes" % os.path.getsize(page))
            os.unlink(page)
    if validator_words and validator_words not in said["text"]:
        problems.append("validator text does not say %r: %s" % (validator_words, said["text"][-800:]))

    # tshark, capinfos and editcap with both plugins: 2 with the plugin's reason where it
    # refuses the report, else 0 (editcap writing into a folder the plain user owns).
    outdir = rt.path("edited")
    os.makedirs(outdir, exist_ok=True)
    if os.getuid() == 0:
        os.chown(outdir, 65534, 65534)
    runs = {"tshark": rt.run("-q", capture=path, timeout=300),
            "capinfos": rt.run(path, program="capinfos", timeout=300),
            "editcap": rt.run(path, os.path.join(outdir, name + ".pcapng"), program="editcap", timeout=300)}
    plugin_refuses = bool(both) or case_id in ("deep-metadata.json", "report.zip.gz")
    for tool, (code, out, err) in runs.items():
        if code != (2 if plugin_refuses else 0) or SANITIZER.search(err):
            problems.append("%s: exit %d (want %d): %s" % (tool, code, 2 if plugin_refuses else 0, err[-600:]))
    capinfos = runs["capinfos"][1] + runs["capinfos"][2]
    if plugin_words and plugin_words not in capinfos:
        problems.append("capinfos does not say %r: %s" % (plugin_words, capinfos[-800:]))

    # A zip that reads two ways: refused by both, in the same words, naming the class.
    if both:
        words = {"validator": refusal(said["text"]), "tshark": refusal(runs["tshark"][2], True),
                 "capinfos": refusal(capinfos, True)}
        if len(set(words.values())) != 1 or words["validator"] is None or both not in words["validator"]:
            problems.append("not refused by both with one reason naming %r: %s" % (both, words))
    if case_id == "data-descriptors":  # not hostile: read whole by both
        frames = len(pcapio.read_pcap(dict(items)["traffic.pcap"]).records)
        if "%d records" % frames not in said["text"] or "Number of packets:   %d" % frames not in capinfos:
            problems.append("a zip with data descriptors not read whole (%d frames): %s / %s" % (
                frames, said["text"][-400:], capinfos[-400:]))
    if case_id == "pcap-bomb-576MiB":
        words = refusal(said["text"]) or ""
        if str(bounds["REPORT_MAX_PCAP_BYTES"]) not in words:
            problems.append("the pcap bomb is not refused at REPORT_MAX_PCAP_BYTES: %s" % words)
    assert not problems, "\n".join(problems)
