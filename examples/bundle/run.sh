#!/usr/bin/env bash
# The bundle example from start to end: make the seed data, train the seed MLP with graphc,
# compile the trained model into a bundle (seed.o + seed.h), build classify.c against it with
# plain cc (no graphc, LLVM or oneDNN library) and classify the held-out data; then the same
# data through graphc's interpreter, whose accuracy the bundle's must equal.
#   usage: examples/bundle/run.sh [BUILD_DIR] [WORK_DIR]   (defaults: build, BUILD_DIR/bundle-example)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../../build}" && pwd)"
work="${2:-$build/bundle-example}"
graphc="$build/tools/graphc"
rm -rf "$work" && mkdir -p "$work"

"$build/examples/seed_make_data" "$work/data" > /dev/null
"$graphc" train "$here/../seed/seed.graph" --data "$work/data/x.npy" --labels "$work/data/y.npy" \
  --loss cross_entropy --optimizer adam --lr 0.01 --epochs 10 --batch 32 --no-shuffle --save "$work/seed.graph" > /dev/null

# One sample per run: the bundle is compiled for x of shape 1x10.
"$graphc" compile "$work/seed.graph" --shape x=1x10 --backend llvm --emit bundle -o "$work/bundle"
cc -O2 -std=c11 -Wall -Werror -I "$work/bundle" -I "$here" "$here/classify.c" "$work/bundle/seed.o" -lm -o "$work/classify"
bundle=$("$work/classify" "$work/data/x_test.npy" "$work/data/y_test.npy")
echo "bundle:      $bundle"

"$graphc" run "$work/seed.graph" --backend ref --input x="$work/data/x_test.npy" --output-dir "$work/ref" > /dev/null
interpreter=$("$build/examples/seed_accuracy" "$work/ref/probs.npy" "$work/data/y_test.npy")
echo "interpreter: $interpreter"
[[ "$bundle" == "$interpreter" ]] || { echo "the bundle's accuracy differs from the interpreter's" >&2; exit 1; }
