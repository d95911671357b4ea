#!/usr/bin/env bash
# The test command: installs what is missing, builds everything, runs every test under CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/build.sh
cd build
ctest --output-on-failure -j"${JOBS:-2}" --timeout 900
