"""spicecap-render and spicecap-replay on real SPICE sessions (qemu's SPICE server, remote-viewer,
captured on lo), against the guest's own framebuffer at each checkpoint (qemu's screendump, saved
as a PNG while the session was recorded): an answer that does not come from spicecap.

Sessions: fixtures/replay/ (kshell-glz: the raw pcap, its ryll --capture directory and its
AutoSnapshot, the checkpoints), and every session of ../shared/replay/ when it is there. The PNGs
are read by png_pixels.py, written for these tests."""
import csv
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pcapio  # noqa: E402
import png_pixels  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(SOURCE), "shared", "replay")


def sessions():
    """(folder, name) of every session with checkpoints: the fixture, and ../shared's."""
    out = []
    for folder in (os.path.join(SOURCE, "fixtures", "replay"), SHARED):
        if os.path.isdir(folder):
            out += [(folder, f[:-len(".checkpoints.tsv")]) for f in sorted(os.listdir(folder))
                    if f.endswith(".checkpoints.tsv")]
    return out


def checkpoints(folder, name):
    with open(os.path.join(folder, name + ".checkpoints.tsv")) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def every_checkpoint():
    return [pytest.param(folder, name, cp, id="%s-%s-cp%s" % (os.path.basename(folder), name, cp["cp"]))
            for folder, name in sessions() for cp in checkpoints(folder, name)]


def every_session():
    return [pytest.param(folder, name, id="%s-%s" % (os.path.basename(folder), name)) for folder, name in sessions()]


def run(cmd, timeout=120):
    env = dict(os.environ)
    # spice-gtk's coroutines switch stacks (ucontext): ASan warns once and may report falsely on
    # the stack-use-after-return check, which these runs do not use.
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_stack_use_after_return=0"
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    return p.returncode, p.stdout, p.stderr


def pcap_files(path):
    if os.path.isdir(path):
        return [os.path.join(path, f) for f in sorted(os.listdir(path)) if f.endswith(".pcap")]
    return [path]


def earliest_record_s(path):
    """The earliest record of a file or a directory's pcaps, in seconds (its clock's origin)."""
    times = []
    for f in pcap_files(path):
        cap = pcapio.read_pcap_file(f)
        times += [cap.ts_us(r) / 1e6 for r in cap.records[:1]]
    return min(times)


def display_gaps(path, until_s):
    """Seq gaps in the server-to-client display flow (10.0.0.2:5900 -> port 10002) of a ryll
    recording, up to a time on its own clock: counted here from the records, not by spicecap."""
    gaps, origin = 0, earliest_record_s(path)
    for f in pcap_files(path):
        cap = pcapio.read_pcap_file(f)
        next_seq = None
        for r in cap.records:
            seg = pcapio.parse_tcp(r.data)
            if not seg or seg.sport != 5900 or seg.dport != 10002 or not seg.payload:
                continue
            if cap.ts_us(r) / 1e6 - origin > until_s:
                break
            if next_seq is not None and seg.seq != next_seq:
                gaps += 1
            next_seq = (seg.seq + len(seg.payload)) & 0xFFFFFFFF
    return gaps


def render(render_bin, source, at, out):
    code, stdout, stderr = run([render_bin, source, "--at", "%.6f" % at, "-o", out])
    m = re.search(r"has (\d+) gaps? before that time", stdout)
    return code, stdout, stderr, int(m.group(1)) if m else 0


