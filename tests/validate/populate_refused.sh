#!/usr/bin/env bash
# The mapped reader on a kernel that refuses MADV_POPULATE_READ (Linux
# before 5.14): the validator falls back to a plain read and reports the
# same, byte for byte. madvise_shim.so (LD_PRELOAD) plays the old kernel
# and counts the MADV_POPULATE_READ requests and the bytes read(), so each
# run shows which reader it took:
#   - as the kernel is: requests granted, and fewer bytes read() than the
#     file holds (the mapping was read);
#   - refused: a request refused, none granted, and every byte of the file
#     read(); the --json report identical to the first run's.
# Files: one over the pager's 4 MiB (the pager thread's path) and one under.
# Usage: populate_refused.sh SPICECAP_VALIDATE SHIM.so SOURCE_DIR
set -euo pipefail
validate=$1 shim=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The shim goes ahead of the sanitizer runtime: ASan must not insist on
# being first.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
failed=0
for capture in fixtures/ref/ryll-live-display.pcap fixtures/clean/desktop.pcap; do
  size=$(stat -c %s "$src/$capture")
  for refuse in 0 1; do
    status=0
    LD_PRELOAD=$shim SPICECAP_SHIM_REFUSE=$refuse SPICECAP_SHIM_LOG=$tmp/counts.$refuse \
      "$validate" --json "$src/$capture" >"$tmp/report.$refuse" || status=$?
    [ "$status" -le 1 ] || { echo "FAIL: $capture (refuse=$refuse): exit $status"; failed=1; continue; }
    read -r _ refused _ populated _ bytes <"$tmp/counts.$refuse"
    echo "$capture ($size bytes), refuse=$refuse: $refused refused, $populated granted, $bytes bytes read()"
    if [ "$refuse" = 0 ]; then
      [ "$refused" -eq 0 ] && [ "$populated" -ge 1 ] && [ "$bytes" -lt "$size" ] ||
        { echo "FAIL: $capture was not read through its mapping"; failed=1; }
    else
      [ "$refused" -ge 1 ] && [ "$populated" -eq 0 ] && [ "$bytes" -ge "$size" ] ||
        { echo "FAIL: $capture was not read with read() after the refusal"; failed=1; }
    fi
  done
  cmp -s "$tmp/report.0" "$tmp/report.1" || { echo "FAIL: $capture: the reports differ"; diff "$tmp/report.0" "$tmp/report.1" | head; failed=1; }
done
[ "$failed" -eq 0 ] && echo "populate_refused: passed"
exit "$failed"
