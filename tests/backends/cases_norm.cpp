// Conformance cases: softmax and log_softmax along every axis, layer and batch normalization,
// and the reductions over axis sets.
#include <fmt/ranges.h>

#include <set>

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
  for (OpKind op : {OpKind::ReduceSum, OpKind::ReduceMean, OpKind::ReduceMax, OpKind::ReduceProd})
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
  // Factors near 1 in either sign, so that a product of 198 neither vanishes nor overflows.
  out.push_back({"reduce_prod/f32 2x3x33 around one", OpKind::ReduceProd, oneOpGraph(OpKind::ReduceProd, {{DType::f32, {2, 3, 33}}}), 0.8, 1.25});
  out.push_back({"reduce_prod/f64 3x5 axes [1]", OpKind::ReduceProd, oneOpGraph(OpKind::ReduceProd, {{DType::f64, {3, 5}}}, attrs({{"axes", Ints{1}}})), -2, 2, 1e-12});
  // The empty product is 1 and the empty sum 0, on every output element.
  for (OpKind op : {OpKind::ReduceSum, OpKind::ReduceProd})
    out.push_back({fmt::format("{}/empty axis", opName(op)), op, oneOpGraph(op, {{DType::f32, {3, 0}}}, attrs({{"axes", Ints{1}}}))});
  // Integers wrap, as in NumPy: 9^15 overflows int32.
  out.push_back({"reduce_prod/i32 wraps", OpKind::ReduceProd, oneOpGraph(OpKind::ReduceProd, {{DType::i32, {3, 15}}}, attrs({{"axes", Ints{1}}})), -9, 10, 0});
  out.push_back({"reduce_prod/i64", OpKind::ReduceProd, oneOpGraph(OpKind::ReduceProd, {{DType::i64, {3, 5}}}, attrs({{"axes", Ints{0}}})), -9, 9, 0});
  out.push_back({"reduce_mean/f64", OpKind::ReduceMean, oneOpGraph(OpKind::ReduceMean, {{DType::f64, {3, 5}}}), -1, 1, 1e-12});
}

// top_k along each axis, largest and smallest, k from 0 to the whole axis; integers drawn from
// a small range, so that ties (the lower index first) are common.
static void addTopK(std::vector<OpCase>& out) {
  auto topK = [](int64_t k, int64_t axis, int64_t largest) { return attrs({{"k", k}, {"axis", axis}, {"largest", largest}}); };
  for (Shape s : {Shape{3, 17}, Shape{2, 5, 7}})
    for (int64_t axis : {int64_t{-1}, int64_t{0}, int64_t{1}})
      for (int64_t largest : {0, 1}) {
        int64_t extent = s[*normalizeAxis(axis, (int64_t)s.size())];
        for (int64_t k : std::set<int64_t>{1, 2, extent})
          out.push_back({fmt::format("top_k/f32 {} axis {} k {} largest {}", dims(s), axis, k, largest), OpKind::TopK,
                         oneOpGraph(OpKind::TopK, {{DType::f32, s}}, topK(k, axis, largest))});
      }
  for (int64_t largest : {0, 1}) {
    out.push_back({fmt::format("top_k/i32 ties largest {}", largest), OpKind::TopK,
                   oneOpGraph(OpKind::TopK, {{DType::i32, {4, 33}}}, topK(10, 1, largest)), -3, 3, 0});
    out.push_back({fmt::format("top_k/i64 ties largest {}", largest), OpKind::TopK,
                   oneOpGraph(OpKind::TopK, {{DType::i64, {6, 5}}}, topK(4, 0, largest)), -2, 2, 0});
    out.push_back({fmt::format("top_k/f64 largest {}", largest), OpKind::TopK, oneOpGraph(OpKind::TopK, {{DType::f64, {2, 9}}}, topK(4, 1, largest))});
  }
  out.push_back({"top_k/k 0", OpKind::TopK, oneOpGraph(OpKind::TopK, {{DType::f32, {3, 4}}}, topK(0, 1, 1))});
  out.push_back({"top_k/no rows", OpKind::TopK, oneOpGraph(OpKind::TopK, {{DType::f32, {0, 5}}}, topK(2, 1, 1))});
  out.push_back({"top_k/a long row", OpKind::TopK, oneOpGraph(OpKind::TopK, {{DType::f32, {2, 1000}}}, topK(5, 1, 1))});
}

void addNormCases(std::vector<OpCase>& out) {
  addTopK(out);
  addSoftmax(out);
  addNorms(out);
  addReductions(out);
}

}  // namespace graphc::test
