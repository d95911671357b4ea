#!/usr/bin/env bash
# The bundle examples from start to end: make the seed data, train the seed MLP with graphc,
# compile the trained model into a bundle (seed.o + seed.h), build classify.c against it with
# plain cc (no graphc, LLVM or oneDNN library) and classify the held-out data; then the same
# data through graphc's interpreter, whose accuracy the bundle's must equal. Second, a training
# step as a bundle (seedstep.o + seedstep.h): train.c trains the seed MLP with it, and its epoch
# losses and trained weights must be the interpreter's.
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

# Training without a compiler: one Adam step per run of the bundle, batches in file order.
"$graphc" compile "$here/../seed/seed.graph" --shape x=32x10 --backend llvm --emit bundle -o "$work/step" \
  --bundle-name seedstep --train --loss cross_entropy --optimizer adam --lr 0.01
cc -O2 -std=c11 -Wall -Werror -I "$work/step" -I "$here" "$here/train.c" "$work/step/seedstep.o" -lm -o "$work/train"
"$work/train" "$work/data/x.npy" "$work/data/y.npy" 3 "$work/w1.npy" | tee "$work/bundle-losses.txt"
"$graphc" train "$here/../seed/seed.graph" --data "$work/data/x.npy" --labels "$work/data/y.npy" --loss cross_entropy \
  --optimizer adam --lr 0.01 --epochs 3 --batch 32 --no-shuffle --backend ref --log-json "$work/ref.json" \
  --save "$work/ref-trained.graph" > /dev/null
# The comparison in Python's standard library alone (json, struct): the losses to 1e-4, and w1
# against the interpreter's trained w1 as its saved textual IR prints it.
python3 - "$work/bundle-losses.txt" "$work/ref.json" "$work/w1.npy" "$work/ref-trained.graph" <<'PY'
import json, re, struct, sys
ours = [float(line.split()[-1]) for line in open(sys.argv[1])]
ref = [e["loss"] for e in json.load(open(sys.argv[2]))["epochs"]]
assert len(ours) == len(ref) == 3, (ours, ref)
for a, b in zip(ours, ref):
    assert abs(a - b) <= 1e-4 * abs(b), f"epoch losses {ours} differ from the interpreter's {ref}"
raw = open(sys.argv[3], "rb").read()
start = 10 + int.from_bytes(raw[8:10], "little")
w1 = struct.unpack(f"<{(len(raw) - start) // 4}f", raw[start:])
text = re.search(r"param %w1 : f32\[10,20\] = \[([^\]]*)\]", open(sys.argv[4]).read()).group(1)
expected = [float(v) for v in text.split(",")]
assert len(w1) == len(expected) == 200, (len(w1), len(expected))
worst = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(w1, expected))
assert worst <= 1e-4, f"the bundle's trained w1 differs from the interpreter's by {worst}"
print(f"interpreter: epoch losses {', '.join(f'{v:.6f}' for v in ref)}; the bundle's trained w1 is within {worst:.1e}")
PY
