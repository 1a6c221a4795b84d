"""spicecap-validate on a whole ryll bug report: every member read (named
when missing or malformed), the facts that matter in the text report, all of
it in --json, and the trigger window (the frame at the trigger, how far each
channel's ring reaches back, the messages and losses of the N seconds before
it). Reports are made with spicecap-synth and rewritten here with zipfile;
the expected frames, windows, message counts and losses are computed here
from the pcap bytes (ryll_report.py over pcapio), not by the validator.
Run by ctest (validate_triage); by hand: python3 -m pytest tests/validate/test_triage.py -k window"""
import collections
import json
import os
import zipfile

import pytest

import ryll_report as rr

WINDOW = 5.0


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return str(tmp_path_factory.mktemp("triage"))


@pytest.fixture(scope="module")
def display(work, synth_bin):
    return rr.make_report(synth_bin, os.path.join(work, "display.zip"), "display")


@pytest.fixture(scope="module")
def display_lossy(work, synth_bin):
    return rr.make_report(synth_bin, os.path.join(work, "display-ryll.zip"), "display", "--ryll-compat")


@pytest.fixture(scope="module")
def auto(work, synth_bin):
    return rr.make_report(synth_bin, os.path.join(work, "auto.zip"), "auto-snapshot", scenario="ring")


def triage_of(doc):
    return doc["files"][0]["triage"]


def member(doc, name):
    return next(m for m in triage_of(doc)["members"] if m["name"] == name)


def expected_window(frs, trigger, window=WINDOW):
    """The trigger frame, the window's frames and per-channel reach, from the timestamps alone."""
    t_ns, lo_ns = round(trigger * 1e9), max(0, round(trigger * 1e9) - round(window * 1e9))
    ts = [f.ts_us * 1000 for f in frs]
    at = next((f.number for f, t in zip(frs, ts) if t >= t_ns), 0)
    inside = [f.number for f, t in zip(frs, ts) if lo_ns <= t <= t_ns]
    first, last = {}, {}
    for f, t in zip(frs, ts):
        if f.channel and f.channel not in first:
            first[f.channel] = t
        if f.channel:
            last[f.channel] = max(last.get(f.channel, t), t)
    # what the ring holds before the trigger: from its first frame to the trigger, or to its last frame when the
    # trigger comes after it (a ring cannot hold more than it spans)
    kept = {c: max(0.0, min(trigger, last[c] / 1e9) - t / 1e9) if t / 1e9 < trigger else 0.0 for c, t in first.items()}
    return at, inside, kept, (lo_ns, t_ns)


def triggers(frs):
    """The four cases: at the first frame, between two middle frames, before the first, after the last."""
    ts = [f.ts_us for f in frs]
    mid = len(ts) // 2
    while mid + 1 < len(ts) and ts[mid] == ts[mid + 1]:
        mid += 1
    return {
        "start": ts[0] / 1e6,
        "middle": (ts[mid] + ts[mid + 1]) / 2e6,
        "before-first": max(0.0, ts[0] / 1e6 - 2.0) if ts[0] > 2.5e6 else ts[0] / 2e6,
        "after-last": ts[-1] / 1e6 + 1.0,
    }


@pytest.mark.parametrize("case", ["start", "middle", "before-first", "after-last"])
def test_trigger_frame_and_window(work, display, report, run, case):
    """Each trigger gives the frame at it, the frames of the 5 s before it, each channel's reach and its message counts."""
    frs = rr.frames(display)
    trigger = triggers(frs)[case]
    z = rr.with_metadata(display, os.path.join(work, "d-%s.zip" % case), triggered_uptime_secs=trigger)
    code, doc, err = report(z)
    assert doc is not None, err
    w = triage_of(doc)["window"]
    at, inside, kept, (lo, hi) = expected_window(frs, trigger)
    assert w["trigger_frame"] == at
    assert w["window_frames"] == len(inside)
    assert (w["window_first_frame"], w["window_last_frame"]) == ((inside[0], inside[-1]) if inside else (0, 0))
    assert w["before_first_frame"] == (case == "before-first")
    assert w["after_last_frame"] == (case == "after-last")
    assert {c: round(v, 6) for c, v in w["kept_before_trigger_secs"].items()} == \
        {c: round(v, 6) for c, v in kept.items()}
    ts = {f.number: f.ts_us * 1000 for f in frs}
    want = collections.Counter()
    for frame, channel, direction, mtype, size in rr.message_starts(frs):
        if lo <= ts[frame] <= hi:
            want[(channel, direction, mtype)] += 1
    got = collections.Counter({(m["channel"], m["direction"], m["type"]): m["messages"] for m in w["messages"]})
    assert got == want
    assert w["losses"] == []
    code, text, err = run(z)
    assert ("TRIGGER BEFORE THE FIRST FRAME" in text) == (case == "before-first"), text
    if at:
        assert "Go To Packet %d" % at in text
    assert "LOSS IN THE WINDOW" not in text


