#!/usr/bin/env bash
# Times graphc on the peer harness's workloads and writes its JSON lines, so that
#   EXTRA_BENCH="bash $PWD/bench/graphc_bench.sh" bash ../shared/peers/run_peers.sh DIR
# prints graphc beside PyTorch and ONNX Runtime in one table.
# Usage: graphc_bench.sh [--threads 1,2] [--budget SECONDS] [--out FILE] [--backend dnnl]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
graphc="${GRAPHC:-$root/build/tools/graphc}"
models="$root/tests/data/onnx"
threads="1,2" budget="0.5" out="/dev/stdout" backend="dnnl"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --budget) budget="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    *) echo "graphc_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$graphc" ] || { echo "graphc_bench.sh: build graphc first ($graphc not found)" >&2; exit 1; }

# workload model shape-binding
cases=(
  "mlp mlp.onnx x=1x784"
  "mlp mlp.onnx x=64x784"
  "mlp mlp.onnx x=1024x784"
  "transformer transformer.onnx x=1x128x256"
  "transformer transformer.onnx x=8x128x256"
  "lenet lenet.onnx x=1x1x28x28"
  "lenet lenet.onnx x=64x1x28x28"
)
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
for t in ${threads//,/ }; do
  for c in "${cases[@]}"; do
    read -r workload model shape <<<"$c"
    OMP_NUM_THREADS="$t" "$graphc" bench "$models/$model" --shape "$shape" --backend "$backend" \
      --threads "$t" --budget "$budget" --json --workload "$workload" --variant "$backend" >> "$tmp"
  done
done
cat "$tmp" > "$out"
