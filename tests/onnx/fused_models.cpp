// The reference models after the default pipeline: the expected fusions happen (layer_norm and
// gelu raised, dense with activations and residuals, conv2d with relu) and the fused graphs
// still match PyTorch's outputs.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>

#include "frontend/onnx/onnx_import.h"
#include "passes/pass.h"
#include "tests/support.h"
#ifdef GRAPHC_HAVE_REF
#include "backend/ref/interpreter.h"
#endif

using namespace graphc;

namespace {

Graph loadFused(const std::string& model, Shape shape) {
  auto g = importOnnx(test::dataPath("onnx/" + model + ".onnx"), {{{"x", shape}}});
  if (!g) FAIL(g.error().message());
  Status s = runPipeline(*g, defaultPipeline());
  if (!s.ok()) FAIL(s.error().message());
  return std::move(*g);
}

int count(const Graph& g, OpKind op, const char* activation = nullptr, size_t operands = 0) {
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

[[maybe_unused]] double fusedError(const std::string& model, int batch, Shape inShape, Shape outShape) {
#ifdef GRAPHC_HAVE_REF
  Graph g = loadFused(model, inShape);
  Tensor x = test::referenceCase(model, batch, "in");
  Tensor expected = test::referenceCase(model, batch, "out");
  REQUIRE(x.shape() == inShape);
  REQUIRE(expected.shape() == outShape);
  auto out = ref::interpret(g, std::span<const Tensor>(&x, 1));
  if (!out) FAIL(out.error().message());
  double err = test::maxRelDiff(out->at(0), expected);
  MESSAGE(model << " batch " << batch << " fused: max rel error " << err);
  return err;
#else
  return 0;
#endif
}

}  // namespace

TEST_CASE("fused transformer: two layer_norms, gelu inside a dense, residual denses") {
  Graph g = loadFused("transformer", {1, 128, 256});
  CHECK(count(g, OpKind::LayerNorm) == 2);
  CHECK(count(g, OpKind::Gelu) == 0);
  CHECK(count(g, OpKind::Erf) == 0);
  CHECK(count(g, OpKind::ReduceMean) == 0);
  CHECK(count(g, OpKind::Dense, "gelu") == 1);
  CHECK(count(g, OpKind::Dense, nullptr, 4) == 2);  // out_proj + x, linear2 + norm1
  CHECK(count(g, OpKind::Dense) == 4);              // in_proj, out_proj, linear1, linear2
  CHECK(count(g, OpKind::MatMul) == 2);             // the attention products stay
}

TEST_CASE("fused lenet: conv2d with relu, dense with relu") {
  Graph g = loadFused("lenet", {1, 1, 28, 28});
  CHECK(count(g, OpKind::Conv2d, "relu") == 2);
  CHECK(count(g, OpKind::Dense, "relu") == 2);
  CHECK(count(g, OpKind::Relu) == 0);
}

TEST_CASE("fused mlp: dense with relu") {
  Graph g = loadFused("mlp", {64, 784});
  CHECK(count(g, OpKind::Dense, "relu") == 2);
  CHECK(count(g, OpKind::Dense) == 3);
  CHECK(count(g, OpKind::Relu) == 0);
}

#ifdef GRAPHC_HAVE_REF
TEST_CASE("fused reference models still match PyTorch") {
  CHECK(fusedError("mlp", 64, {64, 784}, {64, 10}) < 1e-4);
  CHECK(fusedError("seed", 32, {32, 10}, {32, 5}) < 1e-4);
  CHECK(fusedError("lenet", 64, {64, 1, 28, 28}, {64, 10}) < 1e-4);
  CHECK(fusedError("transformer", 1, {1, 128, 256}, {1, 128, 256}) < 1e-4);
}
#endif
