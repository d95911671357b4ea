// Gradient rules of matmul, dense, conv2d and the pools against finite differences (f64).
#include <doctest/doctest.h>

#include "ir/grad.h"
#include "tests/train/gradcheck.h"

namespace graphc::test {

namespace {

constexpr double kTol = 1e-6;
using Ints = std::vector<int64_t>;

TEST_CASE("matmul: matrices, batches with broadcasting, vectors") {
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{2, 3}, {3, 4}}, {{2, 2, 3}, {3, 4}}, {{2, 1, 2, 3}, {3, 3, 2}}, {{3}, {3, 4}}, {{2, 3}, {3}}, {{3}, {3}}};
  uint64_t seed = 1;
  for (const auto& [sa, sb] : shapes) {
    INFO("[", shapeStr(sa), "] x [", shapeStr(sb), "]");
    expectGrad({randomF64(sa, ++seed), randomF64(sb, ++seed)},
               [&](Builder& b, const std::vector<ValueId>& p) { return b.create(OpKind::MatMul, {p[0], p[1]}); }, kTol);
  }
}

TEST_CASE("dense with every activation, a residual and a rank-3 input") {
  for (const char* act : {"none", "relu", "leaky_relu", "gelu", "sigmoid", "tanh", "clip", "elu", "silu"}) {
    for (bool residual : {false, true}) {
      INFO("activation ", act, residual ? " with residual" : "");
      std::vector<Tensor> params = {randomF64({2, 3, 4}, 1), randomF64({4, 5}, 2), randomF64({5}, 3)};
      if (residual) params.push_back(randomF64({2, 3, 5}, 4));
      AttrMap a = attrsOf({{"activation", std::string(act)}, {"alpha", 0.1}, {"beta", 0.4}});
      if (std::string(act) == "clip") a.set("alpha", -0.4);
      // Keep pre-activations away from the kinks at 0 and +-0.4 by checking at a few seeds:
      // random data makes hitting one within h = 1e-6 vanishingly unlikely.
      expectGrad(params,
                 [&](Builder& b, const std::vector<ValueId>& p) {
                   std::vector<ValueId> ops(p.begin(), p.end());
                   return b.create(OpKind::Dense, ops, a);
                 },
                 kTol);
    }
  }
}

TEST_CASE("conv2d: strides, pads, dilations, groups, fused activation and residual") {
  struct Case {
    AttrMap attrs;
    Shape x, w, y;
  };
  const std::vector<Case> cases = {
      {attrsOf({}), {1, 2, 5, 5}, {3, 2, 3, 3}, {1, 3, 3, 3}},
      {attrsOf({{"strides", Ints{2, 1}}, {"pads", Ints{1, 0, 1, 2}}}), {2, 2, 5, 4}, {3, 2, 3, 2}, {}},
      {attrsOf({{"dilations", Ints{2, 2}}, {"pads", Ints{2, 2, 2, 2}}}), {1, 1, 5, 5}, {2, 1, 3, 3}, {}},
      {attrsOf({{"group", int64_t{2}}, {"activation", std::string("relu")}}), {1, 4, 4, 4}, {4, 2, 3, 3}, {}},
      {attrsOf({{"activation", std::string("tanh")}, {"pads", Ints{1, 1, 1, 1}}}), {1, 2, 4, 4}, {2, 2, 3, 3}, {1, 2, 4, 4}},
  };
  uint64_t seed = 1;
  for (const Case& c : cases) {
    std::vector<Tensor> params = {randomF64(c.x, ++seed), randomF64(c.w, ++seed), randomF64({c.w[0]}, ++seed)};
    if (!c.y.empty()) params.push_back(randomF64(c.y, ++seed));
    expectGrad(params,
               [&](Builder& b, const std::vector<ValueId>& p) {
                 std::vector<ValueId> ops(p.begin(), p.end());
                 return b.create(OpKind::Conv2d, ops, c.attrs);
               },
               kTol);
  }
}

TEST_CASE("conv2d_grad_input (ConvTranspose): strides, pads, dilations, groups and an output padding") {
  struct Case {
    AttrMap attrs;
    Shape x, w, out;
  };
  const std::vector<Case> cases = {
      {attrsOf({}), {1, 3, 3, 3}, {3, 2, 3, 3}, {1, 2, 5, 5}},
      {attrsOf({{"strides", Ints{2, 2}}, {"pads", Ints{1, 0, 1, 1}}}), {2, 2, 3, 3}, {2, 3, 3, 2}, {2, 3, 6, 5}},  // one row of output padding
      {attrsOf({{"dilations", Ints{2, 1}}, {"group", int64_t{2}}}), {1, 4, 2, 3}, {4, 1, 2, 2}, {1, 2, 4, 4}},
  };
  uint64_t seed = 40;
  for (const Case& c : cases) {
    INFO("x [", shapeStr(c.x), "], w [", shapeStr(c.w), "]");
    AttrMap a = c.attrs;
    a.set("input_shape", std::vector<int64_t>(c.out));
    expectGrad({randomF64(c.x, ++seed), randomF64(c.w, ++seed)},
               [&](Builder& b, const std::vector<ValueId>& p) { return b.create(OpKind::Conv2dGradInput, {p[0], p[1]}, a); }, kTol);
  }
}

TEST_CASE("pools") {
  const std::vector<std::pair<OpKind, AttrMap>> cases = {
      {OpKind::MaxPool2d, attrsOf({{"kernel", Ints{2, 2}}, {"strides", Ints{2, 2}}})},
      {OpKind::MaxPool2d, attrsOf({{"kernel", Ints{3, 3}}, {"pads", Ints{1, 1, 1, 1}}, {"ceil_mode", int64_t{1}}, {"strides", Ints{2, 2}}})},
      {OpKind::MaxPool2d, attrsOf({{"kernel", Ints{2, 2}}, {"dilations", Ints{2, 2}}})},
      {OpKind::AvgPool2d, attrsOf({{"kernel", Ints{2, 2}}, {"strides", Ints{2, 2}}})},
      {OpKind::AvgPool2d, attrsOf({{"kernel", Ints{3, 3}}, {"pads", Ints{1, 1, 1, 1}}, {"count_include_pad", int64_t{1}}, {"ceil_mode", int64_t{1}}, {"strides", Ints{2, 2}}})},
      {OpKind::AvgPool2d, attrsOf({{"kernel", Ints{3, 3}}, {"pads", Ints{1, 1, 1, 1}}})},
      {OpKind::GlobalAvgPool, attrsOf({})},
  };
  for (const auto& [op, attrs] : cases) {
    INFO("op ", opName(op));
    // Distinct values (a shuffled ramp) so that no max-pool window has a tie.
    Tensor x = randomF64({2, 2, 5, 5}, 3);
    for (int64_t i = 0; i < x.numel(); ++i) x.set(i, (double)((i * 37) % x.numel()) / 10.0);
    expectGrad({x}, [&](Builder& b, const std::vector<ValueId>& p) { return b.create(op, {p[0]}, attrs); }, kTol);
  }
}

}  // namespace
}  // namespace graphc::test
