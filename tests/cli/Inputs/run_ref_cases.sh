#!/bin/sh
# run_ref_cases.sh GRAPHC NPYCMP DATA_DIR OUT_DIR: runs every numpy-generated op case through
# `graphc run --backend ref` and compares its output with numpy's; prints one line per failure.
graphc="$1" npycmp="$2" data="$3" out="$4"
mkdir -p "$out"
count=0 failed=0
for graph in "$data"/*.graph; do
  case=$(basename "$graph" .graph)
  [ -f "$data/$case.out.npy" ] || continue
  args=""
  for i in 0 1 2 3 4; do
    [ -f "$data/$case.in$i.npy" ] && args="$args --input x$i=$data/$case.in$i.npy"
  done
  count=$((count + 1))
  if ! "$graphc" run "$graph" $args --output-dir "$out/$case" --backend ref 2>"$out/$case.err" ||
     ! "$npycmp" "$out/$case/y.npy" "$data/$case.out.npy" --rtol 1e-5 --atol 1e-5 2>>"$out/$case.err"; then
    failed=$((failed + 1))
    echo "FAILED: $case: $(cat "$out/$case.err")"
  fi
done
echo "ref cases: $count run, $failed failed"
[ "$failed" -eq 0 ] && [ "$count" -gt 200 ]
