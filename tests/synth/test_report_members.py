"""spicecap-synth --bugreport, for every report type ryll has: the zip's
members in ryll's order, each JSON member with exactly the fields ryll's
structs serialise (field lists typed here by hand from ryll's sources, not
from the generator), values that agree with the traffic the report holds
(read back with pcapio), and spicecap-validate calling no member malformed
and noting no difference from ryll's schema. A report without traffic.pcap
(--no-traffic, a webdav Disconnect) is triaged with the reason (exit 0 or 1).

Sources read (shakenfist/ryll, through the project's search tool):
- src/bugreport.rs: the version with AppSnapshot's lag and auto-snapshot
  counters, write_disconnect and write_notification (the index gave its text,
  file id 60236112795, not its commit): AppSnapshot, SurfaceInfo,
  BugReportType::channel_name, DisconnectCause, PerChannelDiagnostics, the
  order write_zip / write_pedantic / write_disconnect / write_notification
  store members in.
- shakenfist-spice-renderer/src/snapshots.rs at 0f13292b075fb4772ec9c9d751894f31ec33180d.
- shakenfist-spice-renderer/src/notification.rs at 6b6ccff2cee78e414b89773fbb50fc9e4cc8b1ff.
- shakenfist-spice-renderer/src/metrics.rs at 0b626a57b9a18b662e41e6b7376320cfefeb8ccc.
Run by ctest (synth_report_members)."""
import json
import os
import subprocess
import zipfile

import pytest

import pcapio

APP_SNAPSHOT = ["fps", "bandwidth_history", "bandwidth_current", "last_latency_ms", "frames_received", "surfaces",
                "cursor_pos", "cursor_visible", "mouse_mode", "connected", "uptime_secs", "auto_reconnect_count",
                "video_drop_count", "image_ready_lag_recent_min_us", "image_ready_lag_recent_max_us",
                "image_ready_lag_recent_mean_us", "display_mark_lag_recent_min_us", "display_mark_lag_recent_max_us",
                "display_mark_lag_recent_mean_us", "auto_snapshots_saved", "auto_snapshots_pruned"]
SURFACE_INFO = ["surface_id", "width", "height"]
TRANSPORT = ["bytes_in", "bytes_out", "last_recv_ts_secs", "last_send_ts_secs", "ping_recv_count", "pong_send_count",
             "last_ping_recv_ts_secs"]
OPCODES = ["messages_recv_by_opcode", "messages_send_by_opcode", "last_unknown_opcode", "unknown_opcode_count"]
DISPLAY = (["image_cache_entries", "image_cache_ids", "image_cache_bytes", "recent_decodes", "ack_generation",
            "ack_window", "message_count", "last_ack"] + TRANSPORT +
           ["decode_total_count", "decode_failed_count", "decode_from_cache_count", "decode_recent_min_us",
            "decode_recent_max_us", "decode_recent_mean_us", "socket_read_count", "socket_reads_at_chunk_cap",
            "socket_max_chunk_bytes", "ack_send_count", "last_ack_send_ts_secs", "recent_ack_intervals_secs",
            "writer_dropped_count", "streams_active", "streams_created_total", "streams_destroyed_total",
            "stream_data_orphan_count", "streams_recently_destroyed", "stream_reports_sent_total",
            "stream_reports_unsupported_signals_sent", "mjpeg_decode_recent_min_us", "mjpeg_decode_recent_max_us",
            "mjpeg_decode_recent_mean_us", "mjpeg_decode_total_count", "mjpeg_decode_failed_count",
            "image_cache_evictions_total", "image_cache_evicted_bytes_total", "image_cache_cap_bytes",
            "glz_dictionary_bytes", "glz_dictionary_entries", "glz_dictionary_cap_bytes",
            "glz_dictionary_evictions_total", "glz_dictionary_evicted_bytes_total", "h264_decode_recent_min_us",
            "h264_decode_recent_max_us", "h264_decode_recent_mean_us", "h264_decode_total_count",
            "h264_decode_failed_count"])
DECODE_RESULT = ["image_type", "image_id", "width", "height", "from_cache", "success", "timestamp_secs",
                 "decode_duration_us"]
INPUTS = (["button_state", "motion_count", "secs_since_last_key", "recent_events"] + TRANSPORT +
          ["client_keepalive_send_count", "last_client_keepalive_send_ts_secs", "writer_dropped_count"] + OPCODES)
