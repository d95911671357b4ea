// FLOP counts as the peer harness makes them (../shared/peers/make_models.py).
#include <doctest/doctest.h>

#include "ir/builder.h"
#include "driver/flops.h"

namespace graphc::test {
namespace {

// x [batch, in] -> dense -> [batch, out], with zero weights of the right shapes.
ValueId dense(Builder& b, ValueId x, int64_t in, int64_t out) {
  ValueId w = b.param("w" + std::to_string(in) + "x" + std::to_string(out), Tensor(TensorType{DType::f32, {in, out}}));
  ValueId bias = b.param("b" + std::to_string(in) + "x" + std::to_string(out), Tensor(TensorType{DType::f32, {out}}));
  return b.create(OpKind::Dense, {x, w, bias});
}

TEST_CASE("the W1 MLP forward counts 1,337,344 FLOP per sample") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {64, 784}});
  ValueId y = dense(b, dense(b, dense(b, x, 784, 512), 512, 512), 512, 10);
  b.output("y", y);
  REQUIRE(b.status().ok());
  CHECK(graphFlops(g) == 64.0 * 2 * (784 * 512 + 512 * 512 + 512 * 10));
}

TEST_CASE("dense_grad counts one GEMM per gradient read: no dx for a first layer") {
  auto gradFlops = [](bool readDx) {
    Graph g;
    Builder b(g);
    ValueId x = b.input("x", {DType::f32, {64, 784}});
    ValueId w = b.param("w", Tensor(TensorType{DType::f32, {784, 512}}));
    ValueId bias = b.param("b", Tensor(TensorType{DType::f32, {512}}));
    ValueId y = b.create(OpKind::Dense, {x, w, bias});
    ValueId dy = b.input("dy", {DType::f32, {64, 512}});
    auto grads = b.tryCreate(OpKind::DenseGrad, {dy, x, w, y});
    REQUIRE(grads);
    b.output("dw", (*grads)[1]);
    if (readDx) b.output("dx", (*grads)[0]);
    return graphFlops(g) - 2.0 * 64 * 784 * 512;  // less the forward dense
  };
  double gemm = 2.0 * 64 * 784 * 512;
  CHECK(gradFlops(false) == gemm);
  CHECK(gradFlops(true) == 2 * gemm);
}

}  // namespace
}  // namespace graphc::test
