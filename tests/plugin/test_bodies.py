"""Message bodies as fields: make_body_capture records one of each message
body the plugin decodes, with the values below; tshark must show exactly
these values in the spicecap.* body fields of each message, and nothing else.
A second capture holds bodies shorter than their structure (or whose counts
claim more than the body holds): each raises the short-body expert note.
On the real qemu session (fixtures/ref), the body fields must equal those of
Wireshark's built-in SPICE dissector, an independent decoder of the same
layouts, value for value over the whole session.

tshark runs as uid 65534 with the plugin in a private folder (tshark_env).
Run by ctest (plugin_bodies); one check by hand, e.g.
python3 -m pytest tests/plugin/test_bodies.py -k stream_report"""
import os
import re
import subprocess

import pytest

REAL_PORT = 5950

# The header fields every message has; everything else under spicecap. is a body field.
HEADER = {"channel", "direction", "type", "name", "size", "wire_size", "segments", "dropped", "serial", "sub_list",
          "unframed"}

# (channel, direction, name, {body field: value as tshark -T fields prints it}), in capture order.
# Values are those make_body_capture.c writes; several values of a field are joined with ",".
R, S = "received", "sent"
EXPECTED = [
    ("main", R, "set_ack", {"ack.generation": "7", "ack.window": "20"}),
    ("main", S, "ack_sync", {"ack.generation": "7"}),
    ("main", S, "ack", {}),
    ("main", R, "ping", {"ping.id": "9", "ping.timestamp": "123456789"}),
    ("main", S, "pong", {"ping.id": "9", "ping.timestamp": "123456789"}),
    ("main", R, "wait_for_channels", {"wait.count": "2", "wait.channel_type": "2,4", "wait.channel_id": "0,1",
                                      "wait.serial": "1000,2000"}),
    ("main", R, "notify", {"time_stamp": "43", "notify.severity": "2", "notify.visibility": "1", "notify.what": "5",
                           "notify.message_len": "12", "notify.message": "hello notify"}),
    ("main", R, "disconnecting", {"time_stamp": "42", "disconnect.reason": "7"}),  # permission denied
    ("main", S, "disconnecting", {"time_stamp": "44", "disconnect.reason": "0"}),
    ("main", R, "init", {"main.session_id": "0x00001234", "main.display_channels_hint": "1",
                         "main.mouse_modes": "0x00000003", "main.mouse_mode": "2", "main.agent_connected": "1",
                         "main.agent_tokens": "10", "main.mm_time": "5000", "main.ram_hint": "4096"}),
    ("main", R, "channels_list", {"main.channels.count": "3", "main.channel.type": "2,4,5",
                                  "main.channel.id": "0,0,1"}),
    ("main", R, "mouse_mode", {"main.mouse_modes": "0x00000003", "main.mouse_mode": "2"}),
    ("main", R, "multi_media_time", {"main.mm_time": "7777"}),
    ("main", R, "agent_connected", {}),
    ("main", R, "agent_disconnected", {"main.agent_error": "1"}),
    ("main", R, "agent_token", {"main.agent_tokens": "11"}),
    ("main", R, "agent_data", {"main.vdagent.type": "4", "main.vdagent.size": "5"}),  # clipboard
    ("main", R, "name", {"main.name": "guest-vm"}),
    ("main", R, "uuid", {"main.uuid": "01234567-89ab-cdef-0123-456789abcdef"}),
    ("main", R, "agent_connected_tokens", {"main.agent_tokens": "12"}),
    ("main", S, "client_info", {"main.cache_size": "1048576"}),
    ("main", S, "mouse_mode_request", {"main.mouse_mode": "2"}),
    ("main", S, "agent_start", {"main.agent_tokens": "13"}),
    ("main", S, "agent_data", {"main.vdagent.type": "6", "main.vdagent.size": "8"}),  # announce_capabilities
    ("main", S, "agent_token", {"main.agent_tokens": "14"}),
    ("display", R, "mode", {"display.mode.x_res": "1024", "display.mode.y_res": "768", "display.mode.bits": "32"}),
    ("display", R, "mark", {}),
    ("display", R, "reset", {}),
    ("display", R, "copy_bits", {"display.surface_id": "0", "display.box.top": "1", "display.box.left": "2",
                                 "display.box.bottom": "3", "display.box.right": "4", "display.clip.type": "0",
                                 "display.src.x": "5", "display.src.y": "6"}),
    ("display", R, "surface_create", {"display.surface_id": "1", "display.surface.width": "800",
                                      "display.surface.height": "600", "display.surface.format": "32",
                                      "display.surface.flags": "0x00000001"}),
    ("display", R, "draw_fill", {"display.surface_id": "1", "display.box.top": "10", "display.box.left": "11",
                                 "display.box.bottom": "12", "display.box.right": "13", "display.clip.type": "1",
                                 "display.clip.rects": "2"}),
    ("display", R, "draw_opaque", {"display.surface_id": "0", "display.box.top": "100", "display.box.left": "101",
                                   "display.box.bottom": "102", "display.box.right": "103", "display.clip.type": "0",
                                   "display.image.id": "0x0000000000001111", "display.image.type": "1",  # quic
                                   "display.image.flags": "0x00", "display.image.width": "64",
                                   "display.image.height": "48", "display.image.data_size": "300"}),
    ("display", R, "draw_blend", {"display.surface_id": "0", "display.box.top": "100", "display.box.left": "101",
                                  "display.box.bottom": "102", "display.box.right": "103", "display.clip.type": "0",
                                  "display.image.id": "0x0000000000002222", "display.image.type": "105",  # jpeg
                                  "display.image.flags": "0x00", "display.image.width": "64",
                                  "display.image.height": "48", "display.image.data_size": "200"}),
    ("display", R, "surface_destroy", {"display.surface_id": "1"}),
    ("display", R, "stream_create", {"display.surface_id": "0", "display.stream.id": "3",
                                     "display.stream.flags": "0x00", "display.stream.codec": "2",  # vp8
                                     "display.stream.width": "640", "display.stream.height": "480",
                                     "display.stream.src_width": "1280", "display.stream.src_height": "960",
                                     "display.stream.dest.top": "0", "display.stream.dest.left": "0",
                                     "display.stream.dest.bottom": "480", "display.stream.dest.right": "640",
                                     "display.clip.type": "0"}),
    ("display", R, "stream_data", {"display.stream.id": "3", "display.stream.mm_time": "5100",
                                   "display.stream.data_size": "4"}),
    ("display", R, "stream_data_sized", {"display.stream.id": "3", "display.stream.mm_time": "5200",
                                         "display.stream.width": "320", "display.stream.height": "240",
                                         "display.stream.dest.top": "10", "display.stream.dest.left": "20",
                                         "display.stream.dest.bottom": "250", "display.stream.dest.right": "340",
                                         "display.stream.data_size": "2"}),
    ("display", R, "stream_clip", {"display.stream.id": "3", "display.clip.type": "1", "display.clip.rects": "2"}),
    ("display", R, "stream_destroy", {"display.stream.id": "3"}),
    ("display", R, "stream_activate_report", {"display.stream.id": "3", "display.stream.report.unique_id": "77",
                                              "display.stream.report.max_window_size": "30",
                                              "display.stream.report.timeout_ms": "1000"}),
    ("display", S, "init", {"display.init.pixmap_cache_id": "1", "display.init.pixmap_cache_size": "20000000",
                            "display.init.glz_dictionary_id": "2", "display.init.glz_window_size": "8000000"}),
    ("display", S, "stream_report", {"display.stream.id": "3", "display.stream.report.unique_id": "77",
                                     "display.stream.report.start_mm_time": "5100",
                                     "display.stream.report.end_mm_time": "5200",
                                     "display.stream.report.frames": "30", "display.stream.report.drops": "2",
                                     "display.stream.report.last_frame_delay": "-15",
                                     "display.stream.report.audio_delay": "40"}),
    ("display", R, "monitors_config", {"display.monitors.count": "2", "display.monitors.max_allowed": "4",
                                       "display.head.id": "0,1", "display.head.surface_id": "0,0",
                                       "display.head.width": "1920,1280", "display.head.height": "1080,1024",
                                       "display.head.x": "0,1920", "display.head.y": "0,0",
                                       "display.head.flags": "0x00000000,0x00000000"}),
    ("inputs", R, "init", {"inputs.modifiers": "0x0002"}),
    ("inputs", S, "key_down", {"inputs.scancode": "0x0000001e"}),
    ("inputs", S, "key_up", {"inputs.scancode": "0x0000009e"}),
    ("inputs", S, "key_modifiers", {"inputs.modifiers": "0x0004"}),
    ("inputs", S, "key_scancode", {"inputs.scancode_bytes": "e048e0c8"}),  # up arrow pressed and released
    ("inputs", S, "mouse_motion", {"inputs.mouse.dx": "-5", "inputs.mouse.dy": "7", "inputs.mouse.buttons": "0x0001"}),
    ("inputs", S, "mouse_position", {"inputs.mouse.x": "100", "inputs.mouse.y": "200",
                                     "inputs.mouse.buttons": "0x0000", "inputs.mouse.display": "1"}),
    ("inputs", S, "mouse_press", {"inputs.mouse.button": "3", "inputs.mouse.buttons": "0x0004"}),
    ("inputs", S, "mouse_release", {"inputs.mouse.button": "3", "inputs.mouse.buttons": "0x0000"}),
    ("inputs", R, "key_modifiers", {"inputs.modifiers": "0x0001"}),
    ("cursor", R, "init", {"cursor.x": "10", "cursor.y": "20", "cursor.trail.length": "3",
                           "cursor.trail.frequency": "4", "cursor.visible": "1", "cursor.flags": "0x0001"}),
    ("cursor", R, "set", {"cursor.x": "-11", "cursor.y": "21", "cursor.visible": "1", "cursor.flags": "0x0000",
                          "cursor.unique": "0x0000000000000abc", "cursor.type": "0", "cursor.width": "32",
                          "cursor.height": "32", "cursor.hot_x": "1", "cursor.hot_y": "2"}),
    ("cursor", R, "move", {"cursor.x": "12", "cursor.y": "22"}),
    ("cursor", R, "hide", {}),
    ("cursor", R, "trail", {"cursor.trail.length": "5", "cursor.trail.frequency": "6"}),
    ("cursor", R, "inval_one", {"cursor.unique": "0x0000000000000abc"}),
    ("playback", R, "mode", {"playback.time": "100", "playback.mode": "3"}),  # opus
    ("playback", R, "start", {"playback.channels": "2", "playback.format": "1", "playback.frequency": "48000",
                              "playback.time": "101"}),
    ("playback", R, "data", {"playback.time": "102"}),
    ("playback", R, "volume", {"playback.volume.channels": "2", "playback.volume": "1000,2000"}),
    ("playback", R, "mute", {"playback.mute": "1"}),
    ("playback", R, "latency", {"playback.latency": "150"}),
    ("playback", R, "stop", {}),
]

