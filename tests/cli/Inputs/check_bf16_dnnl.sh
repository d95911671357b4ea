#!/bin/sh
# graphc run --backend dnnl --precision bf16 on whichever CPU this is: either oneDNN's bf16
# kernels run (the note says so, the output is written and differs from f32 by bf16's rounding),
# or the run is refused naming the missing units, with no output written.
# Usage: check_bf16_dnnl.sh GRAPHC MODEL INPUT OUTDIR
set -u
graphc=$1 model=$2 input=$3 out=$4
if "$graphc" run "$model" --input x="$input" --output-dir "$out" --backend dnnl --precision bf16 --compare f32 > "$out.log" 2>&1; then
  grep -q "precision bf16 on dnnl, CPU .*: matmul, dense, .* in bf16 with f32 accumulation on oneDNN's bf16 kernels" "$out.log" || { echo "no native note:"; cat "$out.log"; exit 1; }
  grep -q "compare f32: output 'y': max rel" "$out.log" || { echo "no comparison:"; cat "$out.log"; exit 1; }
  test -f "$out/y.npy" || { echo "no output written"; exit 1; }
else
  grep -q "error: --precision bf16 is not supported on dnnl on this CPU (.*): oneDNN's bf16 kernels need AVX512-BF16 or AMX" "$out.log" ||
    { echo "refused without the reason:"; cat "$out.log"; exit 1; }
  test ! -e "$out/y.npy" || { echo "a refused run wrote its output"; exit 1; }
fi
