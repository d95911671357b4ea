// Helpers for the pass tests: graph building shorthands and "interpreter before == after".
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <sstream>

#include "ir/builder.h"
#include "ir/eval/interpreter.h"
#include "ir/verifier.h"
#include "passes/pass.h"
#include "tests/support.h"

namespace graphc::test {

inline TensorType f32(Shape s) { return {DType::f32, std::move(s)}; }

inline Tensor filled(TensorType t, double v) {
  Tensor x(t);
  for (int64_t i = 0; i < x.numel(); ++i) x.set(i, v);
  return x;
}

inline int countOps(const Graph& g, OpKind op) {
  int n = 0;
  for (const Node& node : g.nodes) n += !node.dead && node.op == op;
  return n;
}

inline int liveNodes(const Graph& g) {
  int n = 0;
  for (const Node& node : g.nodes) n += !node.dead;
  return n;
}

inline std::vector<Tensor> interpretOnRandom(const Graph& g, uint64_t seed) {
  std::vector<Tensor> inputs;
  for (ValueId v : g.inputs) inputs.push_back(randomTensor(g.type(v), seed + v));
  auto r = eval::interpret(g, inputs);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message()));
  return *r;
}

// Runs `passes` on a copy of g, checks the result verifies and computes what g computes on
// random inputs (within tol), and returns the transformed copy for structural checks.
inline Graph runAndCompare(const Graph& g, const std::vector<std::string>& passes, std::string* log = nullptr,
                           double tol = 1e-6) {
  Graph after = g.clone();
  std::ostringstream out;
  PipelineOptions options;
  options.debugRewrites = log != nullptr;
  options.out = &out;
  Status s = runPipeline(after, passes, options);
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message()));
  if (log) *log = out.str();
  REQUIRE(verify(after).ok());
  REQUIRE(after.inputs.size() == g.inputs.size());
  for (uint64_t seed : {1u, 2u}) {
    std::vector<Tensor> expected = interpretOnRandom(g, seed * 100), actual = interpretOnRandom(after, seed * 100);
    REQUIRE(expected.size() == actual.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      CHECK(actual[i].type() == expected[i].type());
      CHECK(maxRelDiff(actual[i], expected[i]) <= tol);
    }
  }
  return after;
}

}  // namespace graphc::test