# The real record-channel connection (after its link stage): the channel
# comes from the client's link message.
EXPECTED_RECORD = [
    ("record", R, "start", {"record.channels": "2", "record.format": "1", "record.frequency": "44100"}),
    ("record", R, "volume", {"record.volume.channels": "1", "record.volume": "3000"}),
    ("record", R, "mute", {"record.mute": "0"}),
    ("record", S, "mode", {"record.time": "500", "record.mode": "1"}),  # raw
    ("record", S, "start_mark", {"record.time": "501"}),
    ("record", S, "data", {"record.time": "502"}),
    ("record", R, "stop", {}),
]

# The short capture: (name, bytes the structure needs), one message per frame.
# make_body_capture's short bodies, in order: the message and the note that names what overran (the
# layouts are spice.proto's: surface_create's 8 bytes hold surface id and width; a u32 count of 1000000
# 2-byte channels; a notify message length of 0xffffffff; 3 monitors of 28 bytes; an image pointer of
# 0x7fffffff; 0x10000000 clip rects of 16 bytes; mouse x only; 200 u16 volumes; a cursor header cut
# before its type).
SHORT = [("surface_create", "Surface height (bytes 8 to 11) lies past the end of the 8-byte body"),
         ("channels_list", "channel count 1000000 needs more than the 6-byte body"),
         ("notify", "message length 4294967295 needs more than the 27-byte body"),
         ("monitors_config", "monitor count 3 needs more than the 8-byte body"),
         ("draw_copy", "image pointer 2147483647 points past the end of the 25-byte body"),
         ("draw_fill", "clip rect count 268435456 needs more than the 25-byte body"),
         ("mouse_position", "Mouse y (bytes 4 to 7) lies past the end of the 4-byte body"),
         ("volume", "volume channel count 200 needs more than the 3-byte body"),
         ("set", "Cursor type (bytes 15 to 15) lies past the end of the 15-byte body")]


