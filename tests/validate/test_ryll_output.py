"""spicecap-validate on what ryll really writes: records over the 65535
snaplen never written, live received data per socket read, bytes lost
under a contiguous seq when the writer's queue overflowed. The expected
answers come from the generator's manifests (the gaps it left, the reads
it dropped, which messages each file holds whole) and, for the reference
samples (whose manifests only list what the session sent), from a walk of
their records here with tests/pcapio.py. Run by ctest
(validate_ryll_output); one check by hand, e.g.:
python3 -m pytest tests/validate/test_ryll_output.py -k queue"""
import json
import os

import pytest

import pcapio

# (capture, manifest) of the generator's real-output fixtures.
REAL_OUTPUT = [("ryll/display-ring.pcap", "ryll/display-ring.json"),
               ("ryll/video-ring.pcap", "ryll/video-ring.json"),
               ("ryll/live", "ryll/live/manifest.json"),
               ("ryll/live-queue-overflow", "ryll/live-queue-overflow/manifest.json"),
               ("ryll/bugreport.zip", "ryll/bugreport.json")]
# Loss-free captures of the same kinds: no finding at all.
CLEAN_LIVE = [("live-reads", "live-reads/manifest.json"), ("live", "live/manifest.json")]


def load(fixtures_dir, name):
    with open(os.path.join(fixtures_dir, name)) as f:
        return json.load(f)


@pytest.mark.parametrize("capture,manifest", REAL_OUTPUT, ids=[c for c, _ in REAL_OUTPUT])
def test_snaplen_gaps_are_named_as_such(report, fix, fixtures_dir, capture, manifest):
    """Every gap the generator left by the snaplen rule is one snaplen-loss
    finding with its seq range and the frame after it; no gap is reported
    under another name."""
    m = load(fixtures_dir, manifest)
    directory = os.path.isdir(os.path.join(fixtures_dir, capture))
    want = set()
    for f in m["files"]:
        for g in f["snaplen_loss"]["gaps"]:
            # Before the flow's first record the gap's start cannot be known
            # from the file: the finding says the flow starts inside a
            # message, at the first record's seq.
            start = "start" if g["before_frame"] == 1 else g["seq_start"]
            want.add((f["file"] if directory else "", start, g["seq_end"], g["before_frame"]))
    code, r, err = report(fix(capture))
    assert code == 1, err
    got = set()
    for x in r["findings"]:
        assert x["kind"] != "gap", x
        if x["kind"] == "snaplen-loss":
            assert "snaplen" in x["detail"], x
            start = x["seq_start"]
            if start == x["seq_end"]:
                assert "starts inside a message" in x["detail"] and x["frame"] == 1, x
                start = "start"
            else:
                assert "65535" in x["detail"], x
            got.add((os.path.basename(x["file"]) if directory else "", start, x["seq_end"], x["frame"]))
    assert got == want


@pytest.mark.parametrize("capture,manifest", REAL_OUTPUT, ids=[c for c, _ in REAL_OUTPUT])
def test_every_whole_message_is_walked(report, fix, fixtures_dir, capture, manifest):
    """The messages walked equal the manifest's whole ones, message for
    message; the only findings are the losses themselves, and the playback
    flow of bodies without their header when the manifest says ryll
    recorded one (header_recorded false)."""
    code, r, err = report("--manifest", fix(manifest), fix(capture))
    kinds = {x["kind"] for x in r["findings"]}
    assert not {k for k in kinds if k.startswith("manifest-")}, [x for x in r["findings"]
                                                               if x["kind"].startswith("manifest-")][:5]
    allowed = {"snaplen-loss", "desync"}
    if any(m.get("header_recorded") is False for m in load(fixtures_dir, manifest)["messages"]):
        allowed.add("headerless-playback")
    assert kinds <= allowed, kinds


def test_queue_overflow_is_one_desync(report, fix, fixtures_dir):
    """The dropped read is one desync finding, in display.pcap, after the
    frame the read should have been, with the likely cause named; the walk
    finds its way back (no finding says the rest could not be framed)."""
    m = load(fixtures_dir, "ryll/live-queue-overflow/manifest.json")
    (drop,) = m["faults"]
    code, r, err = report(fix("ryll/live-queue-overflow"))
    desyncs = [x for x in r["findings"] if x["kind"] == "desync"]
    assert len(desyncs) == 1, desyncs
    d = desyncs[0]
    assert os.path.basename(d["file"]) == "display.pcap"
    assert d["frame"] >= drop["frame"]
    assert "queue" in d["detail"] and "resumes at seq" in d["detail"]
    assert d["seq_start"] > drop["seq"]


@pytest.mark.parametrize("capture,manifest", CLEAN_LIVE, ids=[c for c, _ in CLEAN_LIVE])
def test_clean_live_captures_have_no_finding(report, fix, fixtures_dir, capture, manifest):
    """Socket-read records that span message boundaries are normal: exit 0,
    and every message counted per channel."""
    code, r, err = report("--manifest", fix(manifest), fix(capture))
    assert code == 0 and r["findings_total"] == 0, r["findings"][:3]
    want = {}
    for x in load(fixtures_dir, manifest)["messages"]:
        want[x["channel"]] = want.get(x["channel"], 0) + 1
    got = {}
    for f in r["files"]:
        for channel, c in f["channels"].items():
            got[channel] = got.get(channel, 0) + c["messages"]
    assert got == want


def whole_messages(path, manifest):
    """The reference sample's messages that its records hold every byte of,
    each with the frame of its first byte: an independent walk of the
    records' seq coverage."""
    with open(path, "rb") as f:
        cap = pcapio.read_pcap(f.read())
    runs = {}  # direction -> [(seq, end, frame)]
    for number, rec in enumerate(cap.records, 1):
        t = pcapio.parse_tcp(rec.data)
        payload = len(t.payload)
        direction = "received" if t.sport == 5900 else "sent"
        runs.setdefault(direction, []).append((t.seq, t.seq + payload, number))
    out = []
    for msg in manifest["messages"]:
        start, end = msg["seq"], msg["seq"] + msg["wire_size"]
        covered, first = start, None
        for seq, stop, number in runs[msg["direction"]]:
            if seq <= covered < stop:
                first = first or number
                covered = stop
            if covered >= end:
                break
        if covered >= end:
            out.append({"channel": msg["channel"], "direction": msg["direction"], "type": msg["type"],
                        "wire_size": msg["wire_size"], "seq": msg["seq"], "frame": first})
    return out


REF = ["ryll-display-real", "ryll-live-display", "ryll-live-display-real"]


@pytest.mark.parametrize("name", REF)
def test_reference_samples_walked_as_their_records_hold(report, fix, fixtures_dir, tmp_path, name):
    """The samples of ryll's real output (copied from shared/): every message
    their records hold whole is walked, and nothing else; the live sample
    with every record kept has no finding."""
    manifest = load(fixtures_dir, "ref/%s.json" % name)
    held = whole_messages(os.path.join(fixtures_dir, "ref/%s.pcap" % name), manifest)
    assert held
    derived = tmp_path / "whole.json"
    derived.write_text(json.dumps({"messages": held}))
    code, r, err = report("--manifest", str(derived), fix("ref/%s.pcap" % name))
    bad = [x for x in r["findings"] if x["kind"] not in ("snaplen-loss", "desync")]
    assert not bad, bad[:5]
    if name == "ryll-live-display":
        assert len(held) == len(manifest["messages"]) and code == 0
    else:
        assert len(held) < len(manifest["messages"]) and code == 1