def test_window_option_and_losses(work, display_lossy, report, run):
    """--window SECS sets the span; the snaplen losses inside it are listed and named loudly, those outside are not."""
    frs = rr.frames(display_lossy)
    jumps = rr.seq_jumps(frs)
    assert len(jumps) >= 3, "the ryll-compat display report should lose records over the snaplen"
    # The trigger just after the middle jump, the window reaching back to just before the first one.
    target = jumps[len(jumps) // 2]
    ts = {f.number: f.ts_us for f in frs}
    trigger = ts[target] / 1e6
    window = (ts[target] - ts[jumps[0]]) / 1e6 + 0.0000005
    z = rr.with_metadata(display_lossy, os.path.join(work, "lossy.zip"), triggered_uptime_secs=trigger)
    code, doc, err = report("--window", "%.7f" % window, z)
    w = triage_of(doc)["window"]
    at, inside, kept, (lo, hi) = expected_window(frs, trigger, window)
    assert w["trigger_frame"] == at and w["window_secs"] == pytest.approx(window)
    want = [j for j in jumps if lo <= ts[j] * 1000 <= hi]
    assert [l["frame"] for l in w["losses"]] == want and len(want) < len(jumps)
    assert {l["kind"] for l in w["losses"]} == {"snaplen-loss"}
    code, text, err = run("--window", "%.7f" % window, z)
    assert "LOSS IN THE WINDOW: %d finding(s)" % len(want) in text, text


def test_window_bad_value(run, display):
    code, out, err = run("--window", "abc", display)
    assert code == 2 and "--window abc" in err and out == ""


def test_auto_snapshot_reach_per_channel(auto, report):
    """An AutoSnapshot's rings are merged: each channel's reach before the trigger is its own."""
    frs = rr.frames(auto)
    trigger = rr.metadata(auto)["triggered_uptime_secs"]
    code, doc, err = report(auto)
    w = triage_of(doc)["window"]
    at, inside, kept, _ = expected_window(frs, trigger)
    assert w["trigger_frame"] == at
    for channel in ("main", "display", "inputs", "cursor", "usbredir"):
        if channel in kept:
            assert w["kept_before_trigger_secs"][channel] == pytest.approx(kept[channel], abs=1e-6)


SESSION = {"fps": 29.5, "bandwidth_history": [1, 2], "bandwidth_current": 3, "last_latency_ms": 12,
           "frames_received": 900, "surfaces": [{"surface_id": 0, "width": 1024, "height": 768}],
           "cursor_pos": [1, 2], "cursor_visible": True, "mouse_mode": "client", "connected": True,
           "uptime_secs": 5.0, "auto_reconnect_count": 1, "video_drop_count": 7,
           "display_lag_recent_min_us": 10, "display_lag_recent_max_us": 4321, "display_lag_recent_mean_us": 99,
           "auto_snapshots_saved": 0, "auto_snapshots_pruned": 0, "audio_muted": False}
CHANNEL_STATE = {"decode_errors": 2, "socket_open": True, "ack_pending": 3, "writer_dropped_count": 11}
NOTIFICATIONS = [{"id": 1, "when": "2026-01-01T00:00:01Z", "severity": "Error", "source": "display",
                  "message": "decode failed", "count": 2, "visibility": "Shown", "read": False},
                 {"id": 2, "when": "2026-01-01T00:00:02Z", "severity": "Warning", "source": "main",
                  "message": "slow", "count": 1, "visibility": "Shown", "read": True}]
RUNTIME = {"sample_window_ms": 1000, "process": {"cpu_percent": 12.5, "rss_kb": 123456, "vm_size_kb": 999,
                                                  "uptime_secs": 5.0},
           "threads": [{"tid": 1, "name": "main", "cpu_percent": 3.0}], "platform": "linux"}


def ryll_shaped(src, dst, **more):
    """The synthetic report with ryll-shaped session, channel-state, notifications and runtime members."""
    replace = {"session.json": json.dumps(SESSION).encode(), "channel-state.json": json.dumps(CHANNEL_STATE).encode(),
               "notifications.json": json.dumps(NOTIFICATIONS).encode(),
               "runtime-metrics.json": json.dumps(RUNTIME).encode()}
    replace.update(more.pop("replace", {}))
    return rr.rewrite(src, dst, replace, more.pop("add", {}))


def test_members_read_and_facts(work, display, report, run):
    """Every member is read: the facts in the text, the members whole in --json, a screenshot's size."""
    z = ryll_shaped(display, os.path.join(work, "shaped.zip"), replace={"screenshot.png": rr.png(32, 20)})
    code, doc, err = report(z)
    assert code == 0, err
    t = triage_of(doc)
    names = [m["name"] for m in t["members"]]
    assert names == ["metadata.json", "session.json", "channel-state.json", "traffic.pcap", "screenshot.png",
                     "screenshot-region.png", "notifications.json", "runtime-metrics.json", "disconnect-cause.json"]
    assert member(doc, "session.json")["content"] == SESSION
    assert member(doc, "channel-state.json")["content"] == CHANNEL_STATE
    assert member(doc, "notifications.json")["content"] == NOTIFICATIONS
    assert member(doc, "runtime-metrics.json")["content"] == RUNTIME
    shot = member(doc, "screenshot.png")
    assert (shot["status"], shot["width"], shot["height"], shot["expected"]) == ("read", 32, 20, True)
    assert all("problem" not in m for m in t["members"]), t["members"]
    assert member(doc, "disconnect-cause.json")["status"] == "absent"
    code, text, err = run(z)
    assert "video_drop_count 7" in text and "display_lag_recent_max_us 4321" in text
    assert "writer_dropped_count 11" in text and "decode_errors 2" in text and "ack_pending 3" in text
    assert "notifications: 2 (1 Error, 1 Warning)" in text
    assert "cpu_percent 12.5" in text and "screenshot: 32x20" in text
    assert "MEMBER" not in text


def test_missing_and_malformed_members(work, display, report, run):
    """A Display report without its screenshot, a region without its PNG, bad JSON, a wrong shape, a fake PNG, an extra member."""
    z = rr.with_metadata(display, os.path.join(work, "region.zip"),
                         region={"left": 0, "top": 0, "right": 10, "bottom": 10})
    z = ryll_shaped(z, os.path.join(work, "broken.zip"),
                    replace={"session.json": b'{"fps": 3,\n "connected": tru}', "notifications.json": b"{}",
                             "screenshot.png": None},
                    add={"notes.txt": b"hello"})
    code, doc, err = report(z)
    assert code == 0, err  # members never change the exit status
    shot = member(doc, "screenshot.png")
    assert shot["status"] == "absent" and "a Display report has one" in shot["problem"]
    region = member(doc, "screenshot-region.png")
    assert region["status"] == "absent" and region["expected"] and "region" in region["problem"]
    session = member(doc, "session.json")
    assert session["status"] == "malformed" and "line 2" in session["problem"], session
    notes = member(doc, "notifications.json")
    assert notes["status"] == "malformed" and "ryll writes an array" in notes["problem"]
    assert triage_of(doc)["other_members"] == ["notes.txt"]
    code, text, err = run(z)
    for needle in ("MEMBER absent: screenshot.png in %s: missing (a Display report has one)" % z,
                   "MEMBER malformed: session.json in %s: line 2" % z, "member not written by ryll: notes.txt"):
        assert needle in text, text
    fake = rr.rewrite(display, os.path.join(work, "fake-png.zip"), {"screenshot.png": b"GIF89a not a png"})
    code, doc, err = report(fake)
    assert member(doc, "screenshot.png")["status"] == "malformed"


def test_disconnect_report_needs_its_cause(work, display, report, run):
    z = rr.with_metadata(display, os.path.join(work, "disc.zip"), report_type={"Disconnect": {"channel": "display"}})
    code, doc, err = report(z)
    cause = member(doc, "disconnect-cause.json")
    assert cause["expected"] and cause["status"] == "absent"
    assert member(doc, "screenshot.png")["expected"] is False
    cause_json = {"channel": "display", "error_message": "reset by peer", "error_kind": "Io",
                  "keepalive_timeout_fired": False, "session_uptime_secs": 5.0, "per_channel": {}}
    z2 = rr.rewrite(z, os.path.join(work, "disc2.zip"), add={"disconnect-cause.json": json.dumps(cause_json)})
    code, text, err = run(z2)
    assert "disconnect: channel display, error_kind Io, error_message reset by peer" in text, text


def test_no_trigger_is_said(work, display, report):
    meta = rr.metadata(display)
    del meta["triggered_uptime_secs"]
    z = rr.rewrite(display, os.path.join(work, "notrigger.zip"), {"metadata.json": json.dumps(meta).encode()})
    code, doc, err = report(z)
    t = triage_of(doc)
    assert "window" not in t and "triggered_uptime_secs" in t["window_problem"]


@pytest.mark.parametrize("case", ["not-utf8", "oversized"])
def test_unreadable_metadata_is_not_a_missing_trigger(work, display, report, case):
    """A metadata.json that cannot be taken (invalid UTF-8, over its 1 MiB bound) is said as such: the trigger is not
    known because of it, not because ryll gave none."""
    text = json.dumps(rr.metadata(display)).encode()
    body = text.replace(b'"ryll_version"', b'"ryll_\xff_version"') if case == "not-utf8" else \
        text[:-1] + b', "pad": "' + b"x" * (1 << 20) + b'"}'
    z = rr.rewrite(display, os.path.join(work, "meta-%s.zip" % case), {"metadata.json": body})
    code, doc, err = report(z)
    t = triage_of(doc)
    status = doc["files"][0]["metadata"]["status"]
    assert status != "read" and "window" not in t
    assert "gives no" not in t["window_problem"] and status in t["window_problem"], t["window_problem"]


def test_members_checked_against_ryll_schema(work, display, report, run):
    """Each JSON member is checked field by field against ryll's structs (as typed here from
    shakenfist/ryll's src/bugreport.rs AppSnapshot and snapshots.rs DisplaySnapshot): a field missing,
    of the wrong type, or unknown (a newer ryll's) is a note named once, never a finding or a problem."""
    with zipfile.ZipFile(display) as z:
        session = json.loads(z.read("session.json"))
        state = json.loads(z.read("channel-state.json"))
    assert "cursor_visible" in session and "recent_decodes" in state
    del session["cursor_visible"]                 # missing
    session["frames_received"] = "many"           # wrong type: ryll's is a u64
    session["gpu_name"] = "synthetic"             # a newer ryll's field
    for decode in state["recent_decodes"]:        # the same difference in every element: one note
        decode["width"] = -0.5
        decode["codec"] = "x"
    z = rr.rewrite(display, os.path.join(work, "schema.zip"),
                   {"session.json": json.dumps(session).encode(), "channel-state.json": json.dumps(state).encode()})
    code, doc, err = report(z)
    assert code == 0, err  # notes never change the exit status
    notes = {m["name"]: m["notes"] for m in triage_of(doc)["members"]}
    assert sorted(notes["session.json"]) == sorted([
        "cursor_visible: missing (ryll's AppSnapshot has it)",
        "frames_received: a string; ryll writes an unsigned integer",
        "gpu_name: not in ryll's AppSnapshot (a newer ryll's field?)"])
    assert sorted(notes["channel-state.json"]) == sorted([
        "recent_decodes[].width: a fraction; ryll writes an unsigned integer",
        "recent_decodes[].codec: not in ryll's DecodeResult (a newer ryll's field?)"])
    assert all(m["status"] == "read" and "problem" not in m
               for m in triage_of(doc)["members"] if m["name"].endswith(".json") and m["expected"]), triage_of(doc)["members"]
    code, text, err = run(z)
    assert code == 0 and "MEMBER" not in text
    assert text.count("note: channel-state.json: recent_decodes[].width:") == 1
    assert "note: session.json: gpu_name: not in ryll's AppSnapshot (a newer ryll's field?)" in text