# Our field and the built-in SPICE dissector's field for the same value.
BUILTIN = [("notify.severity", "notify_severity"), ("notify.visibility", "notify_visibility"),
           ("notify.what", "notify_code"), ("notify.message_len", "notify_message_length"),
           ("notify.message", "notify_message"), ("main.name", "main_name"),
           ("main.display_channels_hint", "display_channels_hint"), ("main.channels.count", "main_num_channels"),
           ("display.surface.width", "surface_width"), ("display.surface.height", "surface_height"),
           ("display.surface.format", "surface_format"), ("display.monitors.count", "monitor_config_count"),
           ("display.monitors.max_allowed", "monitor_config_max_allowed"), ("display.head.id", "display_head_id"),
           ("display.head.width", "display_head_width"), ("display.head.height", "display_head_height"),
           ("display.head.x", "display_head_x"), ("display.head.y", "display_head_y"),
           ("display.clip.type", "clip_type"), ("display.image.id", "image_id"),
           ("display.image.type", "image_type"), ("display.image.width", "image_width"),
           ("display.image.height", "image_height"), ("ack.generation", "red_set_ack_generation"),
           ("ack.window", "red_set_ack_window"), ("ping.id", "ping_id"), ("cursor.trail.length", "cursor_trail_len"),
           ("cursor.trail.frequency", "cursor_trail_freq"), ("cursor.flags", "cursor_flags"),
           ("inputs.modifiers", "keyboard_modifiers"), ("display.init.pixmap_cache_id", "display_init_cache_id"),
           ("display.init.pixmap_cache_size", "display_init_cache_size"),
           ("display.init.glz_dictionary_id", "display_init_glz_dict_id")]


