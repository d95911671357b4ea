#!/usr/bin/env bash
# The model zoo users bring, exported by Debian's torch and run on every backend against PyTorch.
#   bash tests/zoo/run.sh [--models a,b] [--backends ref,dnnl] [--opsets 13,17] [--precision bf16]
# Exports once into $GRAPHC_ZOO_DIR (default build/zoo; about 900 MB for the whole list, mostly
# vit_b_16), then prints the table (also written to $GRAPHC_ZOO_DIR/table-f32.md, or -bf16.md). Needs
# python3-torch, python3-torchvision and python3-onnx (apt-get install them as root).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
zoo="${GRAPHC_ZOO_DIR:-$root/build/zoo}"
graphc="${GRAPHC:-$root/build/tools/graphc}"
models="" backends="ref,dnnl" opsets="13,17" precision="f32"
while [ $# -gt 0 ]; do
  case "$1" in
    --models) models="$2"; shift 2 ;;
    --backends) backends="$2"; shift 2 ;;
    --opsets) opsets="$2"; shift 2 ;;
    --precision) precision="$2"; shift 2 ;;  # bf16: bf16's error against f32 instead (run.py)
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$graphc" ] || { echo "run.sh: build graphc first ($graphc not found)" >&2; exit 1; }
export_args=("$zoo" --opsets "$opsets")
[ -n "$models" ] && export_args+=(--models "$models")
/usr/bin/python3 -W ignore -B "$root/tests/zoo/export.py" "${export_args[@]}"
run_args=(--graphc "$graphc" --zoo "$zoo" --backends "$backends" --opsets "$opsets" --precision "$precision"
  --table "$zoo/table-$precision.md")
[ -n "$models" ] && run_args+=(--models "$models")
exec /usr/bin/python3 -B "$root/tests/zoo/run.py" "${run_args[@]}"
