#!/bin/sh
# graphc run --backend llvm with --precision bf16 and auto on whichever CPU this is. With
# AVX512-BF16 (/proc/cpuinfo's avx512_bf16), bf16 says that matmul, dense and dense_grad run on
# vdpbf16ps and the convolutions are emulated, and auto takes bf16 for the former only (LeNet's
# convolutions stay f32). Without it, bf16 is emulated and auto is f32. Either way the outputs
# are written and lie near f32's.
# Usage: check_bf16_llvm.sh GRAPHC MODEL INPUT OUTDIR
set -u
graphc=$1 model=$2 input=$3 out=$4
run() {  # run PRECISION: the note and the comparison in $out-PRECISION.log
  "$graphc" run "$model" --input x="$input" --output-dir "$out-$1" --backend llvm --precision "$1" --compare f32 > "$out-$1.log" 2>&1 ||
    { echo "--precision $1 failed:"; cat "$out-$1.log"; exit 1; }
  grep -q "compare f32: output 'y': max rel" "$out-$1.log" || { echo "no comparison:"; cat "$out-$1.log"; exit 1; }
  test -f "$out-$1/y.npy" || { echo "no output written"; exit 1; }
}
expect() {  # expect PRECISION PATTERN
  grep -q "$2" "$out-$1.log" || { echo "--precision $1: expected '$2' in:"; cat "$out-$1.log"; exit 1; }
}
run bf16
run auto
if grep -q avx512_bf16 /proc/cpuinfo; then
  expect bf16 "graphc: note: precision bf16 on llvm, CPU .*: matmul, dense, dense_grad in bf16 with f32 accumulation on vdpbf16ps (AVX512-BF16) in its GEMM kernel; conv2d, conv2d_grad_input, conv2d_grad_weight emulated"
  expect auto "graphc: note: precision auto: bf16 on llvm, CPU .*: matmul, dense, dense_grad in bf16 .*; conv2d, conv2d_grad_input, conv2d_grad_weight stay f32"
else
  expect bf16 "graphc: note: precision bf16 is emulated on backend llvm"
  expect auto "graphc: note: precision auto: f32 on llvm"
fi