INPUT_EVENT = ["event_type", "scancode", "x", "y", "button_mask", "timestamp_secs"]
CURSOR = (["cache_entries", "cache_contents", "ack_generation", "ack_window", "message_count", "last_ack"] +
          TRANSPORT + ["writer_dropped_count"] + OPCODES)
MAIN = (["session_id"] + TRANSPORT + ["mm_time_now", "mm_time_set_count", "last_mm_time_set_ts_secs",
                                      "keepalive_timeout_fired", "client_keepalive_send_count",
                                      "last_client_keepalive_send_ts_secs", "writer_dropped_count"] + OPCODES)
PLAYBACK = (TRANSPORT + ["writer_dropped_count"] + OPCODES +
            ["current_session", "start_count", "stop_count", "data_packets_received", "data_packets_decoded",
             "data_packets_decode_failed", "data_bytes_received", "pcm_bytes_produced", "recent_decode_durations_us",
             "device_callbacks_total", "device_underrun_count", "ring_overflow_count", "samples_consumed_total",
             "last_volume_per_channel", "last_mute", "last_latency_ms"])
USBREDIR = (TRANSPORT + ["writer_dropped_count"] + OPCODES +
            ["redirected_devices", "device_connect_total", "device_disconnect_total", "last_device_event_ts_secs",
             "server_caps", "client_caps"])
WEBDAV = (TRANSPORT + ["writer_dropped_count"] + OPCODES +
          ["http_requests_received", "http_response_bytes_sent", "active_session_count", "last_request_ts_secs",
           "last_response_ts_secs", "decompressed_size_limit_exceeded_count"])
SNAPSHOTS = {"display": DISPLAY, "inputs": INPUTS, "cursor": CURSOR, "main": MAIN, "playback": PLAYBACK,
             "usbredir": USBREDIR, "webdav": WEBDAV}
NOTIFICATION_ENTRY = ["id", "when", "severity", "source", "message", "count", "visibility", "read"]
SYSTEM_TIME = ["secs_since_epoch", "nanos_since_epoch"]
RUNTIME_LINUX = ["sample_window_ms", "process", "threads", "platform"]
PROCESS_METRICS = ["cpu_percent", "rss_kb", "vm_size_kb", "uptime_secs"]
THREAD_METRICS = ["tid", "name", "cpu_percent"]
DISCONNECT_CAUSE = ["channel", "error_message", "error_kind", "keepalive_timeout_fired", "session_uptime_secs",
                    "per_channel"]
PER_CHANNEL = ["bytes_in", "bytes_out", "last_recv_ts_secs", "last_send_ts_secs", "ping_recv_count",
               "pong_send_count", "last_ping_recv_ts_secs", "client_keepalive_send_count",
               "last_client_keepalive_send_ts_secs"]
# per_channel is a BTreeMap<String, _>: its keys in name order.
PER_CHANNEL_KEYS = ["cursor", "display", "inputs", "main", "playback", "usbredir", "webdav"]

# option -> (serde's report_type, channel_name(), the ring traffic.pcap drains or None, the snapshot in channel-state)
TYPES = {
    "auto-snapshot": ("AutoSnapshot", "all", "all", "all"),
    "display": ("Display", "display", "display", "display"),
    "input": ("Input", "inputs", "inputs", "inputs"),
    "cursor": ("Cursor", "cursor", "cursor", "cursor"),
    "connection": ("Connection", "main", "main", "main"),
    "usb": ("Usb", "usbredir", "usbredir", None),
    "disconnect:display": ({"Disconnect": {"channel": "display"}}, "display", "display", "display"),
    "disconnect:playback": ({"Disconnect": {"channel": "playback"}}, "playback", "playback", "playback"),
    "disconnect:webdav": ({"Disconnect": {"channel": "webdav"}}, "webdav", None, "webdav"),
    "pedantic:cursor:unimpl:x": ({"Pedantic": {"gap_key": "cursor:unimpl:x"}}, "cursor", "cursor", "cursor"),
    # channel_name(): a gap key of playback or webdav drains the display ring.
    "pedantic:playback:unimpl:x": ({"Pedantic": {"gap_key": "playback:unimpl:x"}}, "display", "display", "display"),
    "pedantic:webdav:unimpl:x": ({"Pedantic": {"gap_key": "webdav:unimpl:x"}}, "display", "display", "display"),
    "notification": ({"Notification": {"notification_id": 1, "snapshot_state": "AtFire"}}, "main", "main", "main"),
    "notification:postevent": ({"Notification": {"notification_id": 1, "snapshot_state": "PostEventOnly"}}, "main",
                               "main", "main"),
}
PORTS = {10001: "main", 10002: "display", 10003: "inputs", 10004: "cursor", 10009: "usbredir", 10099: "playback"}


