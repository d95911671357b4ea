#!/usr/bin/env bash
# Times graphc on the peer harness's workloads and writes its JSON lines, so that
#   EXTRA_BENCH="bash $PWD/bench/graphc_bench.sh" bash ../shared/peers/run_peers.sh DIR
# prints graphc beside PyTorch and ONNX Runtime in one table. Each case gives two rows: variant
# BACKEND (warm caches, as the peers run) and BACKEND-cold (caches evicted before each run).
# Usage: graphc_bench.sh [--threads 1,2] [--budget SECONDS] [--out FILE] [--backend dnnl] [--precision f32|bf16|auto]
# (a precision other than f32 names the rows' variant BACKEND-PRECISION, e.g. dnnl-bf16).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
graphc="${GRAPHC:-$root/build/tools/graphc}"
models="$root/tests/data/onnx"
threads="1,2" budget="0.5" out="/dev/stdout" backend="dnnl" precision="f32"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --budget) budget="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    --precision) precision="$2"; shift 2 ;;
    *) echo "graphc_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$graphc" ] || { echo "graphc_bench.sh: build graphc first ($graphc not found)" >&2; exit 1; }
variant="$backend"
[ "$precision" = f32 ] || variant="$backend-$precision"

# workload model shape-binding
cases=(
  "mlp mlp.onnx x=1x784"
  "mlp mlp.onnx x=64x784"
  "mlp mlp.onnx x=1024x784"
  "transformer transformer.onnx x=1x128x256"
  "transformer transformer.onnx x=8x128x256"
  "lenet lenet.onnx x=1x1x28x28"
  "lenet lenet.onnx x=64x1x28x28"
  "ewchain ewchain.onnx x=64x4096"
  "ewchain ewchain.onnx x=1024x4096"
)
# W7-W9, the torchvision CNNs, when the harness has built them into $PEERS_GEN_DIR (run_peers.sh
# does, for the workloads it runs; they are too large to commit).
gen="${PEERS_GEN_DIR:-}/models"
for cnn in resnet50 mobilenet_v2 densenet121; do
  [ -n "${PEERS_GEN_DIR:-}" ] && [ -f "$gen/$cnn.onnx" ] || continue
  cases+=("$cnn $gen/$cnn.onnx x=1x3x224x224" "$cnn $gen/$cnn.onnx x=16x3x224x224")
done
# $WORKLOADS (run_peers.sh's canonical names, comma-separated; all by default) picks a subset.
wanted() { [ -z "${WORKLOADS:-}" ] || [ "$WORKLOADS" = all ] || [[ ",$WORKLOADS," == *",$1,"* ]] || { [ "$1" != "${1%-train}" ] && [[ ",$WORKLOADS," == *",train,"* ]]; }; }
# Training steps (W2, W3): the inference models end in softmax, so cross_entropy against one-hot
# labels is the harness's softmax cross-entropy. workload model shape lr
train_cases=(
  "mlp-train mlp.onnx x=64x784 1e-3"
  "mlp-train mlp.onnx x=1024x784 1e-3"
  "seed-train seed.onnx x=32x10 1e-2"
)
tmp="$(mktemp)" err="$(mktemp)"
trap 'rm -f "$tmp" "$err"' EXIT
train=1
for t in ${threads//,/ }; do
  for c in "${cases[@]}"; do
    read -r workload model shape <<<"$c"
    wanted "$workload" || continue
    [[ "$model" == /* ]] || model="$models/$model"
    for cold in "" --cold; do
      OMP_NUM_THREADS="$t" "$graphc" bench "$model" --shape "$shape" --backend "$backend" \
        --threads "$t" --budget "$budget" --json --workload "$workload" --variant "$variant" --precision "$precision" $cold >> "$tmp"
    done
  done
  for c in "${train_cases[@]}"; do
    [ "$train" = 1 ] || break
    read -r workload model shape lr <<<"$c"
    wanted "$workload" || continue
    for cold in "" --cold; do
      # A backend without the training ops skips these rows instead of failing the whole run.
      if ! OMP_NUM_THREADS="$t" "$graphc" bench "$models/$model" --shape "$shape" --backend "$backend" \
          --threads "$t" --budget "$budget" --json --workload "$workload" --variant "$variant" --precision "$precision" $cold \
          --train --loss cross_entropy --optimizer adam --lr "$lr" >> "$tmp" 2> "$err"; then
        cat "$err" >&2
        [ "$backend" != ref ] || exit 1  # ref runs every training op: a failure there is a bug
        echo "graphc_bench.sh: note: backend $backend cannot run this training step; skipping the mlp-train and seed-train rows" >&2
        train=0
        break
      fi
    done
  done
done
cat "$tmp" > "$out"
