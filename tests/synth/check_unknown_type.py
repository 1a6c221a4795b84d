#!/usr/bin/env python3
"""Independent check of --unknown-type: the manifest's unknown_type names a
display type that spice-protocol's enums.h does not define (read here from
the header, not from the generator's tables), exactly one message of the
manifest has it, with no name, at the index unknown_type.message; and the
capture's own bytes hold that message: its mini header at its seq says the
type and size (check_ryll.py proves every other byte of it), and, where the
display flow from the server has no gap, a walk of its mini headers from its
first byte finds that type exactly once.

Usage: check_unknown_type.py MANIFEST.json CAPTURE [TYPE]   (TYPE: what the command line asked for)
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_ryll  # noqa: E402  (the pcap walk of the ryll checks)

ENUMS = "/usr/include/spice-1/spice/enums.h"


def display_server_types(path=ENUMS):
    """The values of every SPICE_MSG_DISPLAY_* and base SPICE_MSG_* enumerator (C's counting rules)."""
    types = set()
    for block in re.findall(r"enum\s*\{(.*?)\}", open(path).read(), re.S):
        members = re.findall(r"(\w+)\s*(?:=\s*(\w+))?\s*,?", block)
        base = bool(members) and members[0][0] == "SPICE_MSG_MIGRATE"  # the block every channel shares
        value = -1
        for name, given in members:
            value = int(given, 0) if given else value + 1
            marker = name.startswith("SPICE_MSG_END_") or name.endswith("_LAST")
            if (base or name.startswith("SPICE_MSG_DISPLAY_")) and not marker:
                types.add(value)
    return types


def main():
    manifest_path, capture = sys.argv[1], sys.argv[2]
    manifest = json.load(open(manifest_path))
    u = manifest.get("unknown_type")
    problems = []
    if u is None:
        raise SystemExit("%s: no unknown_type" % manifest_path)
    known = display_server_types()
    if not {3, 4, 302, 304, 314} <= known:  # set_ack, ping, draw_fill, draw_copy, surface_create
        raise SystemExit("%s: could not read the display types (%d found)" % (ENUMS, len(known)))
    t = u["type"]
    if len(sys.argv) > 3 and t != int(sys.argv[3]):
        problems.append("unknown_type.type %d, the command line asked for %s" % (t, sys.argv[3]))
    if t in known:
        problems.append("type %d is a display type spice-protocol defines" % t)
    if (u["channel"], u["direction"]) != ("display", "received"):
        problems.append("unknown_type on %s %s" % (u["channel"], u["direction"]))
    listed = [i for i, m in enumerate(manifest["messages"])
              if (m["channel"], m["direction"], m["type"]) == ("display", "received", t)]
    if listed != [u["message"]] or manifest["messages"][listed[0]]["name"] is not None:
        problems.append("messages of type %d at %s, unknown_type.message %s" % (t, listed, u["message"]))
    files = check_ryll.load(capture)
    m = manifest["messages"][u["message"]]
    _, records = files[m["file"]]
    flow = [r for r in records if r["flow"] == ("display", "received")]
    head = b""
    for r in flow:  # the bytes from its seq on, up to its mini header's 6
        rel = check_ryll.mod(m["seq"] - r["seq"])
        if rel < len(r["payload"]) or (head and r["seq"] == check_ryll.mod(m["seq"] + len(head))):
            head += r["payload"][rel if not head else 0:][:6 - len(head)]
        if len(head) >= 6:
            break
    if m["held"] == "whole" and head[:6] != t.to_bytes(2, "little") + (m["wire_size"] - 6).to_bytes(4, "little"):
        problems.append("the bytes at seq %d are %s, not a mini header of type %d" % (m["seq"], head.hex(), t))
    walked = "not walked (the flow has gaps)"
    if not check_ryll.chain_gaps(flow):
        types = [mt for _, mt, _ in check_ryll.walk(flow, set()).get(("display", "received"), [])]
        walked = "walked %d display messages, %d of type %d" % (len(types), types.count(t), t)
        if types.count(t) != 1:
            problems.append(walked)
    problems += check_ryll.problems
    for p in problems:
        print(p)
    print("%s: type %d (%s), message %d %s, %s: %s" % (capture, t, "unknown to enums.h" if t not in known else "KNOWN",
                                                       u["message"], m["held"], walked,
                                                       "OK" if not problems else "%d problems" % len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
