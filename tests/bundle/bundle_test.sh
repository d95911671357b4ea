#!/usr/bin/env bash
# The ahead-of-time bundles from outside: graphc compile --emit bundle, then a C program built
# with plain cc against NAME.o and NAME.h alone (no graphc, LLVM or oneDNN library).
#   bundle_test.sh CASE GRAPHC NPYCMP SOURCE_DIR WORK_DIR
# CASE: matches (outputs against graphc run --backend ref), generic_cpu (built for x86-64 with no
# AVX, and for AArch64), sealed (a run makes no heap call and no system call), errors (bad
# requests leave no files), symbols (the object needs nothing but libc and libm; two bundles link
# into one program), docs (docs/embedding.md's bundle example builds and runs).
set -euo pipefail
case_name=$1 graphc=$2 npycmp=$3 src=$4 work=$5
data="$src/tests/data/onnx"
here="$src/tests/bundle"
rm -rf "$work" && mkdir -p "$work"
cd "$work"

# bundle MODEL SHAPE NAME [compile options...]: DIR NAME/ with NAME.o and NAME.h.
bundle() {
  local model=$1 shape=$2 name=$3
  shift 3
  "$graphc" compile "$model" --shape "x=$shape" --backend llvm --emit bundle -o "$name" --bundle-name "$name" "$@"
}
# build_c NAME PROGRAM.c [cc options...]: the test program against bundle NAME (one f32 input, one f32 output).
build_c() {
  local name=$1 program=$2
  shift 2
  cc -O2 -std=c11 -Wall -Werror -I "$name" -I "$here" -I "$src/examples/bundle" -include "$name/$name.h" \
    -DBUNDLE="$name" -DBUNDLE_UPPER="$(echo "$name" | tr a-z A-Z)" "$here/$program" "$name/$name.o" -lm -o "$name.${program%.c}" "$@"
}
# matches NAME INPUT.npy: the bundle's output equals the interpreter's on the same model and input.
matches() {
  local name=$1 model=$2 input=$3
  ./"$name.driver" "$input" "$name.out.npy"
  "$graphc" run "$model" --backend ref --input x="$input" --output-dir "$name.ref" > /dev/null
  "$npycmp" "$name.out.npy" "$name.ref/$(ls "$name.ref")" --rtol 1e-4 --atol 1e-5
  echo "$name: matches the interpreter"
}

case $case_name in
  matches)
    bundle "$data/mlp.onnx" 1x784 mlp1
    build_c mlp1 driver.c
    matches mlp1 "$data/mlp.onnx" "$data/mlp_b1_in.npy"
    bundle "$data/mlp.onnx" 64x784 mlp64
    build_c mlp64 driver.c
    matches mlp64 "$data/mlp.onnx" "$data/mlp_b64_in.npy"
    bundle "$data/seed.onnx" 32x10 seed
    build_c seed driver.c
    matches seed "$data/seed.onnx" "$data/seed_b32_in.npy"
    ;;
  generic_cpu)
    bundle "$data/mlp.onnx" 64x784 plain --target-cpu x86-64 --target-triple x86_64-pc-linux-gnu
    grep -q "x86_64-pc-linux-gnu (CPU x86-64)" plain/plain.h
    # No AVX instruction (ymm or zmm register) anywhere in the code: plain SSE2.
    objdump -d plain/plain.o > plain.s  # (grep -q on a pipe would stop objdump with SIGPIPE)
    if grep -Eq '%[yz]mm[0-9]' plain.s; then
      echo "the x86-64 bundle uses AVX registers" >&2
      exit 1
    fi
    build_c plain driver.c
    matches plain "$data/mlp.onnx" "$data/mlp_b64_in.npy"
    # Another architecture: an AArch64 object (not run here), whose header says so.
    bundle "$data/mlp.onnx" 1x784 arm --target-triple aarch64-linux-gnu --target-cpu cortex-a72
    readelf -h arm/arm.o > arm.elf
    grep -q "Machine: *AArch64" arm.elf
    grep -q "aarch64-unknown-linux-gnu (CPU cortex-a72)" arm/arm.h
    echo "arm: an AArch64 object"
    ;;
  sealed)
    bundle "$data/mlp.onnx" 1x784 mlp
    build_c mlp sealed.c -D_GNU_SOURCE  # syscall(2); set before -include reads the libc headers
    out=$(./mlp.sealed "$data/mlp_b1_in.npy")
    echo "$out"
    [[ "$out" == $'allocations 0\ncode 0' ]]
    # The seal bites: one system call in the sealed region ends the process with SIGKILL.
    status=0
    ./mlp.sealed "$data/mlp_b1_in.npy" --syscall > /dev/null || status=$?
    [[ $status -eq 137 ]] || { echo "a system call under seccomp ended with status $status, not SIGKILL" >&2; exit 1; }
    echo "a system call under the seal is killed (status 137)"
    ;;
  symbols)
    bundle "$data/mlp.onnx" 1x784 first
    bundle "$data/seed.onnx" 1x10 second
    for name in first second; do
      undefined=$(nm -u "$name/$name.o" | awk '{print $2}')
      echo "$name.o needs: $(echo $undefined)"
      for symbol in $undefined; do
        # libc (mem*), libm's scalar functions, and glibc's libmvec (_ZGV*), which -lm links.
        if ! [[ $symbol =~ ^(memcpy|memset|memmove|_ZGV[a-zA-Z0-9_]+|(exp|log|pow|tanh|erf|expm1|sqrt|fmod|sin|cos|floor|ceil|round|trunc|fmin|fmax|nearbyint|rint)f?)$ ]]; then
          echo "$name.o needs $symbol, which is not in libc or libm" >&2
          exit 1
        fi
      done
    done
    # Two bundles in one program: each has its own entry and private weights, no clash.
    cat > two.c <<'C'
