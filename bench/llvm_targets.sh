#!/usr/bin/env bash
# Measures every speed target of the llvm backend (issue 10) against dnnl on this machine, in
# interleaved rounds, and prints them beside their bars (bench/llvm_targets.py):
#   whole models W1, W4, W5 and training steps W2, W3 (llvm ÷ dnnl time), W6 (dnnl ÷ llvm),
#   matmul 512^3, 1024^3, 2048^3 (llvm ÷ dnnl GFLOP/s), a fused elementwise group's bandwidth
#   against a plain copy loop's on buffers of the same size, JIT times cold and from the cache.
# Usage: bench/llvm_targets.sh [--rounds N] [--threads 1,2] [--out DIR]
# W6 against the peers needs the peer harness (docs/benchmarks.md); this script compares graphc
# with itself only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
graphc="${GRAPHC:-$root/build/tools/graphc}"
rounds=3 threads="1,2" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "llvm_targets.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$graphc" ] || { echo "llvm_targets.sh: build graphc first ($graphc not found)" >&2; exit 1; }
[ -n "$out" ] || out="$(mktemp -d)"
mkdir -p "$out"
rows="$out/rows.jsonl"
: > "$rows"
# No object cache for the timed runs (the JIT steps below say when they use one).
export GRAPHC_CACHE=off

# The graphs: square matmuls and a fused group of elementwise ops (x * 2 + 1, relu, then * 0.5).
for n in 512 1024 2048; do
  cat > "$out/matmul$n.graph" <<EOF
graph matmul$n {
  input %a : f32[$n,$n]
  input %b : f32[$n,$n]
  %c = matmul(%a, %b) : f32[$n,$n]
  output c = %c
}
EOF
done
stream_elements=$((16 * 1024 * 1024))  # 64 MiB a buffer: far beyond the caches
cat > "$out/stream.graph" <<EOF
graph stream {
  input %x : f32[$stream_elements]
  const %two : f32[] = [2]
  const %one : f32[] = [1]
  const %half : f32[] = [0.5]
  %m = mul(%x, %two) : f32[$stream_elements]
  %a = add(%m, %one) : f32[$stream_elements]
  %r = relu(%a) : f32[$stream_elements]
  %y = mul(%r, %half) : f32[$stream_elements]
  output y = %y
}
EOF
# The plain copy loop: what this machine's memory moves, read + write, on the same buffer size.
# -O3 vectorizes it (GCC 12's -O2 leaves it scalar, CPU-bound); no memcpy call, which may
# stream past the cache.
cc -O3 -march=native -fopenmp -fno-tree-loop-distribute-patterns -o "$out/copy_bandwidth" "$root/bench/copy_bandwidth.c"

bench() {  # threads backend model [args...]
  local t="$1" backend="$2" model="$3"
  shift 3
  OMP_NUM_THREADS="$t" "$graphc" bench "$model" --backend "$backend" --threads "$t" --budget 0.5 --json \
    --variant "$backend" "$@" >> "$rows"
}

for r in $(seq "$rounds"); do
  echo "llvm_targets.sh: round $r of $rounds" >&2
  for backend in dnnl llvm; do
    # W1-W6 and the training steps, warm and cold, as the peer harness runs them.
    GRAPHC="$graphc" bash "$root/bench/graphc_bench.sh" --backend "$backend" --threads "$threads" --out "$out/models.tmp"
    cat "$out/models.tmp" >> "$rows"
    for t in ${threads//,/ }; do
      for n in 512 1024 2048; do bench "$t" "$backend" "$out/matmul$n.graph" --workload "matmul$n"; done
      [ "$backend" = llvm ] && bench "$t" llvm "$out/stream.graph" --workload stream
    done
  done
  for t in ${threads//,/ }; do
    OMP_NUM_THREADS="$t" "$out/copy_bandwidth" "$stream_elements" "$t" >> "$rows"
  done
done
rm -f "$out/models.tmp"

# JIT times: llvm's prepare (code generation, optimization, compile and load), cold and from the
# object cache, as `graphc compile --time-passes` reports it; one process each, as a user runs it.
jit() {  # variant model shape
  local ms
  ms="$("$graphc" compile "$root/tests/data/onnx/$2" --shape "$3" --backend llvm --time-passes -o /dev/null 2>&1 |
        sed -n 's|^// *\([0-9.]*\) ms *prepare (llvm)$|\1|p')"
  [ -n "$ms" ] || { echo "llvm_targets.sh: graphc compile $2 printed no prepare time" >&2; exit 1; }
  echo "{\"workload\":\"${2%.onnx}\",\"batch\":${3#*=},\"threads\":1,\"variant\":\"$1\",\"prepare_ms\":$ms}" |
    sed 's/"batch":\([0-9]*\)x[0-9x]*/"batch":\1/' >> "$rows"
}
for model in "mlp.onnx x=64x784" "transformer.onnx x=8x128x256"; do
  read -r file shape <<<"$model"
  for r in $(seq "$rounds"); do
    GRAPHC_CACHE=off jit jit-cold "$file" "$shape"
    cache="$(mktemp -d)"
    XDG_CACHE_HOME="$cache" GRAPHC_CACHE=on jit jit-fill "$file" "$shape"
    XDG_CACHE_HOME="$cache" GRAPHC_CACHE=on jit jit-hit "$file" "$shape"
    rm -rf "$cache"
  done
done

python3 "$root/bench/llvm_targets.py" "$rows"
echo "llvm_targets.sh: rows in $rows" >&2