@pytest.fixture(scope="module")
def captures(ts, make_body_capture_bin):
    """make_body_capture writes the three captures: (bodies, short, record)."""
    paths = ts.path("bodies.pcap"), ts.path("short.pcap"), ts.path("record.pcap")
    made = subprocess.run([make_body_capture_bin, *paths], capture_output=True, text=True)
    assert made.returncode == 0, "make_body_capture: %s" % made.stderr
    return dict(zip(("bodies", "short", "record"), paths))


@pytest.fixture(scope="module")
def real(fixtures_dir):
    return os.path.join(fixtures_dir, "ref", "qemu-kernel-nocompress.pcapng.gz")


@pytest.fixture(scope="module")
def tshark(ts):
    def tshark(capture, *args):
        """(exit status, stdout) of tshark [-r capture] args."""
        code, out, _ = ts.run(*args, capture=capture)
        return code, out
    return tshark


@pytest.fixture(scope="module")
def body_fields(tshark):
    """Every registered spicecap field that is a body field."""
    code, out = tshark(None, "-G", "fields")
    fields = [cols[2][len("spicecap."):] for cols in (line.split("\t") for line in out.splitlines())
              if len(cols) > 2 and cols[0] == "F" and cols[2].startswith("spicecap.")]
    return [f for f in fields if f not in HEADER and not f.startswith("link.")]


def test_expected_fields_registered(body_fields):
    """Every expected field is registered."""
    used = {f for _, _, _, values in EXPECTED + EXPECTED_RECORD for f in values}
    assert used <= set(body_fields), sorted(used - set(body_fields))


@pytest.fixture(scope="module")
def messages(tshark, captures, body_fields):
    """{capture: (exit status, [(channel, direction, name, {body field: value})])}, every message in order."""
    found = {}
    for which in ("bodies", "record"):
        code, out = tshark(captures[which], "-Y", "spicecap.name", "-T", "fields", "-E", "occurrence=a",
                           "-E", "aggregator=,", "-e", "spicecap.channel", "-e", "spicecap.direction",
                           "-e", "spicecap.name", *[a for f in body_fields for a in ("-e", "spicecap." + f)])
        rows = []
        for line in out.splitlines():
            cols = line.split("\t")
            rows.append((cols[0], cols[1], cols[2], {f: v for f, v in zip(body_fields, cols[3:]) if v}))
        found[which] = code, rows
    return found


SETS = {"bodies": (EXPECTED, "recorded capture"), "record": (EXPECTED_RECORD, "real record-channel connection")}


@pytest.mark.parametrize("which", list(SETS))
def test_message_count(messages, which):
    """One message of each decoded body: as many as expected."""
    expected, what = SETS[which]
    code, got = messages[which]
    assert code == 0 and len(got) == len(expected), "%s: exit %d, %d messages, want %d" % (
        what, code, len(got), len(expected))


BODIES = [pytest.param(which, i, id="%s-%02d-%s-%s-%s" % (which, i, *want[:3]))
          for which, (expected, _) in SETS.items() for i, want in enumerate(expected)]


@pytest.mark.parametrize("which,index", BODIES)
def test_body(messages, which, index):
    """The message at this place: exactly its body fields and values."""
    want = SETS[which][0][index]
    code, got = messages[which]
    have = got[index] if index < len(got) else None
    assert want == have, "\n  want %s\n  got  %s" % (want, have)


FILTERS = [("spicecap.display.head.width == 1280", "monitors_config"),
           ("spicecap.main.vdagent.type == 4", "agent_data"),
           ('spicecap.notify.message contains "hello"', "notify"),
           ("spicecap.main.channel.type == 5", "channels_list"),
           ("spicecap.cursor.trail.frequency == 6", "trail"),
           ("spicecap.playback.volume == 2000", "volume")]


