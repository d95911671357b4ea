// The reference models after the default pipeline: the expected fusions happen (layer_norm and
// gelu raised, dense with activations and residuals, conv2d with relu); tests/backends checks
// the fused graphs against PyTorch's outputs on every backend.
#include <doctest/doctest.h>

#include "tests/onnx/reference_models.h"

using namespace graphc;
using test::countOps;

TEST_CASE("fused transformer: two layer_norms, gelu inside a dense, residual denses") {
  Graph g = test::loadReferenceModel("transformer", {1, 128, 256}, true);
  CHECK(countOps(g, OpKind::LayerNorm) == 2);
  CHECK(countOps(g, OpKind::Gelu) == 0);
  CHECK(countOps(g, OpKind::Erf) == 0);
  CHECK(countOps(g, OpKind::ReduceMean) == 0);
  CHECK(countOps(g, OpKind::Dense, "gelu") == 1);
  CHECK(countOps(g, OpKind::Dense, nullptr, 4) == 2);  // out_proj + x, linear2 + norm1
  CHECK(countOps(g, OpKind::Dense) == 4);              // in_proj, out_proj, linear1, linear2
  CHECK(countOps(g, OpKind::MatMul) == 2);             // the attention products stay
}

TEST_CASE("fused lenet: conv2d with relu, dense with relu") {
  Graph g = test::loadReferenceModel("lenet", {1, 1, 28, 28}, true);
  CHECK(countOps(g, OpKind::Conv2d, "relu") == 2);
  CHECK(countOps(g, OpKind::Dense, "relu") == 2);
  CHECK(countOps(g, OpKind::Relu) == 0);
}

TEST_CASE("fused mlp: dense with relu") {
  Graph g = test::loadReferenceModel("mlp", {64, 784}, true);
  CHECK(countOps(g, OpKind::Dense, "relu") == 2);
  CHECK(countOps(g, OpKind::Dense) == 3);
  CHECK(countOps(g, OpKind::Relu) == 0);
}
