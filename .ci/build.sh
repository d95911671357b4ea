#!/usr/bin/env bash
# Installs what is missing, then configures and builds graphc into build/ (Ninja, 2 jobs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release > build-configure.log 2>&1 || { cat build-configure.log; exit 1; }
ninja -C build -j"${JOBS:-2}"
