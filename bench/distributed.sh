#!/usr/bin/env bash
# Scaling of data-parallel training on this machine: W2 (the 784-512-512-10 MLP's training step,
# Adam, cross-entropy) at one global batch, 1 rank x 1 thread against K ranks x 1 thread, with
# the time per step split into compute and communication (time blocked in MPI), and the same
# K-rank run with every bucket's allreduce blocking (GRAPHC_MPI_BLOCKING=1) to show the overlap.
# Usage: distributed.sh [--batch GLOBAL] [--ranks K] [--epochs N] [--backend dnnl] [--bucket-mb 1]
# (buckets of 1 MB: W2's 2.7 MB of gradients in three buckets, so that the first two can travel
# while the backward pass computes the rest; one 25 MB bucket would leave nothing to overlap)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
graphc="${GRAPHC:-$root/build/tools/graphc}"
model="$root/tests/data/onnx/mlp.onnx"
batch=1024 ranks=2 epochs=4 backend=dnnl bucket=1
while [ $# -gt 0 ]; do
  case "$1" in
    --batch) batch="$2"; shift 2 ;;
    --ranks) ranks="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --backend) backend="$2"; shift 2 ;;
    --bucket-mb) bucket="$2"; shift 2 ;;
    *) echo "distributed.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$graphc" ] || { echo "distributed.sh: build graphc first ($graphc not found)" >&2; exit 1; }
command -v mpirun > /dev/null || { echo "distributed.sh: mpirun not found (install openmpi-bin)" >&2; exit 1; }
python="${PYTHON:-/usr/bin/python3}"  # with NumPy (python3-numpy), for the data
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cpus)"
# 16 global batches of uniform [0,1) images and random classes (W2's inputs).
"$python" - "$tmp" "$batch" <<'PY'
import sys, numpy as np
out, batch = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(1)
np.save(f"{out}/x.npy", rng.random((16 * batch, 784), dtype=np.float32))
np.save(f"{out}/y.npy", rng.integers(0, 10, 16 * batch).astype(np.int64))
PY
common=("$model" --data "$tmp/x.npy" --labels "$tmp/y.npy" --loss cross_entropy --optimizer adam --lr 0.001
        --epochs "$epochs" --no-shuffle --threads 1 --backend "$backend")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
launch=(mpirun --oversubscribe --bind-to none -np "$ranks")

# ms per step from a --log-json, epochs after the first (which includes warm-up).
per_step() {
  python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["epochs"][1:]; print("%.3f" % (1e3*sum(x["seconds"] for x in e)/(16*len(e))))' "$1"
}

"$graphc" train "${common[@]}" --batch "$batch" --log-json "$tmp/one.json" > /dev/null
one=$(per_step "$tmp/one.json")
echo "1 rank  x 1 thread, batch $batch: $one ms per step"

"${launch[@]}" "$graphc" train "${common[@]}" --batch $((batch / ranks)) --distributed --bucket-mb "$bucket" --log-json "$tmp/many.json" > "$tmp/many.txt"
many=$(per_step "$tmp/many.json")
echo "$ranks ranks x 1 thread, batch $((batch / ranks)) each: $many ms per step"
grep '^distributed: .*per step' "$tmp/many.txt" | sed 's/^/  overlapped: /'

GRAPHC_MPI_BLOCKING=1 "${launch[@]}" "$graphc" train "${common[@]}" --batch $((batch / ranks)) --distributed --bucket-mb "$bucket" \
  --log-json "$tmp/blocking.json" > "$tmp/blocking.txt"
grep '^distributed: .*per step' "$tmp/blocking.txt" | sed 's/^/  blocking:   /'

python3 -c 'import sys; one, many, k = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]); print("speed-up %.2fx, scaling efficiency %.0f%% (ideal: %d ranks take 1/%d of the time)" % (one / many, 100 * one / (k * many), k, k))' "$one" "$many" "$ranks"
