#!/usr/bin/env bash
# The bundle's figures (not a test): the size of the W1 (mlp.onnx) and W3 (transformer.onnx, a
# BERT encoder block) bundles' objects and their run time against the JIT's, both on one thread,
# at batch 1 and at 64 (W1) or 8 (W3).
#   usage: tests/bundle/measure.sh [BUILD_DIR] [SECONDS] [REPEATS]
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="$(cd "${1:-$src/build}" && pwd)"
seconds=${2:-2} repeats=${3:-3}
graphc="$build/tools/graphc"
work="$build/bundle-measure"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
echo "CPU: $(lscpu | sed -n "s/^Model name: *//p"), family $(lscpu | sed -n "s/^CPU family: *//p") model $(lscpu | sed -n "s/^Model: *//p"), $(grep -o -w -m1 avx2 /proc/cpuinfo || echo no-avx2)$(grep -q avx512f /proc/cpuinfo && echo ", avx512f")"
# measure WORKLOAD MODEL INPUT_SHAPE BATCH: one bundle, its size, and its run time against the JIT's.
measure() {
  local workload=$1 model=$2 shape=$3 batch=$4
  local name=${workload}_b$batch
  "$graphc" compile "$src/tests/data/onnx/$model.onnx" --shape "x=$shape" --backend llvm --emit bundle -o "$name" --bundle-name "$name"
  echo "== $workload ($model.onnx) x=$shape: $name.o is $(stat -c %s "$name/$name.o") bytes ($(size -A "$name/$name.o" | awk '$1 ~ /rodata/ {s += $2} END {print s}') of them read-only data)"
  cc -O2 -std=c11 -I "$name" -I "$src/tests/bundle" -I "$src/examples/bundle" -include "$name/$name.h" -DBUNDLE=$name \
    -DBUNDLE_UPPER="$(echo $name | tr a-z A-Z)" -D_POSIX_C_SOURCE=199309L "$src/tests/bundle/timing.c" "$name/$name.o" -lm -o "$name.timing"
  for i in $(seq "$repeats"); do
    echo "bundle: $(./$name.timing "$src/tests/data/onnx/${model}_b${batch}_in.npy" "$seconds")"
    echo "JIT:    $("$graphc" bench "$src/tests/data/onnx/$model.onnx" --shape "x=$shape" --backend llvm --threads 1 --budget "$seconds" | sed -n 's/^ *//; 2p')"
  done
}
measure w1 mlp 1x784 1
measure w1 mlp 64x784 64
measure w3 transformer 1x128x256 1
measure w3 transformer 8x128x256 8
