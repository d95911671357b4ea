#!/usr/bin/env bash
# CI's fuzz step: builds the fuzz targets (build-fuzz/, only the libraries they link), replays
# every saved finding (tests/data/fuzz/TARGET/), then fuzzes each target for
# FUZZ_SECONDS (default 15: with a cold build of about 4 minutes on 2 cores, the step stays
# near 6 minutes). Exits non-zero on any crash, leak, UB, timeout or mismatch.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
bash .ci/deps.sh
start=$SECONDS
# run.sh with 0 seconds: configures and builds what is missing, seeds, and replays the seeds and
# regressions once each (-runs=0 stops after the initial corpus).
bash tools/fuzz/run.sh all 0 -runs=0
echo "fuzz: built and replayed in $((SECONDS - start)) s"
bash tools/fuzz/run.sh all "${FUZZ_SECONDS:-15}"
echo "fuzz: done in $((SECONDS - start)) s"
