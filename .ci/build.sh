#!/usr/bin/env bash
# Installs what is missing, then configures and builds graphc (Ninja, 2 jobs).
# Usage: [TARGETS="a b"] .ci/build.sh [DIR [CMAKE_ARGS...]]; DIR defaults to build/ (Release);
# TARGETS builds only those ninja targets (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh
dir="${1:-build}"
shift || true
args=(-DCMAKE_BUILD_TYPE=Release)
[ $# -gt 0 ] && args=("$@")
# ccache when installed: a rebuild of unchanged files costs nothing.
# It caches the precompiled-header compiles (CMakeLists.txt) only with this sloppiness.
command -v ccache > /dev/null && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
mkdir -p "$dir"
cmake -S . -B "$dir" -G Ninja "${args[@]}" > "$dir/configure.log" 2>&1 || { cat "$dir/configure.log"; exit 1; }
# shellcheck disable=SC2086  # TARGETS is a list of words
ninja -C "$dir" -j"${JOBS:-2}" ${TARGETS:-}
