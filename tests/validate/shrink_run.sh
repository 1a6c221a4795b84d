#!/usr/bin/env bash
# One unreadable file does not end the run: a capture cut short while the
# validator reads it (shrink_shim.so truncates it once the pager asks for
# its pages past 16 MiB) is named unreadable, exit 2, and the file after it
# is still checked and reported, its report the same as when run alone.
# Usage: shrink_run.sh SPICECAP_VALIDATE SHIM.so SPICECAP_SYNTH SOURCE_DIR
set -euo pipefail
validate=$1 shim=$2 synth=$3 src=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
"$synth" --scenario video --rate 20M --duration 2 --seed 1 -o "$tmp/shrinks.pcap"
other=$src/fixtures/clean/desktop.pcap
at=$((16 << 20))
status=0
LD_PRELOAD=$shim SPICECAP_SHRINK_FILE=$(realpath "$tmp/shrinks.pcap") SPICECAP_SHRINK_AT=$at \
  "$validate" --json "$tmp/shrinks.pcap" "$other" >"$tmp/both.json" 2>"$tmp/err" || status=$?
"$validate" --json "$other" >"$tmp/alone.json" || true
python3 - "$tmp" "$status" "$at" "$other" <<'PY'
import json, re, sys
tmp, status, at, other = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
err = open(tmp + "/err").read()
both, alone = json.load(open(tmp + "/both.json")), json.load(open(tmp + "/alone.json"))
fails = []
if status != 2:
    fails.append("exit %d, not 2" % status)
m = re.search(r"spicecap-validate: (\S+): the file shrank while it was read \(its bytes at offset (\d+) are gone\): "
              r"no report of the rest\n", err)
if not m or not m.group(1).endswith("shrinks.pcap") or int(m.group(2)) < at:
    fails.append("stderr does not name the file and an offset past %d: %r" % (at, err))
if "Sanitizer" in err or "runtime error" in err:
    fails.append("sanitizer: " + err[-2000:])
files = {f["path"]: f for f in both["files"]}
if files.get(other) != alone["files"][0]:
    fails.append("the second file's report differs from its report alone")
if [f for f in both["findings"] if f["file"] == other] != alone["findings"]:
    fails.append("the second file's findings differ from its findings alone")
shrunk = [f for p, f in files.items() if p.endswith("shrinks.pcap")]
if not shrunk or not any("checked up to there" in n for n in shrunk[0]["notes"]):
    fails.append("the shrunk file's note is missing")
print("\n".join("FAIL: " + f for f in fails) or "shrink_run: passed (%s)" % err.strip())
sys.exit(1 if fails else 0)
PY
