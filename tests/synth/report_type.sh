#!/usr/bin/env bash
# --bugreport --report-type: metadata.json names ryll's BugReportType and the
# channel ryll's channel_name gives it, and traffic.pcap holds that channel's
# ring only (an auto-snapshot: every ring). The expected names and client
# ports are ryll's (bugreport.rs channel_name, capture.rs channel_port), typed
# here; the zip and the pcap are read with Python's zipfile and tests/pcapio.py.
# Usage: report_type.sh SPICECAP_SYNTH
set -euo pipefail
synth=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for type in auto-snapshot display input cursor connection usb; do
  "$synth" --scenario desktop --seed 3 -d 1 --max-image 64K --report-type "$type" --bugreport "$work/$type.zip"
done
PYTHONPATH=$(dirname "$0")/.. python3 - "$work" <<'PY'
import json, os, sys, zipfile
import pcapio
work = sys.argv[1]
RYLL = {"auto-snapshot": ("AutoSnapshot", "all"), "display": ("Display", "display"), "input": ("Input", "inputs"),
        "cursor": ("Cursor", "cursor"), "connection": ("Connection", "main"), "usb": ("Usb", "usbredir")}
PORT = {"main": 10001, "display": 10002, "inputs": 10003, "cursor": 10004, "usbredir": 10009}
for option, (variant, channel) in RYLL.items():
    with zipfile.ZipFile(os.path.join(work, option + ".zip")) as z:
        meta = json.loads(z.read("metadata.json"))
        records = pcapio.read_pcap(z.read("traffic.pcap")).records
    assert (meta["report_type"], meta["channel"]) == (variant, channel), (option, meta)
    ports = set()
    for rec in records:
        seg = pcapio.parse_tcp(rec.data)
        ports.add(seg.dport if seg.sport == 5900 else seg.sport)
    if channel == "all":
        assert len(ports) > 3, (option, ports)
    else:
        assert ports == {PORT[channel]}, (option, ports)
    print("ok: --report-type %s: %s, channel %s, %d records on ports %s" % (option, variant, channel, len(records),
                                                                          sorted(ports)))
PY
