// Gradient rules of the elementwise ops against finite differences (f64), broadcasting included.
#include <doctest/doctest.h>

#include "ir/grad.h"
#include "tests/support.h"
#include "tests/train/gradcheck.h"

namespace graphc::test {

void expectGrad(const std::vector<Tensor>& params, const BuildFn& f, double tol) {
  GradCheck r = checkGradients(params, f);
  INFO(r.where);
  REQUIRE(r.error == "");
  CHECK(r.worst < tol);
}

namespace {

constexpr double kTol = 1e-6;

void unary(OpKind op, Tensor x, AttrMap attrs = {}) {
  INFO("op ", opName(op));
  expectGrad({x}, [&](Builder& b, const std::vector<ValueId>& p) { return b.create(op, {p[0]}, attrs); }, kTol);
}

TEST_CASE("unary ops") {
  Shape s{3, 4};
  unary(OpKind::Neg, randomF64(s, 1));
  unary(OpKind::Abs, randomF64(s, 2, -1, 1, {0}));
  unary(OpKind::Sqrt, randomF64(s, 3, 0.5, 2));
  unary(OpKind::Exp, randomF64(s, 4));
  unary(OpKind::Log, randomF64(s, 5, 0.5, 2));
  unary(OpKind::Erf, randomF64(s, 6));
  unary(OpKind::Reciprocal, randomF64(s, 7, 0.5, 2));
  unary(OpKind::Relu, randomF64(s, 8, -1, 1, {0}));
  unary(OpKind::LeakyRelu, randomF64(s, 9, -1, 1, {0}), attrsOf({{"alpha", 0.2}}));
  unary(OpKind::Elu, randomF64(s, 10, -1, 1, {0}), attrsOf({{"alpha", 0.7}}));
  unary(OpKind::Sigmoid, randomF64(s, 11, -3, 3));
  unary(OpKind::Tanh, randomF64(s, 12, -2, 2));
  unary(OpKind::Gelu, randomF64(s, 13, -3, 3));
  unary(OpKind::Silu, randomF64(s, 19, -4, 4));
  unary(OpKind::Clip, randomF64(s, 14, -1, 1, {-0.5, 0.5}), attrsOf({{"min", -0.5}, {"max", 0.5}}));
  unary(OpKind::Clip, randomF64(s, 15, -1, 1, {0.25}), attrsOf({{"max", 0.25}}));  // min = -inf
  // hard_sigmoid(0.25 x + 0.4) bends at x = -1.6 and 2.4, the default one at ±2.5; hard_swish at ±3.
  unary(OpKind::HardSigmoid, randomF64(s, 16, -4, 4, {-1.6, 2.4}), attrsOf({{"alpha", 0.25}, {"beta", 0.4}}));
  unary(OpKind::HardSigmoid, randomF64(s, 17, -4, 4, {-2.5, 2.5}));
  unary(OpKind::HardSwish, randomF64(s, 18, -5, 5, {-3, 3}));
}

TEST_CASE("trigonometric and hyperbolic ops, and their inverses inside their domains") {
  Shape s{3, 5};
  unary(OpKind::Sin, randomF64(s, 21, -3, 3));
  unary(OpKind::Cos, randomF64(s, 22, -3, 3));
  unary(OpKind::Tan, randomF64(s, 23, -1.2, 1.2));
  unary(OpKind::Asin, randomF64(s, 24, -0.9, 0.9));
  unary(OpKind::Acos, randomF64(s, 25, -0.9, 0.9));
  unary(OpKind::Atan, randomF64(s, 26, -3, 3));
  unary(OpKind::Sinh, randomF64(s, 27, -2, 2));
  unary(OpKind::Cosh, randomF64(s, 28, -2, 2));
  unary(OpKind::Asinh, randomF64(s, 29, -3, 3));
  unary(OpKind::Acosh, randomF64(s, 30, 1.1, 4));
  unary(OpKind::Atanh, randomF64(s, 31, -0.9, 0.9));
}

// Piecewise constant: finite differences away from the steps are 0, and so is the rule's gradient.
TEST_CASE("floor, ceil, round and sign have a zero gradient") {
  Shape s{3, 5};
  unary(OpKind::Floor, randomF64(s, 32, -2, 2, {-2, -1, 0, 1, 2}));
  unary(OpKind::Ceil, randomF64(s, 33, -2, 2, {-2, -1, 0, 1, 2}));
  unary(OpKind::Round, randomF64(s, 34, -2, 2, {-1.5, -0.5, 0.5, 1.5}));
  unary(OpKind::Sign, randomF64(s, 35, -2, 2, {0}));
}

// Each binary op with equal shapes and with the broadcasts that must be summed back.
TEST_CASE("binary ops with broadcasting") {
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{2, 3}, {2, 3}}, {{2, 3}, {3}}, {{2, 1}, {1, 3}}, {{2, 3}, {}}, {{4, 1, 3}, {2, 1}}, {{1}, {2, 3}}};
  for (OpKind op : {OpKind::Add, OpKind::Sub, OpKind::Mul, OpKind::Div, OpKind::Pow, OpKind::Min, OpKind::Max}) {
    uint64_t seed = 100;
    for (const auto& [sa, sb] : shapes) {
      INFO("op ", opName(op), " shapes [", shapeStr(sa), "] and [", shapeStr(sb), "]");
      bool positive = op == OpKind::Pow || op == OpKind::Div;
      Tensor a = op == OpKind::Pow ? randomF64(sa, ++seed, 0.5, 2) : randomF64(sa, ++seed);
      Tensor b = positive ? randomF64(sb, ++seed, 0.5, 2) : randomF64(sb, ++seed);
      expectGrad({a, b}, [&](Builder& bl, const std::vector<ValueId>& p) { return bl.create(op, {p[0], p[1]}); }, kTol);
    }
  }
}

TEST_CASE("min and max split the gradient at ties") {
  Tensor a = randomF64({2, 3}, 1), b = a.clone();
  b.set(0, a.at(0) + 0.5);
  for (OpKind op : {OpKind::Min, OpKind::Max}) {
    // With a == b the two one-sided slopes differ; the split rule gives their mean, which is
    // what central differences of f(a, a) measure for the sum of both gradients.
    expectGrad({a}, [&](Builder& bl, const std::vector<ValueId>& p) { return bl.create(op, {p[0], p[0]}); }, kTol);
  }
}

TEST_CASE("where routes the gradient by the condition, broadcasting both branches") {
  Tensor cond = randomTensor({DType::boolean, {2, 3}}, 5);
  expectGrad({randomF64({2, 3}, 1), randomF64({3}, 2)},
             [&](Builder& b, const std::vector<ValueId>& p) {
               return b.create(OpKind::Where, {b.constant(cond, "cond"), p[0], p[1]});
             },
             kTol);
}

TEST_CASE("a value with several uses accumulates its gradients") {
  expectGrad({randomF64({3, 4}, 1), randomF64({4}, 2)},
             [&](Builder& b, const std::vector<ValueId>& p) {
               ValueId sq = b.create(OpKind::Mul, {p[0], p[0]});
               ValueId e = b.create(OpKind::Exp, {p[0]});
               ValueId t = b.create(OpKind::Add, {sq, b.create(OpKind::Mul, {e, p[1]})});
               return b.create(OpKind::Sub, {t, b.create(OpKind::Tanh, {p[1]})});
             },
             kTol);
}

}  // namespace
}  // namespace graphc::test
