#!/usr/bin/env bash
# The W1 figures of the bundle (not a test): the size of the W1 bundle's object (mlp.onnx,
# x=1x784) and its run time against the JIT's, both on one thread, at batch 1 and 64.
#   usage: tests/bundle/measure.sh [BUILD_DIR] [SECONDS] [REPEATS]
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build="$(cd "${1:-$src/build}" && pwd)"
seconds=${2:-2} repeats=${3:-3}
graphc="$build/tools/graphc"
work="$build/bundle-measure"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
echo "CPU: $(lscpu | sed -n "s/^Model name: *//p"), family $(lscpu | sed -n "s/^CPU family: *//p") model $(lscpu | sed -n "s/^Model: *//p"), $(grep -o -w -m1 avx2 /proc/cpuinfo || echo no-avx2)$(grep -q avx512f /proc/cpuinfo && echo ", avx512f")"
for batch in 1 64; do
  name=w1_b$batch
  "$graphc" compile "$src/tests/data/onnx/mlp.onnx" --shape x=${batch}x784 --backend llvm --emit bundle -o "$name" --bundle-name "$name"
  echo "== W1 (mlp.onnx) x=${batch}x784: $name.o is $(stat -c %s "$name/$name.o") bytes ($(size -A "$name/$name.o" | awk '$1 ~ /rodata/ {s += $2} END {print s}') of them read-only data)"
  cc -O2 -std=c11 -I "$name" -I "$src/tests/bundle" -I "$src/examples/bundle" -include "$name/$name.h" -DBUNDLE=$name \
    -DBUNDLE_UPPER="$(echo $name | tr a-z A-Z)" -D_POSIX_C_SOURCE=199309L "$src/tests/bundle/timing.c" "$name/$name.o" -lm -o "$name.timing"
  for i in $(seq "$repeats"); do
    echo "bundle: $(./$name.timing "$src/tests/data/onnx/mlp_b${batch}_in.npy" "$seconds")"
    echo "JIT:    $("$graphc" bench "$src/tests/data/onnx/mlp.onnx" --shape x=${batch}x784 --backend llvm --threads 1 --budget "$seconds" | sed -n 's/^ *//; 2p')"
  done
done
