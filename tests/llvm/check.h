// Helpers for the llvm tests: one-node graphs, inputs with NaN and infinities mixed in, and
// the llvm backend's outputs checked against the reference interpreter's.
#pragma once

#include <doctest/doctest.h>

#include <cmath>

#include "backend/llvm/executable.h"
#include "ir/eval/interpreter.h"
#include "ir/builder.h"
#include "tests/support.h"

namespace graphc::test {

// op(x0, x1, ...) with inputs of these types, its one result the output.
inline Graph opGraph(OpKind op, std::vector<TensorType> types, AttrMap a = {}) {
  Graph g;
  Builder b(g);
  std::vector<ValueId> operands;
  for (size_t i = 0; i < types.size(); ++i) operands.push_back(b.input("x" + std::to_string(i), types[i]));
  b.output("y", b.create(op, operands, std::move(a)));
  return g;
}

// Random inputs in [lo, hi); with `special`, float inputs also hold NaN, +-Inf and -0 at a
// few positions (every 5th element from a seed-dependent start).
inline std::vector<Tensor> makeInputs(const Graph& g, uint64_t seed, double lo, double hi, bool special = false) {
  static const double kSpecial[] = {NAN, INFINITY, -INFINITY, -0.0};
  std::vector<Tensor> inputs;
  for (ValueId v : g.inputs) {
    Tensor t = randomTensor(g.type(v), seed++, lo, hi);
    if (special && isFloat(t.dtype()))
      for (int64_t i = (int64_t)(seed % 5); i < t.numel(); i += 5) t.set(i, kSpecial[(i / 5 + seed) % 4]);
    inputs.push_back(std::move(t));
  }
  return inputs;
}

// "" when a and b hold the same bits, any NaN matching any NaN (which NaN an operation on two
// NaNs returns depends on the order of its operands, which a reassociated sum does not fix);
// else where they first differ.
inline std::string bitDifference(const Tensor& a, const Tensor& b) {
  if (a.type() != b.type()) return "types " + a.type().str() + " and " + b.type().str();
  if (!isFloat(a.dtype())) return a.bitEqual(b) ? "" : "integer data differs";
  for (int64_t i = 0; i < a.numel(); ++i) {
    double x = a.at(i), y = b.at(i);
    bool same = (std::isnan(x) && std::isnan(y)) || (x == y && std::signbit(x) == std::signbit(y));
    if (!same) return "element " + std::to_string(i) + ": " + std::to_string(x) + " and " + std::to_string(y);
  }
  return "";
}

// A new context of exe; fails the test when it cannot be made.
inline std::unique_ptr<ExecutionContext> contextOf(const Executable& exe) {
  auto ctx = exe.createContext();
  REQUIRE_MESSAGE(ctx.ok(), (ctx.ok() ? "" : ctx.error().message()));
  return std::move(*ctx);
}

inline std::vector<Tensor> runLlvm(const Graph& g, std::span<const Tensor> inputs, int threads = 1) {
  auto exe = llvmjit::prepare(g, CompileOptions{"llvm", threads});
  REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().render()));
  auto ctx = contextOf(**exe);
  std::vector<Tensor> out = (*exe)->makeOutputs();
  Status st = (*exe)->run(*ctx, inputs, out);
  REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message()));
  return out;
}

// Every output within tol of the interpreter's (relative to max(1, |ref|), NaN matching NaN);
// exact for integer and bool results.
inline void checkAgainstRef(const Graph& g, const std::vector<Tensor>& inputs, double tol, int threads = 1) {
  auto ref = eval::interpret(g, inputs);
  REQUIRE_MESSAGE(ref.ok(), (ref.ok() ? "" : ref.error().message()));
  std::vector<Tensor> got = runLlvm(g, inputs, threads);
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("output ", g.outputs[i].name, " ", (*ref)[i].type().str());
    double d = maxRelDiff(got[i], (*ref)[i]);
    if (isFloat((*ref)[i].dtype())) CHECK(d <= tol);
    else CHECK(d == 0);
  }
}

inline void checkAgainstRef(const Graph& g, double tol, uint64_t seed = 1, double lo = -1, double hi = 1, bool special = false) {
  checkAgainstRef(g, makeInputs(g, seed, lo, hi, special), tol);
}

}  // namespace graphc::test
