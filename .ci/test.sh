#!/usr/bin/env bash
# The test command: installs what is missing, then builds and runs every test under CTest twice:
# a Release build (build/) and a Debug build with assertions (build-debug/: -O1 keeps it fast,
# _GLIBCXX_ASSERTIONS adds the standard library's bounds checks). Prints each phase's time.
set -euo pipefail
cd "$(dirname "$0")/.."
phase() {
  local start=$SECONDS
  "$@"
  echo "ci: '$*' took $((SECONDS - start)) s"
}
run_tests() { (cd "$1" && ctest --output-on-failure -j"${JOBS:-2}" --timeout 900); }
phase bash .ci/build.sh build -DCMAKE_BUILD_TYPE=Release
phase run_tests build
phase bash .ci/build.sh build-debug -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1 -D_GLIBCXX_ASSERTIONS"
phase run_tests build-debug
echo "ci: all passed in $SECONDS s"
