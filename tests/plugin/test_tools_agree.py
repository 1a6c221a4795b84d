"""The validator and the plugin walk a SPICE stream by one set of rules (the
shared walker, format/spice_walker.c): on connections that stop being
SPICE-framed (SASL, a refused link reply, a refused link result) and on one
that does not, both tools must frame the same messages and stop in the same
places. Each connection is made here byte by byte; what the tools must find
is written beside it.

Run by ctest (plugin_and_validator_agree); one check by hand, e.g.
python3 -m pytest tests/plugin/test_tools_agree.py -k sasl"""
import json
import struct
import subprocess

import pytest

from test_real_capture import AUTH_SPICE, session_pcap

CAP_MINI_HEADER = 1 << 3
AUTH_MECHANISM_SASL = 2
LINK_ERR_PERMISSION_DENIED = 7


def mini(msg_type, body):
    return struct.pack("<HI", msg_type, len(body)) + body


# (name, client caps, server caps, client bytes after the link message, server bytes after the reply, error,
#  messages each tool must frame, whether both directions must stop)
CONNECTIONS = [
    ("sasl", AUTH_SPICE | 1 << 2, AUTH_SPICE | 1 << 2,
     [struct.pack("<I", AUTH_MECHANISM_SASL), bytes(40)], [bytes(30)], 0, 0, True),
    ("refused-reply", AUTH_SPICE, AUTH_SPICE, [bytes(20)], [bytes(8)], LINK_ERR_PERMISSION_DENIED, 0, True),
    # The server refuses in its link result, after the client's ticket; what
    # both send next would parse as mini-header messages, were the link up.
    ("refused-result", CAP_MINI_HEADER, CAP_MINI_HEADER,
     [bytes(128), mini(1, bytes(4))], [struct.pack("<I", LINK_ERR_PERMISSION_DENIED), mini(4, bytes(12))],
     0, 0, True),
    ("accepted", CAP_MINI_HEADER, CAP_MINI_HEADER,
     [bytes(128), mini(1, bytes(4)) + mini(3, bytes(12))], [struct.pack("<I", 0), mini(4, bytes(12))], 0, 3, False),
]


@pytest.fixture(scope="module", params=CONNECTIONS, ids=[c[0] for c in CONNECTIONS])
def connection(request, ts):
    name, client_caps, server_caps, client_after, server_after, error, messages, stops = request.param
    path = ts.path(name + ".pcap")
    session_pcap(path, client_caps, server_caps, client_after, server_after, error=error)
    return path, messages, stops


def validated(validate_bin, path):
    p = subprocess.run([validate_bin, "--json", path], capture_output=True, text=True, timeout=120)
    return p.returncode, json.loads(p.stdout)


def test_validator_frames_what_it_must(validate_bin, connection):
    path, messages, stops = connection
    code, report = validated(validate_bin, path)
    assert code == 0 and report["findings"] == [], report
    counted = sum(c["messages"] for c in report["files"][0]["channels"].values())
    assert counted == messages, report
    stopped = [n for n in report["files"][0]["notes"] if "cannot be framed" in n]
    assert len(stopped) == (2 if stops else 0), report["files"][0]["notes"]


def test_plugin_frames_what_it_must(ts, connection):
    path, messages, stops = connection
    code, out, err = ts.run("-Y", "spicecap.name", "-T", "fields", "-e", "spicecap.name", capture=path)
    assert code == 0, err
    names = [n for line in out.split() for n in line.split(",") if n]
    assert len(names) == messages, out
    code, out, err = ts.run("-Y", "spicecap.unframed", "-T", "fields", "-e", "tcp.srcport", capture=path)
    assert code == 0, err
    # Both directions end as bytes that cannot be framed, as the validator's two notes say.
    assert set(out.split()) == ({"5900", "40000"} if stops else set()), out


def test_tools_agree(validate_bin, ts, connection):
    """Message for message: the validator's count by channel equals the plugin's."""
    path, _, _ = connection
    _, report = validated(validate_bin, path)
    by_channel = {name: c["messages"] for name, c in report["files"][0]["channels"].items() if c["messages"]}
    _, out, _ = ts.run("-Y", "spicecap.name", "-T", "fields", "-e", "spicecap.channel", capture=path)
    plugin = {}
    for line in out.split():
        for channel in line.split(","):
            plugin[channel] = plugin.get(channel, 0) + 1
    assert plugin == by_channel, (plugin, by_channel)