#include <stdio.h>
#include "first.h"
#include "second.h"
int main(void) { printf("%p %p\n", (void*)&first_run, (void*)&second_run); return FIRST_ABI_VERSION != SECOND_ABI_VERSION; }
C
    cc -std=c11 -Wall -Werror -I first -I second two.c first/first.o second/second.o -lm -o two
    ./two > /dev/null
    echo "two bundles link into one program"
    # The header is C++ too, and shares graphc_run_buffers with runtime/abi.h (one include guard).
    printf '#include "runtime/abi.h"\n#include "first.h"\nint main() { graphc_run_buffers b{}; return first_run(&b) == 0; }\n' > both.cpp
    c++ -std=c++20 -Wall -Werror -I "$src" -I first both.cpp first/first.o -lm -o both
    [[ $(./both; echo $?) == 0 ]]  # zeroed buffers are refused (abi_version 0), not run
    echo "the header compiles as C++ beside runtime/abi.h"
    ;;
  errors)
    # expect_refusal MESSAGE DIR ARGS...: non-zero exit, MESSAGE on stderr, DIR left without files.
    expect_refusal() {
      local message=$1 dir=$2
      shift 2
      local status=0
      "$graphc" compile "$@" 2> err.txt > /dev/null || status=$?
      cat err.txt
      [[ $status -ne 0 ]] || { echo "exit status 0 for: $*" >&2; exit 1; }
      grep -qF -- "$message" err.txt || { echo "no '$message' in the message" >&2; exit 1; }
      if [[ -e $dir ]] && [[ -n $(ls -A "$dir") ]]; then
        echo "files left in $dir: $(ls -A "$dir")" >&2
        exit 1
      fi
    }
    expect_refusal "the dnnl backend runs only inside this process" out1 "$data/mlp.onnx" --shape x=1x784 --backend dnnl --emit bundle -o out1
    # Every op lowers; a dense_grad with gelu cannot (its derivative needs the pre-activation).
    printf 'graph dg {\n  input %%dy : f32[4,3]\n  input %%x : f32[4,2]\n  input %%w : f32[2,3]\n  input %%y : f32[4,3]\n  %%dx, %%dw, %%db = dense_grad(%%dy, %%x, %%w, %%y) {activation = "gelu"} : f32[4,2], f32[2,3], f32[3]\n  output dx = %%dx\n  output dw = %%dw\n  output db = %%db\n}\n' > dense_grad_gelu.graph
    expect_refusal "a gelu derivative needs the pre-activation" out2 dense_grad_gelu.graph --backend llvm --emit bundle -o out2
    expect_refusal "--target-cpu 'no-such-cpu': not a CPU of target" out3 "$data/mlp.onnx" --shape x=1x784 --backend llvm --emit bundle -o out3 --target-cpu no-such-cpu
    expect_refusal "--target-triple 'nonsense-triple'" out4 "$data/mlp.onnx" --shape x=1x784 --backend llvm --emit bundle -o out4 --target-triple nonsense-triple
    expect_refusal "needs -o DIR" "" "$data/mlp.onnx" --shape x=1x784 --backend llvm --emit bundle
    expect_refusal "a bundle runs on its caller's thread alone" out5 "$data/mlp.onnx" --shape x=1x784 --backend llvm --emit bundle -o out5 --threads 4
    # An unwritable folder: mode 555, or /proc/self for a user (root) whom mode 555 does not stop.
    mkdir readonly && chmod 555 readonly
    if touch readonly/probe 2> /dev/null; then
      rm readonly/probe
      expect_refusal "cannot create a temporary file in '/proc/self'" "" "$data/mlp.onnx" --shape x=1x784 --backend llvm --emit bundle -o /proc/self
    else
      expect_refusal "cannot create a temporary file" readonly "$data/mlp.onnx" --shape x=1x784 --backend llvm --emit bundle -o readonly
    fi
    touch notadir
    expect_refusal "not a folder" "" "$data/mlp.onnx" --shape x=1x784 --backend llvm --emit bundle -o notadir
    [[ ! -s notadir ]]
    # An existing bundle is not touched by a failed compile.
    bundle "$data/mlp.onnx" 1x784 keep
    sum=$(cat keep/keep.o keep/keep.h | md5sum)
    status=0
    "$graphc" compile "$data/mlp.onnx" --shape x=1x784 --backend llvm --emit bundle -o keep --bundle-name keep --target-cpu no-such-cpu 2> /dev/null || status=$?
    [[ $status -ne 0 && $(cat keep/keep.o keep/keep.h | md5sum) == "$sum" && $(ls -A keep | wc -l) -eq 2 ]]
    echo "a failed compile leaves an existing bundle as it was"
    ;;
  docs)
    # docs/embedding.md's bundle example, as a reader copies it: the first C block of its section
    # (awk reads to the end: an early exit would fail sed with SIGPIPE under pipefail).
    sed -n '/^## Ahead-of-time bundles/,$p' "$src/docs/embedding.md" | awk '/^```c$/ && !done {on = 1; next} /^```$/ && on {on = 0; done = 1} on' > app.c
    [[ -s app.c ]]
    "$graphc" compile "$data/seed.onnx" --shape x=1x10 --backend llvm --emit bundle -o out
    cc -O2 -std=c11 -Wall -Wextra -Werror -I out app.c out/seed.o -lm -o app
    out=$(./app)
    echo "$out"
    [[ $out =~ ^y\ =(\ [01]\.[0-9]{4}){5}$ ]]
    # Probabilities: they sum to 1.
    echo "$out" | awk '{ s = 0; for (i = 3; i <= NF; ++i) s += $i; exit !(s > 0.999 && s < 1.001) }'
    ;;
  *)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac
