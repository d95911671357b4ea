#!/usr/bin/env bash
# Runs one fuzz target (or all) for SECONDS each: tools/fuzz/run.sh TARGET|all SECONDS [libFuzzer args].
# Configures and builds build-fuzz/ (clang-16, ccache, GRAPHC_FUZZ=ON) when needed, seeds the
# corpus from the tests, and prints libFuzzer's final stats. A finding is written to
# build-fuzz/fuzz/findings/TARGET/ and makes the script exit non-zero. See docs/fuzzing.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
targets=(fuzz_ir_parse fuzz_onnx_import fuzz_npy fuzz_ir_run fuzz_differential fuzz_capi)
if [ $# -lt 2 ]; then
  echo "usage: $0 TARGET|all SECONDS [libFuzzer args]   (targets: ${targets[*]})" >&2
  exit 2
fi
what="$1" seconds="$2"
shift 2
[ "$what" = all ] && chosen=("${targets[@]}") || chosen=("$what")
for t in "${chosen[@]}"; do
  [[ " ${targets[*]} " == *" $t "* ]] || { echo "$0: unknown target '$t' (targets: ${targets[*]})" >&2; exit 2; }
done

build="$root/build-fuzz"
work="$build/fuzz"
# One compile job while another build shares the machine's cores.
jobs="${JOBS:-$(pgrep -x ninja > /dev/null && echo 1 || echo 2)}"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-16 CXX=clang++-16 cmake -S "$root" -B "$build" -G Ninja -DGRAPHC_FUZZ=ON -DGRAPHC_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O1 -DCMAKE_CXX_COMPILER_LAUNCHER=ccache > /dev/null
fi
# ccache caches the precompiled-header compiles only with this sloppiness (.ci/build.sh).
CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime ninja -C "$build" -j"$jobs" "${chosen[@]}" | grep -v "^\[" || true
# Seeding copies about 1,200 files: only when a source changed since the last time.
stamp="$work/seeds/.stamp"
if [ ! -f "$stamp" ] || [ -n "$(find "$root/tests/data" "$root/tests/passes" "$root/tests/cli/Inputs" "$root/ir/ops.def" \
    "$root/tools/fuzz" "$root/frontend/onnx" -newer "$stamp" -print -quit)" ]; then
  "$root/tools/fuzz/seed.sh" "$work" > /dev/null
  touch "$stamp"
fi

# Each target's dictionary; the IR targets mutate at most 1 KiB (3x the executions per second of
# their seeds' 6 KiB, and the caps keep the run targets' graphs smaller anyway).
options_of() {
  case "$1" in
    fuzz_ir_parse | fuzz_ir_run | fuzz_differential) echo "-dict=$work/dicts/ir.dict -max_len=1024" ;;
    fuzz_onnx_import) echo "-dict=$work/dicts/onnx.dict" ;;
    fuzz_npy) echo "-dict=$work/dicts/npy.dict" ;;
  esac
}

status=0
for t in "${chosen[@]}"; do
  corpus="$work/corpus/$t" findings="$work/findings/$t"
  regressions="$root/tests/data/fuzz/$t"
  mkdir -p "$corpus" "$findings"
  dirs=("$corpus" "$work/seeds/$t")
  [ -d "$regressions" ] && dirs+=("$regressions")
  echo "== $t: ${seconds}s"
  # One thread: the fuzzer measures one process, and the machine is shared. Leaks are findings.
  # New inputs go to the first folder only; seeds and regressions are read.
  set +e
  OMP_NUM_THREADS=1 LSAN_OPTIONS="suppressions=$root/tools/fuzz/lsan.supp" "$build/tools/fuzz/$t" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$findings/" $(options_of "$t") "$@" "${dirs[@]}" > "$work/$t.log" 2>&1
  rc=$?
  set -e
  grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|^Done [0-9]+ runs|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" "$work/$t.log" || true
  echo "corpus: $(ls "$corpus" | wc -l) files"
  if [ $rc -ne 0 ]; then
    echo "$t: FINDING (exit $rc), log $work/$t.log, input in $findings/:" >&2
    # The whole report and the input itself, so a CI log alone reproduces the finding.
    sed -n '/^==[0-9]*==\|runtime error\|Assertion\|terminate called\|^INFO: Running\|^Running:/,$p' "$work/$t.log" \
      | grep -v "^#[0-9]" | head -80 >&2
    for input in "$findings"/*; do
      [ -f "$input" ] || continue
      echo "input $(basename "$input"), base64 (decode with base64 -d):" >&2
      base64 -w 0 "$input" | head -c 20000 >&2
      echo >&2
    done
    status=1
  fi
done
exit $status
