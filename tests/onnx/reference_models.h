// Shared by the model tests: load a reference model (optionally through the default pipeline),
// count ops, and compare its interpreter output with PyTorch's.
#pragma once

#include <doctest/doctest.h>

#include "frontend/onnx/onnx_import.h"
#include "ir/eval/interpreter.h"
#include "passes/pass.h"
#include "tests/support.h"

namespace graphc::test {

inline Graph loadReferenceModel(const std::string& model, Shape shape, bool optimized) {
  auto g = importOnnx(dataPath("onnx/" + model + ".onnx"), {{{"x", shape}}});
  if (!g) FAIL(g.error().message());
  if (optimized)
    if (Status s = runPipeline(*g, defaultPipeline()); !s.ok()) FAIL(s.error().message());
  return std::move(*g);
}

// Live nodes of kind op, optionally with that activation and that many operands.
inline int countOps(const Graph& g, OpKind op, const char* activation = nullptr, size_t operands = 0) {
  int n = 0;
  for (const Node& node : g.nodes) {
    if (node.dead || node.op != op) continue;
    const Attr* a = activation ? node.attrs.find("activation") : nullptr;
    if (activation && (!a || std::get<std::string>(*a) != activation)) continue;
    if (operands && node.operands.size() != operands) continue;
    ++n;
  }
  return n;
}

// Max relative error of the interpreter against PyTorch on one reference case.
[[maybe_unused]] inline double referenceError(const std::string& model, int batch, Shape inShape, Shape outShape,
                                              bool optimized) {
  Graph g = loadReferenceModel(model, inShape, optimized);
  Tensor x = referenceCase(model, batch, "in");
  Tensor expected = referenceCase(model, batch, "out");
  REQUIRE(x.shape() == inShape);
  REQUIRE(expected.shape() == outShape);
  auto out = eval::interpret(g, std::span<const Tensor>(&x, 1));
  if (!out) FAIL(out.error().message());
  double err = maxRelDiff(out->at(0), expected);
  MESSAGE(model << " batch " << batch << (optimized ? " optimized" : "") << ": max rel error " << err);
  return err;
}

}  // namespace graphc::test