def member_order(option, traffic):
    """The order ryll's writers store members in (write_zip, write_pedantic, write_disconnect, ...)."""
    names = ["metadata.json", "session.json", "channel-state.json"]
    names += ["traffic.pcap"] if traffic else []
    names += ["screenshot.png"] if option == "display" else []  # screenshot-region.png only with a region
    names += ["notifications.json", "runtime-metrics.json"]
    names += ["disconnect-cause.json"] if option.startswith("disconnect") else []
    return names


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return str(tmp_path_factory.mktemp("members"))


def make(synth_bin, work, option, *extra):
    path = os.path.join(work, option.replace(":", "_") + "%s.zip" % "".join(extra))
    if not os.path.exists(path):
        subprocess.run([synth_bin, "--scenario", "desktop", "--seed", "3", "-d", "1", "--max-image", "64K",
                        "--ryll-compat", "--report-type", option, "--bugreport", path, *extra],
                       check=True, capture_output=True)
    return path


def read(path):
    with zipfile.ZipFile(path) as z:
        return [i.filename for i in z.infolist()], {n: z.read(n) for n in z.namelist()}


def snapshot_fields(state, channel, sort):
    assert list(state) == (sorted(SNAPSHOTS[channel]) if sort else SNAPSHOTS[channel]), channel
    for d in state.get("recent_decodes", []):
        assert list(d) == (sorted(DECODE_RESULT) if sort else DECODE_RESULT)
    for e in state.get("recent_events", []):
        assert list(e) == (sorted(INPUT_EVENT) if sort else INPUT_EVENT)


@pytest.mark.parametrize("option", sorted(TYPES))
def test_members_in_ryll_schema(synth_bin, work, option):
    variant, channel, ring, snapshot = TYPES[option]
    names, data = read(make(synth_bin, work, option))
    assert names == member_order(option, ring is not None)
    meta = json.loads(data["metadata.json"])
    assert (meta["report_type"], meta["channel"]) == (variant, channel)
    session = json.loads(data["session.json"])
    assert list(session) == APP_SNAPSHOT
    assert all(list(s) == SURFACE_INFO for s in session["surfaces"]) and len(session["cursor_pos"]) == 2
    state = json.loads(data["channel-state.json"])
    if snapshot is None:
        assert state == {}  # Usb: no snapshot
    elif snapshot == "all":  # json!() of every snapshot: a Value, whose maps sort their keys
        assert sorted(state) == list(state) == sorted(SNAPSHOTS)
        for name, inner in state.items():
            snapshot_fields(inner, name, sort=True)
    else:
        snapshot_fields(state, snapshot, sort=False)
    for entry in json.loads(data["notifications.json"]):
        assert list(entry) == NOTIFICATION_ENTRY and list(entry["when"]) == SYSTEM_TIME
        assert entry["severity"] in ("Info", "Warn", "Error")
    metrics = json.loads(data["runtime-metrics.json"])
    assert list(metrics) == RUNTIME_LINUX and list(metrics["process"]) == PROCESS_METRICS
    assert all(list(t) == THREAD_METRICS for t in metrics["threads"]) and metrics["threads"]
    if option.startswith("disconnect"):
        cause = json.loads(data["disconnect-cause.json"])
        assert list(cause) == DISCONNECT_CAUSE and cause["channel"] == option.split(":")[1]
        assert list(cause["per_channel"]) == PER_CHANNEL_KEYS
        assert all(list(v) == PER_CHANNEL for v in cause["per_channel"].values())
    if option.startswith("notification"):
        entries = json.loads(data["notifications.json"])
        assert [e["id"] for e in entries] == [variant["Notification"]["notification_id"]]


def flows(pcap_bytes):
    """channel -> direction -> [(ts_us, payload bytes)] of traffic.pcap's records."""
    out = {}
    for r in pcapio.read_pcap(pcap_bytes).records:
        seg = pcapio.parse_tcp(r.data)
        received = seg.sport == 5900
        channel = PORTS[seg.dport if received else seg.sport]
        ts = r.ts_sec * 1000000 + r.ts_frac
        out.setdefault(channel, {}).setdefault("in" if received else "out", []).append((ts, len(seg.payload)))
    return out


@pytest.mark.parametrize("option", ["display", "input", "cursor", "connection", "disconnect:display",
                                    "notification", "auto-snapshot"])