@pytest.mark.parametrize("flt,want", FILTERS, ids=[w for _, w in FILTERS])
def test_display_filter(tshark, captures, flt, want):
    """The fields work in display filters: the filter finds exactly that message."""
    code, out = tshark(captures["bodies"], "-Y", flt, "-T", "fields", "-e", "spicecap.name")
    assert out.split() == [want], out


def test_well_formed_no_expert_info(tshark, captures):
    """Well-formed bodies raise no expert info."""
    code, out = tshark(captures["bodies"], "-q", "-z", "expert")
    assert code == 0 and "SPICEcap" not in out, out[-400:]


def test_short_body_note(tshark, captures):
    """Every short body raises the short-body note, naming the field or the count that overran and the
    body's size (its spicecap.size)."""
    code, out = tshark(captures["short"], "-T", "fields", "-e", "frame.number", "-e", "spicecap.name",
                       "-e", "spicecap.size", "-e", "_ws.expert.message")
    rows = [line.split("\t") for line in out.splitlines()]
    want = [[str(i + 1), name, re.search(r"the (\d+)-byte body", text).group(1), text]
            for i, (name, text) in enumerate(SHORT)]
    assert rows == want, "\n  want %s\n  got  %s" % (want, rows)


def test_short_body_filter(tshark, captures):
    """spicecap.short_body filters exactly those messages."""
    code, out = tshark(captures["short"], "-Y", "spicecap.short_body", "-T", "fields", "-e", "frame.number")
    assert out.split() == [str(i + 1) for i in range(len(SHORT))], out


def test_snapped_records_no_note(ts, tshark, captures):
    """Records cut at 80 bytes (a snaplen) hold less than their messages: nothing is malformed, every
    message still shown, no short-body note."""
    snapped = ts.path("snapped.pcap")
    cut = subprocess.run(["editcap", "-s", "80", captures["bodies"], snapped], capture_output=True, text=True)
    code, out = tshark(snapped, "-Y", "spicecap", "-T", "fields", "-e", "spicecap.name", "-e", "_ws.expert.message")
    rows = [line.split("\t") for line in out.splitlines()]
    assert cut.returncode == 0 and len(rows) == len(EXPECTED) and not any(r[1:] != [""] for r in rows), (
        cut.stderr, len(rows), [r for r in rows if r[1:] != [""]][:3])


def test_short_bodies_are_malformed_errors(tshark, captures):
    """tshark -z expert counts the short bodies as Malformed errors."""
    code, out = tshark(captures["short"], "-q", "-z", "expert")
    assert "Errors (%d)" % len(SHORT) in out, out[-600:]


@pytest.fixture(scope="module")
def real_values(tshark, real):
    """The real session: every value of each field, in order, from both dissectors:
    ((exit status, columns) of ours, (exit status, columns) of the built-in one)."""
    def values(dissector, fields):
        code, out = tshark(real, "-d", "tcp.port==%d,%s" % (REAL_PORT, dissector), "-T", "fields",
                           "-E", "occurrence=a", "-E", "aggregator=;", *[a for f in fields for a in ("-e", f)])
        columns = [[] for _ in fields]
        for line in out.splitlines():
            for column, cell in zip(columns, line.split("\t")):
                column += [v for v in cell.split(";") if v]
        return code, columns
    return values("spicecap", ["spicecap." + f for f, _ in BUILTIN]), values("spice", ["spice." + f for _, f in BUILTIN])


def test_real_session_both_dissectors_ran(real_values):
    (code_ours, _), (code_theirs, _) = real_values
    assert code_ours == 0 and code_theirs == 0, (code_ours, code_theirs)


@pytest.mark.parametrize("index", range(len(BUILTIN)), ids=[f for f, _ in BUILTIN])
def test_real_session_field_equals_builtin(real_values, index):
    """Real session: our field has values, each equal to the built-in dissector's field's, in order."""
    field, builtin = BUILTIN[index]
    a, b = real_values[0][1][index], real_values[1][1][index]
    assert a and a == b, "spicecap.%s vs spice.%s (%d values)\n  ours     %s\n  built-in %s" % (
        field, builtin, len(b), a[:5], b[:5])


def test_real_session_no_short_body(tshark, real):
    """Real session: no body is shorter than its structure."""
    code, out = tshark(real, "-d", "tcp.port==%d,spicecap" % REAL_PORT, "-Y", "spicecap.short_body")
    assert code == 0 and out == "", out[:300]
