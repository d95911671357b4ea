// Gradient rules of the normalizations, reductions and movement ops (pad too) against finite
// differences.
#include <doctest/doctest.h>

#include "ir/grad.h"
#include "tests/support.h"
#include "tests/train/gradcheck.h"

namespace graphc::test {

namespace {

constexpr double kTol = 1e-6;

void one(OpKind op, Tensor x, AttrMap attrs) {
  INFO("op ", opName(op));
  expectGrad({x}, [&](Builder& b, const std::vector<ValueId>& p) { return b.create(op, {p[0]}, attrs); }, kTol);
}

using Ints = std::vector<int64_t>;

TEST_CASE("softmax and log_softmax") {
  for (int64_t axis : {-1, 0, 1}) {
    one(OpKind::Softmax, randomF64({3, 4}, 1, -2, 2), attrsOf({{"axis", axis}}));
    one(OpKind::LogSoftmax, randomF64({3, 4}, 2, -2, 2), attrsOf({{"axis", axis}}));
  }
}

TEST_CASE("layer_norm: input, scale and bias") {
  for (int64_t axis : {-1, 1}) {
    Shape norm = axis == -1 ? Shape{4} : Shape{3, 4};
    expectGrad({randomF64({2, 3, 4}, 1, -2, 2), randomF64(norm, 2), randomF64(norm, 3)},
               [&](Builder& b, const std::vector<ValueId>& p) {
                 return b.create(OpKind::LayerNorm, {p[0], p[1], p[2]}, attrsOf({{"axis", axis}, {"epsilon", 1e-3}}));
               },
               kTol);
  }
}

TEST_CASE("batch_norm: all five operands") {
  expectGrad({randomF64({2, 3, 2, 2}, 1), randomF64({3}, 2), randomF64({3}, 3), randomF64({3}, 4), randomF64({3}, 5, 0.5, 1.5)},
             [&](Builder& b, const std::vector<ValueId>& p) { return b.create(OpKind::BatchNorm, {p[0], p[1], p[2], p[3], p[4]}); },
             kTol);
}

TEST_CASE("reductions") {
  for (OpKind op : {OpKind::ReduceSum, OpKind::ReduceMean, OpKind::ReduceMax, OpKind::ReduceProd}) {
    for (Ints axes : {Ints{}, Ints{1}, Ints{0, 2}, Ints{-1}})
      for (int64_t keep : {0, 1}) {
        INFO("axes [", shapeStr(axes), "] keepdims ", keep);
        one(op, randomF64({2, 3, 4}, 7), attrsOf({{"axes", axes}, {"keepdims", keep}}));
      }
  }
}

// The product is linear in each factor, so the finite difference is exact at a zero too: one zero
// in a row (its gradient is the product of the rest, the others' 0), two zeros (all 0), none.
TEST_CASE("reduce_prod with zeros among the factors") {
  Tensor x = randomF64({3, 4}, 3, 0.5, 1.5);
  x.set(1, 0.0);                 // row 0: one zero
  x.set(4, 0.0), x.set(6, 0.0);  // row 1: two zeros
  x.set(9, -x.at(9));            // row 2: none, one negative factor
  for (int64_t keep : {0, 1}) {
    INFO("keepdims ", keep);
    one(OpKind::ReduceProd, x, attrsOf({{"axes", Ints{1}}, {"keepdims", keep}}));
  }
  one(OpKind::ReduceProd, x, attrsOf({{"axes", Ints{}}, {"keepdims", int64_t{0}}}));
}

TEST_CASE("reduce_max shares the gradient between tied maxima") {
  Tensor x = randomF64({2, 3}, 1, -1, 0);
  x.set(1, 0.5), x.set(2, 0.5);  // a tie in row 0
  GradCheck r = checkGradients({x}, [&](Builder& b, const std::vector<ValueId>& p) {
    return b.create(OpKind::ReduceMax, {p[0]}, attrsOf({{"axes", Ints{1}}}));
  });
  REQUIRE(r.error == "");  // at a tie the one-sided slopes differ: just check that it runs
}

TEST_CASE("movement ops") {
  one(OpKind::Reshape, randomF64({2, 6}, 1), attrsOf({{"shape", Ints{3, 2, 2}}}));
  one(OpKind::Transpose, randomF64({2, 3, 4}, 2), attrsOf({{"perm", Ints{2, 0, 1}}}));
  one(OpKind::Expand, randomF64({3, 1}, 3), attrsOf({{"shape", Ints{2, 3, 4}}}));
  one(OpKind::Slice, randomF64({4, 5}, 4), attrsOf({{"starts", Ints{1, -1}}, {"ends", Ints{4, 0}}, {"steps", Ints{2, -2}}}));
  one(OpKind::Slice, randomF64({4, 5}, 5), attrsOf({{"starts", Ints{1}}, {"ends", Ints{3}}, {"axes", Ints{1}}}));
}

TEST_CASE("concat, with one value used twice") {
  expectGrad({randomF64({2, 3}, 1), randomF64({2, 1}, 2)},
             [&](Builder& b, const std::vector<ValueId>& p) {
               return b.create(OpKind::Concat, {p[0], p[1], p[0]}, attrsOf({{"axis", int64_t{1}}}));
             },
             kTol);
}

TEST_CASE("gather scatters back, adding repeated indices") {
  Tensor idx = Tensor::fromVector<int64_t>(DType::i64, {2, 2}, {2, 0, 2, -1});
  for (int64_t axis : {0, 1}) {
    INFO("axis ", axis);
    expectGrad({randomF64({3, 3}, 1)},
               [&](Builder& b, const std::vector<ValueId>& p) {
                 return b.create(OpKind::Gather, {p[0], b.constant(idx, "idx")}, attrsOf({{"axis", axis}}));
               },
               kTol);
  }
}

TEST_CASE("backward ops that have rules: relu_grad, slice_grad, gather_grad") {
  Tensor y = randomF64({2, 3}, 9, -1, 1, {0});
  expectGrad({randomF64({2, 3}, 1)},
             [&](Builder& b, const std::vector<ValueId>& p) { return b.create(OpKind::ReluGrad, {p[0], b.constant(y, "y")}); },
             kTol);
  one(OpKind::SliceGrad, randomF64({2, 2}, 2),
      attrsOf({{"starts", Ints{0}}, {"ends", Ints{3}}, {"axes", Ints{1}}, {"steps", Ints{2}}, {"input_shape", Ints{2, 3}}}));
  Tensor idx = Tensor::fromVector<int64_t>(DType::i64, {3}, {1, 1, 0});
  expectGrad({randomF64({3, 2}, 3)},
             [&](Builder& b, const std::vector<ValueId>& p) {
               return b.create(OpKind::GatherGrad, {p[0], b.constant(idx, "idx")}, attrsOf({{"dim", int64_t{2}}}));
             },
             kTol);
}

TEST_CASE("pad in every mode, and pad_grad (whose rule is pad, its adjoint)") {
  Tensor x = randomF64({3, 4}, 31);
  for (std::string mode : {"constant", "reflect", "edge"}) {
    INFO("mode ", mode);
    one(OpKind::Pad, x, attrsOf({{"pads", Ints{1, 2, 2, 3}}, {"mode", mode}}));
    one(OpKind::Pad, x, attrsOf({{"pads", Ints{0, 3, 2, 0}}, {"mode", mode}, {"value", 0.5}}));
    one(OpKind::PadGrad, randomF64({6, 9}, 32), attrsOf({{"pads", Ints{1, 2, 2, 3}}, {"mode", mode}}));
  }
}

}  // namespace
}  // namespace graphc::test