def test_values_agree_with_the_traffic(synth_bin, work, option):
    """Each snapshot's last receive and send times are its channel's last records in traffic.pcap (ryll's
    ring keeps the newest messages), its byte counts cover what the ring holds, and the report is taken
    at or after the last frame (metadata's uptime on traffic.pcap's clock)."""
    _, data = read(make(synth_bin, work, option))
    meta = json.loads(data["metadata.json"])
    state = json.loads(data["channel-state.json"])
    states = state if meta["channel"] == "all" else {meta["channel"]: state}
    traffic = flows(data["traffic.pcap"])
    last = max(ts for ch in traffic.values() for recs in ch.values() for ts, _ in recs)
    assert meta["triggered_uptime_secs"] == meta["session_uptime_secs"] >= last / 1e6
    assert json.loads(data["session.json"])["uptime_secs"] == meta["session_uptime_secs"]
    checked = 0
    for channel, recs in traffic.items():
        if channel == "playback":  # its records are bodies without headers
            continue
        s = states[channel]
        for direction, field, count in (("in", "last_recv_ts_secs", "bytes_in"), ("out", "last_send_ts_secs",
                                                                                    "bytes_out")):
            if direction in recs:
                assert round(s[field] * 1e6) == recs[direction][-1][0], (channel, direction)
                assert s[count] >= sum(n for _, n in recs[direction]), (channel, direction)
                checked += 1
    assert checked >= 2
    if option.startswith("disconnect"):
        cause = json.loads(data["disconnect-cause.json"])
        per = cause["per_channel"]["display"]
        assert (per["bytes_in"], per["last_recv_ts_secs"]) == (state["bytes_in"], state["last_recv_ts_secs"])
        assert cause["session_uptime_secs"] == meta["session_uptime_secs"]
    if meta["channel"] in ("display", "all"):
        display = states["display"]
        assert display["decode_total_count"] >= len(display["recent_decodes"]) > 0
        times = [d["timestamp_secs"] for d in display["recent_decodes"]]
        assert times == sorted(times) and times[-1] <= meta["session_uptime_secs"]


def validate(validate_bin, path):
    proc = subprocess.run([validate_bin, "--json", path], capture_output=True, text=True)
    return proc.returncode, json.loads(proc.stdout), proc.stderr


@pytest.mark.parametrize("option", sorted(TYPES))
def test_validator_finds_no_member_malformed(synth_bin, validate_bin, work, option):
    code, doc, err = validate(validate_bin, make(synth_bin, work, option))
    assert code in (0, 1), err
    members = doc["files"][0]["triage"]["members"]
    assert [m["name"] for m in members if m["status"] == "malformed"] == []
    assert [n for m in members for n in m["notes"]] == []  # every field where ryll's schema has it
    assert [m["name"] for m in members if m["expected"] and m["status"] != "read"] == []
    # A webdav Disconnect report has no traffic.pcap, and the validator does not expect one.
    assert {m["name"]: m["expected"] for m in members}["traffic.pcap"] == (TYPES[option][2] is not None)


@pytest.mark.parametrize("option", ["auto-snapshot", "display", "disconnect:webdav"])
def test_report_without_traffic_is_triaged(synth_bin, validate_bin, work, option):
    """--no-traffic (a ryll built without capture) and a webdav Disconnect: no traffic.pcap; the validator
    shows the members and says why (exit 0 or 1, never 2)."""
    extra = () if option == "disconnect:webdav" else ("--no-traffic",)
    path = make(synth_bin, work, option, *extra)
    names, _ = read(path)
    assert "traffic.pcap" not in names and names == [n for n in member_order(option, False)]
    code, doc, err = validate(validate_bin, path)
    assert code in (0, 1), err
    triage = doc["files"][0]["triage"]
    why = "webdav" if option == "disconnect:webdav" else "without its capture feature"
    assert why in triage["window_problem"], triage
    assert {m["name"]: m["status"] for m in triage["members"]}["session.json"] == "read"
    text = subprocess.run([validate_bin, path], capture_output=True, text=True).stdout
    assert "no traffic.pcap" in text and "malformed" not in text


def test_same_seed_same_bytes(synth_bin, work):
    for option in ("disconnect:display", "pedantic", "notification:postevent"):
        a, b = (os.path.join(work, "again-%s-%d.zip" % (option.replace(":", "_"), i)) for i in (1, 2))
        for path in (a, b):
            subprocess.run([synth_bin, "--scenario", "desktop", "--seed", "9", "-d", "0.5", "--report-type", option,
                            "--bugreport", path], check=True, capture_output=True)
        assert open(a, "rb").read() == open(b, "rb").read(), option