@pytest.fixture
def work():
    d = tempfile.mkdtemp(prefix="spicecap-render-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("folder,name,cp", every_checkpoint())
def test_raw_capture_renders_the_guest_screen(render_bin, work, folder, name, cp):
    """The raw capture (link stage included) at a checkpoint's t_rel: the guest's screendump, pixel
    for pixel."""
    out = os.path.join(work, "screen.png")
    code, stdout, stderr, lacking = render(render_bin, os.path.join(folder, name + ".pcap"), float(cp["t_rel"]), out)
    assert code == 0, stderr
    assert lacking == 0 and "made:" not in stdout and "not served:" not in stdout, stdout
    assert png_pixels.differing_pixels(out, os.path.join(folder, cp["png"])) == 0


@pytest.mark.parametrize("folder,name,cp", every_checkpoint())
def test_capture_directory_renders_the_guest_screen(render_bin, work, folder, name, cp):
    """ryll's --capture directory of the same session (one pcap per channel, received data per
    socket read, no link stage, ryll's snaplen loss) at the same moment on its own clock (t_rel less
    its earliest record): the screendump, pixel for pixel, unless the directory lacks display
    bytes by then; then the render names as many gaps as the display flow's records hold."""
    live = os.path.join(folder, name + "-live")
    at = float(cp["t_rel"]) - earliest_record_s(live)
    out = os.path.join(work, "screen.png")
    code, stdout, stderr, lacking = render(render_bin, live, at, out)
    assert code == 0, stderr
    assert lacking == display_gaps(live, at), stdout
    differing = png_pixels.differing_pixels(out, os.path.join(folder, cp["png"]))
    assert differing == 0 or lacking > 0, (differing, stdout)


@pytest.mark.parametrize("folder,name", every_session())
def test_autosnapshot_renders_to_its_end(render_bin, work, folder, name):
    """The session's AutoSnapshot (every ring drained into one pcap) renders to its last record
    without error, says what it lacked, and shows the last checkpoint's screen."""
    snap = os.path.join(folder, name + "-autosnap.pcap")
    cap = pcapio.read_pcap_file(snap)
    end = (cap.ts_us(cap.records[-1]) - cap.ts_us(cap.records[0])) / 1e6
    out = os.path.join(work, "screen.png")
    code, stdout, stderr, lacking = render(render_bin, snap, end, out)
    assert code == 0, stderr
    assert lacking == display_gaps(snap, end), stdout
    last = checkpoints(folder, name)[-1]
    assert png_pixels.differing_pixels(out, os.path.join(folder, last["png"])) == 0


def cut_before(src, dst, seconds):
    """A copy of a pcap without its records of the first SECONDS: a ring that starts mid-session."""
    cap = pcapio.read_pcap_file(src)
    first = cap.ts_us(cap.records[0])
    with open(dst, "wb") as f:
        f.write(cap.header())
        for r in cap.records:
            if cap.ts_us(r) - first >= seconds * 1e6:
                f.write(cap.record_bytes(r))


def test_ring_from_mid_session_is_made_whole(render_bin, work):
    """An AutoSnapshot whose rings start 50 s into the session lacks the main channel's init and
    channel list and the display's surface: the render makes them and says so. Its GLZ images may
    refer to dictionary images from before the ring (spice-gtk would wait for them without end):
    they are not served, and the render says how many, and ends."""
    folder = os.path.join(SOURCE, "fixtures", "replay")
    ring = os.path.join(work, "ring.pcap")
    cut_before(os.path.join(folder, "kshell-glz-autosnap.pcap"), ring, 50)
    out = os.path.join(work, "screen.png")
    started = time.monotonic()
    code, stdout, stderr, _ = render(render_bin, ring, 1000, out)
    assert code == 0 and time.monotonic() - started < 20, stderr
    assert "made: main: the recording holds no init" in stdout
    assert "made: main: the recording holds no channel list" in stdout
    assert re.search(r"made: display 0: the recording creates no surface before its first draw; surface 0 is made "
                     r"\d+x\d+", stdout), stdout
    m = re.search(r"not served: display 0: (\d+) draws: GLZ images", stdout)
    assert m, stdout
    # Every GLZ draw of the ring's display flow is one the render names or served (here all of
    # them refer back past the ring's start: the window holds the whole session's small images).
    assert int(m.group(1)) > 0


def test_bad_input_and_times(render_bin, work):
    """Documented exit statuses: 2 for an input that cannot be read or a bad time, naming it; 1 for
    a time with no screen yet; no PNG left behind."""
    out = os.path.join(work, "screen.png")
    text = os.path.join(work, "notes.txt")
    with open(text, "w") as f:
        f.write("not a capture\n")
    raw = os.path.join(SOURCE, "fixtures", "replay", "kshell-glz.pcap")
    for args, status, words in [
        (["/nonexistent.pcap", "--at", "1"], 2, "/nonexistent.pcap"),
        ([text, "--at", "1"], 2, text),
        ([raw, "--at", "-1"], 2, "'-1' is not a time"),
        ([raw, "--at", "nan"], 2, "'nan' is not a time"),
        ([raw, "--at-frame", "100000"], 2, "has no frame 100000"),
        ([raw, "--at", "1", "--at-frame", "2"], 2, "usage"),
        ([raw, "--at", "0.01"], 1, "opened no display channel"),
    ]:
        code, stdout, stderr = run([render_bin] + args + ["-o", out])
        assert code == status and words in stderr, (args, code, stderr)
        assert not os.path.exists(out) and not [f for f in os.listdir(work) if f.startswith("screen.png")]


def test_at_frame_is_that_frames_time(render_bin, work):
    """--at-frame N renders at frame N's time: the same screen as --at with that frame's
    frame.time_relative (from the pcap's own records)."""
    folder = os.path.join(SOURCE, "fixtures", "replay")
    raw = os.path.join(folder, "kshell-glz.pcap")
    cap = pcapio.read_pcap_file(raw)
    n = 600
    at = (cap.ts_us(cap.records[n - 1]) - cap.ts_us(cap.records[0])) / 1e6
    a, b = os.path.join(work, "a.png"), os.path.join(work, "b.png")
    assert run([render_bin, raw, "--at-frame", str(n), "-o", a])[0] == 0
    assert render(render_bin, raw, at, b)[0] == 0
    assert png_pixels.differing_pixels(a, b) == 0


def plain_user():
    """Root runs the GUI client as nobody (65534), as a user would run it."""
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.getuid() == 0 else []


@pytest.mark.parametrize("folder,name", every_session())
def test_remote_viewer_shows_the_same_screen(replay_bin, work, folder, name):
    """remote-viewer (spice-gtk's GTK client) under Xvfb, as a plain user, connected to
    spicecap-replay --until a checkpoint's t_rel: its guest area (at 5,51 in the 1280x1024 screen,
    where the recording's own client screenshots have it) equals the screendump."""
    cp = checkpoints(folder, name)[1]
    os.chmod(work, 0o777)
    display = ":%d" % (90 + os.getpid() % 50)
    port = str(20000 + os.getpid() % 20000)
    procs = []
    try:
        procs.append(subprocess.Popen([replay_bin, os.path.join(folder, name + ".pcap"), "--port", port,
                                       "--as-fast", "--until", cp["t_rel"]],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        procs.append(subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(1.5)
        env = {"PATH": "/usr/bin:/bin", "HOME": work, "DISPLAY": display, "XDG_RUNTIME_DIR": work}
        procs.append(subprocess.Popen(plain_user() + ["remote-viewer", "spice://127.0.0.1:" + port], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        shot, guest = os.path.join(work, "screen.png"), os.path.join(work, "guest.png")
        differing = None
        for _ in range(30):  # until the window has drawn the served screen
            time.sleep(1)
            if subprocess.run(["import", "-display", display, "-window", "root", "png24:" + shot],
                              capture_output=True).returncode != 0:
                continue
            width, height, rows = png_pixels.read_rgb(shot)
            crop_png(rows, 5, 51, 720, 400, guest)
            differing = png_pixels.differing_pixels(guest, os.path.join(folder, cp["png"]))
            if differing == 0:
                break
        assert differing == 0, differing
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    log = procs[0].stdout.read()
    assert "display 0: sent" in log and "main 0: the client left" in log, log


def crop_png(rows, x, y, width, height, path):
    """Writes the WIDTHxHEIGHT area at X,Y of RGB rows as a PNG (zlib, no filter)."""
    import zlib
    raw = b"".join(b"\x00" + row[3 * x:3 * (x + width)] for row in rows[y:y + height])

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def report_zip(path, pcap, trigger, extra=()):
    """A bug report zip as ryll stores it (no compression): metadata.json with the trigger on
    traffic.pcap's clock, then traffic.pcap, then any (name, bytes) given."""
    import json
    import zipfile
    meta = {"ryll_version": "0.1.9", "ryll_git_sha": "test", "platform_os": "linux", "platform_arch": "x86_64",
            "report_type": "AutoSnapshot", "channel": "all", "description": "replay test", "region": None,
            "timestamp": "2026-12-08T00:00:00Z", "target_host": "127.0.0.1", "target_port": 5961,
            "session_uptime_secs": trigger, "triggered_at": "2026-12-08T00:00:00Z", "triggered_uptime_secs": trigger}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("metadata.json", json.dumps(meta))
        with open(pcap, "rb") as f:
            z.writestr("traffic.pcap", f.read())
        for name, data in extra:
            z.writestr(name, data)


def test_report_zip_renders_at_its_trigger(render_bin, work):
    """A bug report zip holding the AutoSnapshot, triggered at checkpoint 2 (triggered_uptime_secs on
    traffic.pcap's clock, whose records are t_rel values): --trigger gives that checkpoint's screen,
    and --at with the trigger less the first record's time the same."""
    folder = os.path.join(SOURCE, "fixtures", "replay")
    cp = checkpoints(folder, "kshell-glz")[1]
    report = os.path.join(work, "report.zip")
    report_zip(report, os.path.join(folder, "kshell-glz-autosnap.pcap"), float(cp["t_rel"]))
    out = os.path.join(work, "trigger.png")
    code, stdout, stderr = run([render_bin, report, "--trigger", "-o", out])
    assert code == 0, stderr
    assert png_pixels.differing_pixels(out, os.path.join(folder, cp["png"])) == 0
    # A trigger before the first record: the screen at that record, said.
    early = os.path.join(work, "early.zip")
    report_zip(early, os.path.join(folder, "kshell-glz-autosnap.pcap"), 0.0)
    code, stdout, stderr = run([render_bin, early, "--trigger", "-o", out])
    assert "lies" in stdout and "before the recording's first frame" in stdout, stdout
    # Triggers that are no time: exit 2, named.
    for bad in (-1.0, 1e300):
        report_zip(early, os.path.join(folder, "kshell-glz-autosnap.pcap"), bad)
        code, stdout, stderr = run([render_bin, early, "--trigger", "-o", out])
        assert code == 2 and "triggered_uptime_secs" in stderr, (bad, code, stderr)


def test_report_screenshot_compared(render_bin, work):
    """A report zip with ryll's screenshot.png: the same picture as the reference rendering gives exit
    0 and says so; another (the next checkpoint's screendump, as if ryll drew wrong) gives exit 1,
    the count of differing pixels and their box as this test counts them from the two PNGs, a diff
    image whose red pixels are exactly those, and an --html page holding all three images."""
    folder = os.path.join(SOURCE, "fixtures", "replay")
    cps = checkpoints(folder, "kshell-glz")
    snap = os.path.join(folder, "kshell-glz-autosnap.pcap")
    for shot, status in ((cps[1]["png"], 0), (cps[2]["png"], 1)):
        with open(os.path.join(folder, shot), "rb") as f:
            report = os.path.join(work, "report.zip")
            report_zip(report, snap, float(cps[1]["t_rel"]), [("screenshot.png", f.read())])
        out, page = os.path.join(work, "screen.png"), os.path.join(work, "page.html")
        code, stdout, stderr = run([render_bin, report, "--trigger", "-o", out, "--html", page])
        assert code == status, (code, stdout, stderr)
        w, h, ref = png_pixels.read_rgb(out)
        _, _, shot_rows = png_pixels.read_rgb(os.path.join(folder, shot))
        differ = [(x, y) for y in range(h) for x in range(w) if ref[y][3 * x:3 * x + 3] != shot_rows[y][3 * x:3 * x + 3]]
        with open(page) as f:
            html = f.read()
        assert html.count("data:image/png;base64,") == 3 and 'data-differing="%d"' % len(differ) in html
        if not differ:
            assert "screenshot.png: the same 720x400 pixels as the rendering" in stdout
            continue
        xs, ys = [x for x, _ in differ], [y for _, y in differ]
        assert "screenshot.png: %d of %d pixels differ, in the box at %d,%d of %dx%d" % (
            len(differ), w * h, min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1) in stdout, stdout
        _, _, diff = png_pixels.read_rgb(os.path.join(work, "screen-diff.png"))
        red = {(x, y) for y in range(h) for x in range(w) if diff[y][3 * x:3 * x + 3] == b"\xff\x00\x00"}
        assert red == set(differ)


def test_capture_of_two_client_sessions(render_bin, work):
    """A capture holding two client sessions (the fixture's session, then the same again 1000 s
    later: qemu gave both the same session id): the render says so and serves the first; --session 2
    serves the second, whose checkpoint 2 falls at 1000 s plus its t_rel; --session 3 is refused."""
    folder = os.path.join(SOURCE, "fixtures", "replay")
    cps = checkpoints(folder, "kshell-glz")
    cap = pcapio.read_pcap_file(os.path.join(folder, "kshell-glz.pcap"))
    two = os.path.join(work, "two.pcap")
    with open(two, "wb") as f:
        f.write(cap.header())
        for shift in (0, 1000):
            for r in cap.records:
                f.write(pcapio.record(r.data, r.ts_sec + shift, r.ts_frac, r.caplen, r.origlen, cap.byteorder))
    out = os.path.join(work, "screen.png")
    at = ["--at", "%.6f" % (1000 + float(cps[1]["t_rel"]))]
    code, stdout, _ = run([render_bin, two] + at + ["-o", out])
    assert code == 0 and "the capture holds 2 client sessions" in stdout, stdout
    assert png_pixels.differing_pixels(out, os.path.join(folder, cps[-1]["png"])) == 0
    assert run([render_bin, two, "--session", "2"] + at + ["-o", out])[0] == 0
    assert png_pixels.differing_pixels(out, os.path.join(folder, cps[1]["png"])) == 0
    code, _, stderr = run([render_bin, two, "--session", "3"] + at + ["-o", out])
    assert code == 2 and "holds 2 client sessions" in stderr, stderr


def test_replay_bad_input(replay_bin, work):
    """spicecap-replay's documented exit status 2, the input or option named, for what it cannot
    serve; it listens on 127.0.0.1 unless told."""
    raw = os.path.join(SOURCE, "fixtures", "replay", "kshell-glz.pcap")
    for args, words in [
        (["/nonexistent.pcap"], "/nonexistent.pcap"),
        ([raw, "--port", "0"], "--port 0"),
        ([raw, "--port", "70000"], "--port 70000"),
        ([raw, "--speed", "0"], "--speed 0"),
        ([raw, "--listen", "not-an-address", "--port", "5999"], "not an IPv4 address"),
        ([raw, "--until", "-3"], "'-3' is not a time"),
        ([raw, "--until-trigger"], "needs a bug report zip"),
        ([raw, "--session", "2"], "holds 1 client session"),
    ]:
        code, stdout, stderr = run([replay_bin] + args, timeout=30)
        assert code == 2 and words in stderr, (args, code, stderr)
