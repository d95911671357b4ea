#!/usr/bin/env bash
# The test command: installs what is missing, then builds and runs every test under CTest three
# ways, printing each phase's time:
#   build/       Release;
#   build-asan/  the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (-O1 keeps it
#                fast; _GLIBCXX_ASSERTIONS adds the standard library's bounds checks);
#   build-tsan/  the concurrency tests (one model, many threads and sessions, every backend, the
#                C API) under ThreadSanitizer;
# then a short run of every fuzz target (tools/fuzz/ci.sh, build-fuzz/, docs/fuzzing.md).
# Suppressions (.ci/sanitizers/tsan.supp) cover third-party code only, each with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
phase() {
  local start=$SECONDS
  "$@"
  echo "ci: '$*' took $((SECONDS - start)) s"
}
run_tests() {
  local dir=$1
  shift
  (cd "$dir" && ctest --output-on-failure -j"${JOBS:-2}" --timeout 900 "$@")
}
sanitizer_flags="-O1 -g1 -fno-omit-frame-pointer"

phase bash .ci/build.sh build -DCMAKE_BUILD_TYPE=Release
phase run_tests build

# A failed allocation must reach graphc as bad_alloc (the --max-memory paths), not abort.
export ASAN_OPTIONS="allocator_may_return_null=1:detect_leaks=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# -no-pie: the instrumented graphc carries about 1.3 million relative relocations (sanitizer
# metadata), which a PIE executable applies at every start, about a quarter of its startup; the
# suite starts graphc over a thousand times (the ONNX node tests, the lit tests).
phase bash .ci/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_EXE_LINKER_FLAGS=-no-pie \
  "-DCMAKE_CXX_FLAGS_DEBUG=$sanitizer_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined -D_GLIBCXX_ASSERTIONS"
# ONNX's node tests run on every backend in the Release build; under the sanitizers on ref only
# (the importer, which all backends share, is what meets their odd inputs), which saves about
# three minutes. dnnl and llvm still run under ASan on every model in tests/data (the
# differential test) and on every conformance case. Also left to the Release build, about
# 2 CPU minutes under ASan: the bench command's timing loops and the 30,000-slice graph (a
# scaling test of code every other test runs). The AVX2-capped reruns stay: graphc's own
# fallbacks (no gemv, no narrow GEMMs, no native bf16) run only there.
phase run_tests build-asan -E 'onnx_node/conformance/(dnnl|llvm)|^lit/cli/bench[.]test$|30,000 slices'

export TSAN_OPTIONS="suppressions=$root/.ci/sanitizers/tsan.supp:halt_on_error=1:second_deadlock_stack=1"
concurrency='thread|session|context|concurren'
# Only the files that hold those tests, and what they call (GRAPHC_TEST_ONLY).
concurrency_files='/(backends/(raw_buffers_test|train_steps_test|cases.*|run|skips)|train/(training_test|train_util|gradcheck)'
concurrency_files+='|capi/(misuse|threads|capi_test)|dnnl/(runtime|executable_api)|llvm/(conv|fused|linalg|runtime)|runtime/program)[.]cpp$'
phase env TARGETS="test_dnnl test_llvm test_runtime test_train test_backends test_capi" bash .ci/build.sh build-tsan \
  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=$sanitizer_flags -fsanitize=thread" "-DGRAPHC_TEST_ONLY=$concurrency_files"
# A concurrency test in a file the list misses would silently not run under TSan: the TSan build
# must hold every one the full build has.
concurrency_tests() { (cd "$1" && ctest -N -R "$concurrency" -E '^lit/' | sed -n 's/^ *Test *#[0-9]*: //p' | sort); }
if ! diff <(concurrency_tests build) <(concurrency_tests build-tsan); then
  echo "ci: the TSan build lacks the concurrency tests above: add their files to concurrency_files" >&2
  exit 1
fi
# libgomp cannot tell TSan about OpenMP's synchronisation; LLVM's libomp, which implements the
# same ABI, can, through its Archer tool. Both come with libomp-16-dev.
phase env LD_PRELOAD=/usr/lib/llvm-16/lib/libomp.so.5 OMP_TOOL_LIBRARIES=/usr/lib/llvm-16/lib/libarcher.so \
  bash -c "cd build-tsan && ctest --output-on-failure -j${JOBS:-2} --timeout 900 -R '$concurrency' -E '^lit/'"
# A short run of every libFuzzer target (clang-16), after replaying every saved finding.
phase bash tools/fuzz/ci.sh
echo "ci: all passed in $SECONDS s"
