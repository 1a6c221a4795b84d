#!/usr/bin/env bash
# Bad arguments and unwritable outputs: exit code 2, a message naming the
# problem, and no output file left behind.
# Usage: bad_input.sh SPICECAP_SYNTH
set -uo pipefail
synth=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 cases=0
expect_2() {
  cases=$((cases + 1))
  local what=$1 pattern=$2; shift 2
  "$synth" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ "$rc" -ne 2 ] || ! grep -q -- "$pattern" "$work/err"; then
    echo "FAIL: $what: exit $rc, stderr: $(cat "$work/err")"; failures=$((failures + 1))
  elif [ -n "$(ls -A "$work/o" 2>/dev/null)" ]; then
    echo "FAIL: $what left $(ls -A "$work/o")"; failures=$((failures + 1))
  else
    echo "ok: $what: $(head -1 "$work/err")"
  fi
}
mkdir -p "$work/o"
o=$work/o/x.pcap
expect_2 "unknown scenario" "unknown scenario 'desk'" --scenario desk -o "$o"
expect_2 "no scenario" "--scenario is required" -o "$o"
expect_2 "unknown fault" "unknown fault 'k3'" --scenario desktop -f k3 -o "$o"
expect_2 "unknown ring channel" "'dispaly' is not a channel" --scenario desktop --ring dispaly -o "$o"
expect_2 "channel without a ring" "'record' is not a channel" --scenario desktop --ring record -o "$o"
expect_2 "bad seed" "--seed: 'x1'" --scenario desktop --seed x1 -o "$o"
expect_2 "negative seed" "--seed: '-1'" --scenario desktop --seed -1 -o "$o"
expect_2 "bad duration" "--duration: '0'" --scenario desktop --duration 0 -o "$o"
expect_2 "bad rate" "--rate: '6Q'" --scenario video --rate 6Q -o "$o"
expect_2 "tiny ring cap" "--ring-cap: '10'" --scenario ring --ring-cap 10 -o "$o"
expect_2 "two outputs" "exactly one output" --scenario desktop -o "$o" --live "$work/o"
expect_2 "no output" "exactly one output" --scenario desktop
expect_2 "faults on live" "not to --live" --scenario desktop -f k2 --live "$work/o"
expect_2 "live dir missing" "is not a directory" --scenario desktop --live "$work/o/missing"
expect_2 "unwritable pcap" "$work/o/missing/x.pcap" --scenario desktop -d 0.2 -o "$work/o/missing/x.pcap"
expect_2 "unwritable zip" "missing/x.zip" --scenario desktop -d 0.2 --bugreport "$work/o/missing/x.zip"
expect_2 "unwritable manifest" "--manifest" --scenario desktop -d 0.2 -o "$work/o/ok.pcap" -m "$work/o/missing/m.json"
expect_2 "compat and intent" "exclude each other" --scenario desktop --ryll-compat --ryll-intent -o "$o"
expect_2 "intent and compat" "exclude each other" --scenario desktop --ryll-intent --live "$work/o" --ryll-compat
expect_2 "queue overflow on -o" "queue-overflow drops a socket read" --scenario desktop -f queue-overflow -o "$o"
expect_2 "queue overflow on a bug report" "needs --live" --scenario desktop -f queue-overflow --bugreport "$work/o/x.zip"
expect_2 "queue overflow per message" "without --ryll-intent" --scenario desktop -f queue-overflow --ryll-intent \
  --live "$work/o"
expect_2 "k2 with ryll-compat" "without --ryll-compat" --scenario desktop -f k2 --ryll-compat -o "$o"
expect_2 "k2 with ryll-compat, bug report" "without --ryll-compat" --scenario desktop -f drop-segment --ryll-compat \
  --bugreport "$work/o/x.zip"
expect_2 "k2 on live reads" "not to --live" --scenario desktop -f k2 -f queue-overflow --live "$work/o"
expect_2 "unknown report type" "unknown type 'dispaly'" --scenario desktop --report-type dispaly \
  --bugreport "$work/o/x.zip"
expect_2 "report type without a bug report" "--report-type is the type" --scenario desktop --report-type display -o "$o"
expect_2 "disconnect of a channel ryll lacks" "unknown type 'disconnect:record'" --scenario desktop \
  --report-type disconnect:record --bugreport "$work/o/x.zip"
expect_2 "notification of an unknown state" "unknown type 'notification:later'" --scenario desktop \
  --report-type notification:later --bugreport "$work/o/x.zip"
expect_2 "a unit variant with an argument" "unknown type 'display:x'" --scenario desktop --report-type display:x \
  --bugreport "$work/o/x.zip"
expect_2 "no traffic without a bug report" "--no-traffic is a --bugreport" --scenario desktop --no-traffic -o "$o"
expect_2 "queue overflow, session too short" "no display read" --scenario desktop -d 0.01 -f queue-overflow \
  --live "$work/o"
expect_2 "known type as unknown" "302 is display's draw_fill" --scenario desktop --unknown-type=302 -o "$o"
expect_2 "base type as unknown" "3 is display's set_ack" --scenario desktop --unknown-type=3 -o "$o"
expect_2 "type too large" "--unknown-type: '70000' is not a message type" --scenario desktop --unknown-type=70000 -o "$o"
expect_2 "type not a number" "--unknown-type: 'x'" --scenario desktop --unknown-type=x -o "$o"
touch "$work/file"
expect_2 "ryll live dir under a file" "cannot make the directory '$work/file'" --scenario desktop --ryll-compat \
  --live "$work/file/sub"
echo "$((cases - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
