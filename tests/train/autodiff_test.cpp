// Autodiff as a whole: errors, unreachable parameters, and the backward ops (dense_grad,
// layer_norm_grad) against autodiff of their definitions composed from primitive ops.
#include <doctest/doctest.h>

#include "ir/eval/interpreter.h"
#include "ir/grad.h"
#include "passes/train/autodiff.h"
#include "tests/support.h"
#include "tests/train/gradcheck.h"

namespace graphc::test {
namespace {

using Ints = std::vector<int64_t>;

TEST_CASE("a gradient through a non-differentiable op is an error naming the node") {
  Graph g;
  Builder b(g);
  ValueId w = b.param("w", randomTensor({DType::f32, {2, 2}}, 1));
  ValueId c = b.create(OpKind::Cast, {w}, attrsOf({{"to", std::string("f64")}}), "widened");
  ValueId loss = b.create(OpKind::ReduceSum, {c}, attrsOf({{"keepdims", int64_t{0}}}), "loss");
  ValueId wrt[] = {w};
  auto r = buildGradients(g, loss, wrt);
  REQUIRE(!r);
  CHECK(r.error().message() ==
        "cannot differentiate '%loss': the gradient must pass through the 'cast' node defining %widened, and 'cast' has no "
        "gradient rule (it is not differentiable)");
}

TEST_CASE("comparisons cut no path: where(x > 0, x, 0) differentiates") {
  expectGrad({randomF64({3, 3}, 1, -1, 1, {0})},
             [](Builder& b, const std::vector<ValueId>& p) {
               ValueId zero = b.scalar(DType::f64, 0);
               return b.create(OpKind::Where, {b.create(OpKind::Greater, {p[0], zero}), p[0], zero});
             },
             1e-6);
}

TEST_CASE("the loss must be a float scalar; an unreachable parameter gets zeros") {
  Graph g;
  Builder b(g);
  ValueId w = b.param("w", randomTensor({DType::f32, {2}}, 1));
  ValueId unused = b.param("unused", randomTensor({DType::f32, {3}}, 2));
  ValueId wrt[] = {w, unused};
  CHECK(buildGradients(g, w, wrt).error().message() == "autodiff: the loss '%w' must be a float scalar, got f32[2]");
  ValueId loss = b.create(OpKind::ReduceSum, {b.create(OpKind::Mul, {w, w})}, attrsOf({{"keepdims", int64_t{0}}}));
  auto r = buildGradients(g, loss, wrt);
  REQUIRE(r);
  b.output("dw", (*r)[0]);
  b.output("dunused", (*r)[1]);
  auto out = eval::interpret(g, {});
  REQUIRE(out);
  CHECK((*out)[0].at(1) == doctest::Approx(2 * g.value(w).data.at(1)));
  CHECK(maxAbsDiff((*out)[1], Tensor({DType::f32, {3}})) == 0);
}

// Gradients of f, built twice: once with the fused op (which autodiff turns into its backward
// op) and once composed from primitives; both in f64.
std::vector<Tensor> gradsOf(const std::vector<Tensor>& params, const BuildFn& f) {
  Graph g;
  Builder b(g);
  std::vector<ValueId> ids;
  for (size_t i = 0; i < params.size(); ++i) ids.push_back(b.param("p" + std::to_string(i), params[i]));
  ValueId y = f(b, ids);
  ValueId loss = b.create(OpKind::ReduceSum, {b.create(OpKind::Mul, {y, b.constant(randomTensor(g.type(y), 7), "r")})},
                          attrsOf({{"keepdims", int64_t{0}}}));
  auto grads = buildGradients(g, loss, ids);
  REQUIRE(grads);
  for (ValueId v : *grads) b.output(g.value(v).name, v);
  auto out = eval::interpret(g, {});
  REQUIRE(out);
  return *out;
}

TEST_CASE("dense_grad matches autodiff of matmul + add + activation") {
  for (const char* act : {"relu", "sigmoid", "leaky_relu"}) {
    INFO("activation ", act);
    std::vector<Tensor> params = {randomF64({4, 3}, 1), randomF64({3, 5}, 2), randomF64({5}, 3)};
    auto fused = gradsOf(params, [&](Builder& b, const std::vector<ValueId>& p) {
      return b.create(OpKind::Dense, {p[0], p[1], p[2]}, attrsOf({{"activation", std::string(act)}, {"alpha", 0.1}}));
    });
    auto composed = gradsOf(params, [&](Builder& b, const std::vector<ValueId>& p) {
      ValueId z = b.create(OpKind::Add, {b.create(OpKind::MatMul, {p[0], p[1]}), p[2]});
      std::string a = act;
      if (a == "relu") return b.create(OpKind::Relu, {z});
      if (a == "sigmoid") return b.create(OpKind::Sigmoid, {z});
      return b.create(OpKind::LeakyRelu, {z}, attrsOf({{"alpha", 0.1}}));
    });
    for (size_t i = 0; i < 3; ++i) CHECK(maxRelDiff(fused[i], composed[i]) < 1e-12);
  }
}

TEST_CASE("layer_norm_grad matches autodiff of layer norm composed from primitives") {
  std::vector<Tensor> params = {randomF64({3, 6}, 1, -2, 2), randomF64({6}, 2), randomF64({6}, 3)};
  auto fused = gradsOf(params, [](Builder& b, const std::vector<ValueId>& p) {
    return b.create(OpKind::LayerNorm, {p[0], p[1], p[2]}, attrsOf({{"epsilon", 1e-3}}));
  });
  auto composed = gradsOf(params, [](Builder& b, const std::vector<ValueId>& p) {
    AttrMap last = attrsOf({{"axes", Ints{-1}}});
    ValueId centered = b.create(OpKind::Sub, {p[0], b.create(OpKind::ReduceMean, {p[0]}, last)});
    ValueId var = b.create(OpKind::ReduceMean, {b.create(OpKind::Mul, {centered, centered})}, last);
    ValueId inv = b.create(OpKind::Reciprocal, {b.create(OpKind::Sqrt, {b.create(OpKind::Add, {var, b.scalar(DType::f64, 1e-3)})})});
    return b.create(OpKind::Add, {b.create(OpKind::Mul, {b.create(OpKind::Mul, {centered, inv}), p[1]}), p[2]});
  });
  for (size_t i = 0; i < 3; ++i) CHECK(maxRelDiff(fused[i], composed[i]) < 1e-12);
}

}  // namespace
}  // namespace graphc::test
