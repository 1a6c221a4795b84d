#!/usr/bin/env bash
# Every tool's --version and manual page, as a user reads them:
#   - the first line of --version is "TOOL (spicecap) VERSION", VERSION the
#     one of CMakeLists.txt's project(), and the libraries built with follow;
#   - man -l on the built page renders, with NAME, SYNOPSIS, OPTIONS, EXIT
#     STATUS, FILES and EXAMPLES, and names every long option --help lists.
# Usage: version_and_man.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
version=$(sed -n 's/^project(spicecap VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
failed=0
tools="validate/spicecap-validate synth/gen/spicecap-synth"
[ ! -x "$build/replay/spicecap-render" ] || tools+=" replay/spicecap-render replay/spicecap-replay"
for tool in $tools; do
  name=${tool##*/}
  out=$("$build/$tool" --version)
  first=$(head -1 <<<"$out")
  [ "$first" = "$name (spicecap) $version" ] || { echo "FAIL: $name --version says '$first'"; failed=1; }
  grep -q "^Built with spice-protocol [0-9]" <<<"$out" || { echo "FAIL: $name --version names no library"; failed=1; }
  page=$(MANWIDTH=200 man -l "$build/man/$name.1" 2>&1) || { echo "FAIL: man -l $name.1: $page"; failed=1; continue; }
  for section in NAME SYNOPSIS OPTIONS "EXIT STATUS" FILES EXAMPLES; do
    grep -q "^$section" <<<"$page" || { echo "FAIL: $name.1 has no $section"; failed=1; }
  done
  options=$("$build/$tool" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
  for option in $options; do
    grep -q -- "$option" <<<"$page" || { echo "FAIL: $name.1 does not name $option"; failed=1; }
  done
  echo "$name: $first; $(wc -l <<<"$page") lines of manual, $(wc -w <<<"$options") options"
done
exit "$failed"
