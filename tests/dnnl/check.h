// Helpers for the dnnl tests: build small graphs, run them on dnnl and on the interpreter.
#pragma once

#include <doctest/doctest.h>

#include "backend/dnnl/executable.h"
#include "ir/builder.h"
#include "ir/eval/interpreter.h"
#include "tests/support.h"

namespace graphc::test {

inline Tensor randomF32(Shape s, uint64_t seed, double lo = -1, double hi = 1) {
  return randomTensor({DType::f32, std::move(s)}, seed, lo, hi);
}

// Whether the backend's own AVX-512 kernels run here (the batch-1 matrix-vector kernel, the
// narrow GEMMs of small training steps): the CPU has AVX-512 and ONEDNN_MAX_CPU_ISA does not
// cap oneDNN below it (isa.cpp). Elsewhere oneDNN and plain loops do their work, so tests of
// which steps a graph compiles to expect what this CPU and cap select.
bool avx512Kernels();

struct RunResult {
  std::vector<Tensor> dnnl, ref;
};

// Random inputs in [lo, hi), one run on each backend; fails the test on any Error.
inline RunResult runBoth(const Graph& g, uint64_t seed = 1, double lo = -1, double hi = 1, int threads = 0) {
  std::vector<Tensor> inputs;
  for (ValueId v : g.inputs) inputs.push_back(randomTensor(g.type(v), seed++, lo, hi));
  RunResult r;
  auto ref = eval::interpret(g, inputs);
  REQUIRE_MESSAGE(ref.ok(), (ref.ok() ? "" : ref.error().message()));
  r.ref = *ref;
  auto exe = dnnl::prepare(g, CompileOptions{"dnnl", threads});
  REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().message()));
  auto ctx = std::move((*exe)->createContext().value());
  r.dnnl = (*exe)->makeOutputs();
  Status st = (*exe)->run(*ctx, inputs, r.dnnl);
  REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message()));
  return r;
}

// Every output within tol (relative to max(1, |ref|)); exact for integer and bool results.
inline void checkClose(const Graph& g, double tol = 1e-5, uint64_t seed = 1, double lo = -1, double hi = 1) {
  RunResult r = runBoth(g, seed, lo, hi);
  for (size_t i = 0; i < r.ref.size(); ++i) {
    INFO("output ", g.outputs[i].name, " ", r.ref[i].type().str());
    bool exact = !isFloat(r.ref[i].dtype());
    double d = maxRelDiff(r.dnnl[i], r.ref[i]);
    if (exact) CHECK(d == 0);
    else CHECK(d <= tol);
  }
}

}  // namespace graphc::test
