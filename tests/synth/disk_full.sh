#!/usr/bin/env bash
# spicecap-synth on a full disk (a 256 KiB tmpfs) and on a read-only one:
# exit 2, a message naming the file, no partial or temporary file left, and a
# file already at the target unchanged. --live files written before the disk
# filled read back whole up to their last record (spicecap-validate: at most
# the torn end of each). The mounts live in a private mount namespace, so
# nothing stays mounted whatever happens. Needs root (CI runs as root).
# Usage: disk_full.sh SPICECAP_SYNTH SPICECAP_VALIDATE
set -uo pipefail
if [ "${1:-}" != --inside ]; then
  exec unshare --mount --propagation private bash "$0" --inside "$@"
fi
shift
synth=$1 validate=$2
work=$(mktemp -d)
trap 'umount "$work/full" "$work/ro" 2>/dev/null; rm -rf "$work"' EXIT
mkdir "$work/full" "$work/ro"
mount -t tmpfs -o size=256k spicecap-full "$work/full" || exit 1
full=$work/full
passed=0 failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }

# Run synth; it must exit 2 naming $named, leave the directory's listing as it
# was and every file in it with its old bytes.
expect_clean_failure() {
  local what=$1 dir=$2 named=$3; shift 3
  local before after
  before=$(cd "$dir" && find . -type f -exec sha256sum {} + | sort)
  "$synth" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  after=$(cd "$dir" && find . -type f -exec sha256sum {} + | sort)
  if [ "$rc" -ne 2 ]; then
    fail "$what: exit $rc, stderr: $(cat "$work/err")"
  elif ! grep -qF -- "$named" "$work/err"; then
    fail "$what: the message does not name $named: $(cat "$work/err")"
  elif [ "$before" != "$after" ]; then
    fail "$what: the directory changed: $(diff <(echo "$before") <(echo "$after") | tail -5)"
  else
    ok "$what: $(head -1 "$work/err")"
  fi
}

echo old capture >"$full/x.pcap"
echo old report >"$full/r.zip"
expect_clean_failure "full disk, new pcap" "$full" "$full/new.pcap" --scenario desktop -d 5 -o "$full/new.pcap"
expect_clean_failure "full disk, existing pcap" "$full" "$full/x.pcap" --scenario desktop -d 5 -o "$full/x.pcap"
expect_clean_failure "full disk, existing bug report" "$full" "$full/r.zip" \
  --scenario desktop -d 5 --bugreport "$full/r.zip"
expect_clean_failure "full disk, ring capture with a manifest" "$full" "$full/x.pcap" \
  --scenario desktop -d 5 --ring display -o "$full/x.pcap" -m "$full/m.json"

# The capture fits but its manifest does not: all or nothing, and the old
# capture of that name survives.
echo old manifest >"$full/m.json"
dd if=/dev/zero of="$full/fill" bs=4k 2>/dev/null
truncate -s -4096 "$full/fill" # one page left: a small capture fits, its manifest not
expect_clean_failure "full disk, the manifest does not fit" "$full" "$full/m.json" \
  --scenario desktop -d 0.2 -o "$full/x.pcap" -m "$full/m.json"
rm -f "$full/fill" "$full/m.json"

# --live writes as it goes: the file the disk filled under reads back whole
# up to its last record; every other channel's file is clean. Written per
# message (--ryll-intent), so the validator's message walk applies.
mkdir "$full/live"
"$synth" --scenario desktop -d 5 --ryll-intent --live "$full/live" >"$work/out" 2>"$work/err"
rc=$?
if [ "$rc" -ne 2 ] || ! grep -q "$full/live/.*\.pcap" "$work/err"; then
  fail "full disk, --live: exit $rc, stderr: $(cat "$work/err")"
else
  ok "full disk, --live: $(head -1 "$work/err")"
fi
"$validate" --json "$full/live" >"$work/live.json" 2>"$work/err"
python3 - "$work/live.json" <<'PY' && ok "full disk, --live: every file reads back to its last whole record" || fail "full disk, --live files"
import json, os, sys
report = json.load(open(sys.argv[1]))
kinds = {}
for f in report["findings"]:
    kinds.setdefault(os.path.basename(f["file"]), []).append(f["kind"])
bad = {name: k for name, k in kinds.items() if len(k) > 1 or k[0] not in ("truncated-file", "message-truncated")}
print("  %d files, %d records; findings by file: %s" % (len(report["files"]),
      sum(s["records"] for s in report["files"]), kinds))
sys.exit(1 if bad or len(report["files"]) < 2 else 0)
PY
rm -rf "$full/live"

# A read-only file system: nothing can be created, the old file stays.
mount -t tmpfs -o size=256k spicecap-ro "$work/ro" || exit 1
ro=$work/ro
echo old capture >"$ro/x.pcap"
echo old report >"$ro/r.zip"
mkdir "$ro/live"
mount -o remount,ro "$ro" || exit 1
expect_clean_failure "read-only, existing pcap" "$ro" "$ro/x.pcap" --scenario desktop -d 0.2 -o "$ro/x.pcap"
expect_clean_failure "read-only, new pcap" "$ro" "$ro/new.pcap" --scenario desktop -d 0.2 -o "$ro/new.pcap"
expect_clean_failure "read-only, existing bug report" "$ro" "$ro/r.zip" --scenario desktop -d 0.2 --bugreport "$ro/r.zip"
expect_clean_failure "read-only, with a manifest" "$ro" "$ro/x.pcap" \
  --scenario desktop -d 0.2 -o "$ro/x.pcap" -m "$work/m.json"
expect_clean_failure "read-only, --live" "$ro" "$ro/live/" --scenario desktop -d 0.2 --live "$ro/live"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
