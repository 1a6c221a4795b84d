#!/usr/bin/env bash
# SIGKILL the live writer at random moments (kill_writer.c, BATCHES x RUNS
# times) and read every file back: kill_writer checks the bytes against what
# the writer was given; here spicecap-validate must report, per file, at most
# one finding, and exactly the one kill_writer expects: truncated-file when the
# file ends inside a record, message-truncated when it ends between two
# segments of a message, nothing when it ends on a message boundary.
# Usage: kill_writer.sh KILL_WRITER SPICECAP_VALIDATE [BATCHES RUNS MAX_DELAY_US]
set -euo pipefail
kill_writer=$1 validate=$2 batches=${3:-6} runs=${4:-50} max_delay=${5:-4000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
for batch in $(seq 1 "$batches"); do
  dir=$work/batch-$batch
  mkdir "$dir"
  "$kill_writer" "$dir" "$runs" "$batch" "$max_delay" || failures=$((failures + 1))
  set +e
  "$validate" --json "$dir" >"$dir/report.json" 2>"$dir/stderr"
  rc=$?
  set -e
  python3 - "$dir" "$rc" <<'PY' || failures=$((failures + 1))
import json, os, sys
d, rc = sys.argv[1], int(sys.argv[2])
report = json.load(open(os.path.join(d, "report.json")))
expected = {}
for line in open(os.path.join(d, "expect.txt")):
    name, ending, records = line.split()
    expected[name] = (ending, int(records))
want = {"torn": ["truncated-file"], "cut": ["message-truncated"], "whole": []}
problems = 0
by_file = {}
for f in report["findings"]:
    by_file.setdefault(os.path.basename(f["file"]), []).append(f)
files = {os.path.basename(s["path"]): s for s in report["files"]}
for name, (ending, records) in sorted(expected.items()):
    kinds = [f["kind"] for f in by_file.get(name, [])]
    # A torn record's frame is the one after the last whole record.
    frames_ok = all(f["frame"] <= records + 1 for f in by_file.get(name, []))
    if kinds != want[ending] or not frames_ok or files[name]["records"] != records:
        print("FAIL: %s ends %s after %d records, but the validator read %d and found %s" %
              (name, ending, records, files[name]["records"], by_file.get(name, [])))
        problems += 1
status = 1 if any(want[e] for e, _ in expected.values()) else 0
if rc != status:
    print("FAIL: spicecap-validate exited %d, expected %d" % (rc, status))
    problems += 1
print("batch %s: %d files, %d torn final records reported, %d cut messages reported, %d problems" % (
    os.path.basename(d), len(expected), sum(e == "torn" for e, _ in expected.values()),
    sum(e == "cut" for e, _ in expected.values()), problems))
sys.exit(1 if problems else 0)
PY
  rm -rf "$dir"
done
echo "$((batches - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
