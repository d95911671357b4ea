#!/usr/bin/env bash
# The main job: installs what is missing, builds graphc, then
#  1. makes the seed example's data set (5 classes of 3 Gaussian clusters each, 10 dimensions),
#  2. trains the seed MLP (examples/seed/seed.graph): Adam lr 0.01, cross_entropy (it ends in
#     softmax), batch 32, 10 epochs; the loss falls each epoch,
#  3. runs the trained model on the held-out split and reports its accuracy,
#  4. runs an ONNX model (the W1 MLP) and compares it with PyTorch's output.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/build.sh
graphc=build/tools/graphc
work=build/main-job
rm -rf "$work"

echo "== seed example: data"
build/examples/seed_make_data "$work/data"
echo "== seed example: training"
"$graphc" train examples/seed/seed.graph --data "$work/data/x.npy" --labels "$work/data/y.npy" \
  --loss cross_entropy --optimizer adam --lr 0.01 --epochs 10 --batch 32 \
  --log-json "$work/seed-train.json" --save "$work/seed-trained.graph"
echo "== seed example: inference with the trained model"
"$graphc" run "$work/seed-trained.graph" --input x="$work/data/x_test.npy" --output-dir "$work/seed"
build/examples/seed_accuracy "$work/seed/probs.npy" "$work/data/y_test.npy"

echo "== ONNX: the W1 MLP (784-512-512-10) at batch 64"
"$graphc" run tests/data/onnx/mlp.onnx --input x=tests/data/onnx/mlp_b64_in.npy --output-dir "$work/mlp"
build/tests/npycmp "$work/mlp/y.npy" tests/data/onnx/mlp_b64_out.npy --rtol 1e-4 --atol 1e-6 &&
  echo "matches PyTorch's output to 1e-4: $work/mlp/y.npy"
