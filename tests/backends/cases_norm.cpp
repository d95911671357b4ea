// Conformance cases: softmax and log_softmax along every axis, layer and batch normalization,
// and the reductions over axis sets.
#include <fmt/ranges.h>

#include "tests/backends/cases.h"

namespace graphc::test {

// One node whose first operand is the input x and whose others are params (weights).
static Graph withParams(OpKind op, TensorType x, AttrMap a, const std::vector<Tensor>& params) {
  Graph g;
  Builder b(g);
  std::vector<ValueId> ops{b.input("x", std::move(x))};
  for (size_t i = 0; i < params.size(); ++i) ops.push_back(b.param("p" + std::to_string(i), params[i]));
  b.output("y", b.create(op, ops, std::move(a)));
  return g;
}

static void addSoftmax(std::vector<OpCase>& out) {
  for (OpKind op : {OpKind::Softmax, OpKind::LogSoftmax})
    for (Shape s : {Shape{1, 10}, Shape{3, 17}, Shape{2, 3, 33}, Shape{17}})
      for (int64_t axis = -(int64_t)s.size(); axis < (int64_t)s.size(); ++axis)
        out.push_back({fmt::format("{}/f32 {} axis {}", opName(op), dims(s), axis), op,
                       oneOpGraph(op, {{DType::f32, s}}, attrs({{"axis", axis}})), -5, 5, 1e-5, 3});
  for (OpKind op : {OpKind::Softmax, OpKind::LogSoftmax})
    out.push_back({fmt::format("{}/f64", opName(op)), op, oneOpGraph(op, {{DType::f64, {3, 17}}}, attrs({{"axis", int64_t{0}}})), -5,
                   5, 1e-12, 3});
}

static void addNorms(std::vector<OpCase>& out) {
  for (Shape s : {Shape{3, 17}, Shape{2, 3, 33}, Shape{1, 256}})
    for (int64_t axis = 1; axis < (int64_t)s.size(); ++axis) {
      Shape ns(s.begin() + axis, s.end());
      out.push_back({fmt::format("layer_norm/f32 {} axis {}", dims(s), axis), OpKind::LayerNorm,
                     withParams(OpKind::LayerNorm, {DType::f32, s}, attrs({{"axis", axis}}), {randomF32(ns, 3), randomF32(ns, 4)})});
    }
  out.push_back({"layer_norm/f64", OpKind::LayerNorm,
                 withParams(OpKind::LayerNorm, {DType::f64, {3, 8}}, {},
                            {randomTensor({DType::f64, {8}}, 1), randomTensor({DType::f64, {8}}, 2)}),
                 -1, 1, 1e-12});
  for (Shape s : {Shape{4, 3}, Shape{2, 5, 7}, Shape{2, 16, 5, 5}, Shape{1, 3, 2, 3, 4}}) {
    int64_t c = s[1];
    out.push_back({fmt::format("batch_norm/f32 {}", dims(s)), OpKind::BatchNorm,
                   withParams(OpKind::BatchNorm, {DType::f32, s}, attrs({{"epsilon", 1e-3}}),
                              {randomF32({c}, 1), randomF32({c}, 2), randomF32({c}, 3), randomF32({c}, 4, 0.1, 2)})});
  }
  auto f64 = [](uint64_t seed, double lo = -1) { return randomTensor({DType::f64, {3}}, seed, lo, 2); };
  out.push_back({"batch_norm/f64", OpKind::BatchNorm,
                 withParams(OpKind::BatchNorm, {DType::f64, {2, 3, 4}}, {}, {f64(1), f64(2), f64(3), f64(4, 0.1)}), -1, 1, 1e-12});
}

static void addReductions(std::vector<OpCase>& out) {
  for (OpKind op : {OpKind::ReduceSum, OpKind::ReduceMean, OpKind::ReduceMax})
    for (Shape s : {Shape{3, 17}, Shape{2, 3, 33}, Shape{1, 5, 1}})
      for (Ints axes : {Ints{}, Ints{0}, Ints{-1}, Ints{0, 2}, Ints{1}})
        for (int64_t keep : {0, 1}) {
          bool fits = true;
          for (int64_t a : axes) fits &= a < (int64_t)s.size() && a >= -(int64_t)s.size();
          if (!fits || (axes.size() == 2 && s.size() < 3)) continue;
          out.push_back({fmt::format("{}/f32 {} axes [{}] keepdims {}", opName(op), dims(s), fmt::join(axes, ","), keep), op,
                         oneOpGraph(op, {{DType::f32, s}}, attrs({{"axes", axes}, {"keepdims", keep}}))});
        }
  out.push_back({"reduce_sum/i32", OpKind::ReduceSum, oneOpGraph(OpKind::ReduceSum, {{DType::i32, {3, 5}}}, attrs({{"axes", Ints{1}}})), -9, 9, 0});
  out.push_back({"reduce_max/i64", OpKind::ReduceMax, oneOpGraph(OpKind::ReduceMax, {{DType::i64, {3, 5}}}, attrs({{"axes", Ints{0}}})), -9, 9, 0});
  out.push_back({"reduce_mean/f64", OpKind::ReduceMean, oneOpGraph(OpKind::ReduceMean, {{DType::f64, {3, 5}}}), -1, 1, 1e-12});
}

void addNormCases(std::vector<OpCase>& out) {
  addSoftmax(out);
  addNorms(out);
  addReductions(out);
}

}  // namespace graphc::test
