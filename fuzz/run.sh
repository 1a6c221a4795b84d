#!/usr/bin/env bash
# Fuzz every target (or those named) for MINUTES minutes each, one after the
# other on one core: the machine's two cores are shared.
#
# Usage: fuzz/run.sh [MINUTES] [TARGET...]      (default: 10 minutes, all targets)
#   targets: capture_reader validation spice_stream plugin_dissect
#
# Builds the libFuzzer binaries in build-fuzz (clang, ASan+UBSan,
# -DSPICECAP_FUZZ=ON; SPICECAP_FUZZ_BUILD names another directory). The
# corpus each run grows stays in build-fuzz/fuzz-work/<target>/ (out of git);
# the checked-in seeds (fuzz/corpus/<target>/) and regressions are only read.
# Every crash-, leak-, timeout- or oom- input is copied into
# fuzz/regressions/<target>/, where ctest's fuzz_replay_<target> replays it
# from then on. After a finding the target is restarted for the time left
# (at most 3 restarts), so one bug does not end the run.
# Prints per target: executions, coverage (cov: edges reached, of the edges
# instrumented in everything the target links; ft: features), findings.
# Exit status: 0 no finding, 1 findings (saved), 2 build failure.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:-10}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(capture_reader validation spice_stream plugin_dissect)
build=${SPICECAP_FUZZ_BUILD:-$src/build-fuzz}

mkdir -p "$build"
CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Asan -DSPICECAP_FUZZ=ON >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log"; exit 2; }
for t in "${targets[@]}"; do
  cmake --build "$build" -j2 --target "fuzz_$t" >"$build/build-fuzz_$t.log" 2>&1 ||
    { tail -30 "$build/build-fuzz_$t.log"; exit 2; }
done

# Largest input tried: room for a few records of a capture, or a whole
# segment of a dissected frame.
max_len=65536

# Magic numbers the mutator would take long to guess, per target.
dict_of() {
  case $1 in
    capture_reader | validation) echo "$src/fuzz/dict/capture.dict" ;;
    *) echo "$src/fuzz/dict/spice.dict" ;;
  esac
}

summary=()
total_findings=0
for t in "${targets[@]}"; do
  work="$build/fuzz-work/$t"
  # Artifacts of an earlier run were copied into regressions/ then: this
  # run's findings are only its own.
  rm -rf "$work/artifacts"
  mkdir -p "$work/corpus" "$work/artifacts" "$src/fuzz/regressions/$t"
  log="$work/fuzz.log"
  : >"$log"
  deadline=$(($(date +%s) + minutes * 60))
  execs=0 runs=0
  while :; do
    left=$((deadline - $(date +%s)))
    [ "$left" -gt 5 ] && [ "$runs" -le 3 ] || break
    runs=$((runs + 1))
    echo "== $t: run $runs, ${left}s" >>"$log"
    # Leaks are findings too; -rss_limit_mb catches an input that makes a
    # reader hold unbounded memory. Not for the plugin: libwireshark keeps
    # per-capture state on the heap until the session ends, so every input
    # would look like a leak and trigger a full LeakSanitizer scan (25 execs/s
    # instead of 5000).
    leaks=1
    [ "$t" = plugin_dissect ] && leaks=0
    (cd "$work" && ASAN_OPTIONS=abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$build/fuzz/fuzz_$t" -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 -max_len=$max_len \
      -detect_leaks=$leaks -dict="$(dict_of "$t")" \
      -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
      "$work/corpus" "$src/fuzz/corpus/$t" "$src/fuzz/regressions/$t") >>"$log" 2>&1
    rc=$?
    n=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
    execs=$((execs + ${n:-0}))
    [ "$rc" -eq 0 ] && break
  done
  found=0
  for f in "$work"/artifacts/crash-* "$work"/artifacts/leak-* "$work"/artifacts/timeout-* "$work"/artifacts/oom-*; do
    [ -e "$f" ] || continue
    cp -n "$f" "$src/fuzz/regressions/$t/"
    found=$((found + 1))
  done
  total_findings=$((total_findings + found))
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
  counters=$(sed -n 's/.*(\([0-9]*\) inline 8-bit counters).*/\1/p' "$log" | head -1)
  corp=$(sed -n 's/.*corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
  summary+=("$(printf '%-16s %4s min  %10s execs  cov %5s of %5s  ft %6s  corpus %-12s findings %d (runs %d)' \
    "$t" "$minutes" "$execs" "${cov:-?}" "${counters:-?}" "${ft:-?}" "${corp:-?}" "$found" "$runs")")
  echo "${summary[-1]}"
  grep -E 'ERROR: |SUMMARY: |runtime error' "$log" | sort | uniq -c | head -10
done
echo "== fuzz summary ($(date -u +%FT%TZ), $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo "${SPICECAP_FUZZ_REVISION:-unknown revision}"))"
printf '%s\n' "${summary[@]}"
[ "$total_findings" -eq 0 ] || { echo "findings saved under fuzz/regressions/"; exit 1; }
