#!/usr/bin/env bash
# Seeds the fuzz corpora from the tests and writes the dictionaries, into OUT (default
# build-fuzz/fuzz): OUT/seeds/<target>/ and OUT/dicts/<name>.dict. Quick, and idempotent: files
# are named by their content's hash. See docs/fuzzing.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(realpath -m "${1:-$root/build-fuzz/fuzz}")"
seeds="$out/seeds"
mkdir -p "$seeds"/{fuzz_ir_parse,fuzz_ir_run,fuzz_differential,fuzz_onnx_import,fuzz_npy,fuzz_capi} "$out/dicts"

# Copies FILE into DIR under its content hash.
add() { cp "$2" "$1/$(sha1sum "$2" | cut -c1-16)"; }
# Splits a textual IR file at its "// -----" markers (the split-input convention of the pass
# tests) and adds each case to DIR; a file without markers is one case.
add_cases() {
  local dir="$1" file="$2" tmp
  tmp="$(mktemp -d)"
  awk -v dir="$tmp" 'BEGIN { n = 0 } /^\/\/ -----/ { n++; next } { print > (dir "/" n) }' "$file"
  for c in "$tmp"/*; do add "$dir" "$c"; done
  rm -rf "$tmp"
}

cd "$root/tests"
for f in data/ir/*.graph passes/*.graph cli/Inputs/*.graph; do add_cases "$seeds/fuzz_ir_parse" "$f"; done
# The per-op interpreter cases: one small graph each, which the run targets can execute.
for f in data/ref/*.graph; do
  add "$seeds/fuzz_ir_parse" "$f"
  add "$seeds/fuzz_ir_run" "$f"
  add "$seeds/fuzz_differential" "$f"
done
for f in passes/*.graph; do add_cases "$seeds/fuzz_ir_run" "$f"; done
# The per-op ONNX cases and the small models (the large ones would only slow every mutation).
for f in data/onnx/ops/*.onnx data/onnx/seed.onnx; do add "$seeds/fuzz_onnx_import" "$f"; done
for f in data/npy/*.npy; do add "$seeds/fuzz_npy" "$f"; done
for f in $(ls data/onnx/ops/*.npy | head -40); do add "$seeds/fuzz_npy" "$f"; done
# The C API target reads calls from bytes: a few patterns to start from.
printf '\x06\x00\x01\x09\x00\x0b\x00\x00' > "$seeds/fuzz_capi/compile-session-run"
printf '\x00\x02\x01\x06\x01\x09\x01\x0b\x01\x07\x01' > "$seeds/fuzz_capi/options-compile-free"

# Dictionaries. The IR's keywords and dtypes, then every op and attribute name of the op table.
{
  for w in graph input param const state output update file zeros f32 f64 i32 i64 bool bf16 inf -inf nan \
    '%' '{' '}' '[' ']' '(' ')' ':' '=' ',' '\"' '// -----' '// expected-error'; do
    printf '"%s"\n' "$w"
  done
  sed -n 's/^OP([A-Za-z0-9]*, *"\([a-z_0-9]*\)".*/\1/p' "$root/ir/ops.def"
  grep -o '^OP(.*' "$root/ir/ops.def" | grep -o '"[a-z_]*:[a-z]*[^"]*"' | tr -d '"' | tr ';' '\n' | sed 's/:.*//' | sort -u
} | sed 's/^\([a-z_0-9]*\)$/"\1"/' > "$out/dicts/ir.dict"
# ONNX: protobuf tags of the fields the importer reads (tools/fuzz/onnx.dict), and the op types
# the importer's table knows.
{
  cat "$root/tools/fuzz/onnx.dict"
  grep -oh 't\["[A-Za-z0-9_]*"\]' "$root"/frontend/onnx/*.cpp | sed 's/t\["\(.*\)"\]/"\1"/' | sort -u
} > "$out/dicts/onnx.dict"
cp "$root/tools/fuzz/npy.dict" "$out/dicts/npy.dict"

for d in "$seeds"/*; do echo "seeds: $(ls "$d" | wc -l) in $(basename "$d")"; done
