// Shared by the model tests: load a reference model (optionally through the default pipeline)
// and count ops.
#pragma once

#include <doctest/doctest.h>

#include "frontend/onnx/onnx_import.h"
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

}  // namespace graphc::test
