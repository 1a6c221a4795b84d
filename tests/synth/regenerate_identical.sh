#!/usr/bin/env bash
# Regenerating the fixture corpus gives byte-identical files.
# Usage: regenerate_identical.sh SPICECAP_SYNTH SOURCE_DIR
set -euo pipefail
synth=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$src/fixtures/regenerate.sh" "$synth" "$work"
status=0
for dir in clean faults live bugreport live-reads ryll; do
  diff -r "$src/fixtures/$dir" "$work/$dir" || status=1
done
count=$(find "$work" -type f | wc -l)
[ "$status" -eq 0 ] && echo "$count regenerated files identical to fixtures/" || echo "regenerated fixtures differ"
exit "$status"
