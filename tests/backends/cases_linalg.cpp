// Conformance cases: dense (every activation, the residual, constant or bound weights), matmul
// (batched, broadcasting, 1-D, on transposed views), and the model-shaped chains of them.
#include "tests/backends/cases.h"

namespace graphc::test {

static Graph denseGraph(Shape x, int64_t n, const std::string& act, bool residual, bool constWeights, DType t = DType::f32) {
  Graph g;
  Builder b(g);
  int64_t k = x.back();
  ValueId in = b.input("x", {t, x});
  ValueId w = constWeights ? b.param("w", randomTensor({t, {k, n}}, 41)) : b.input("w", {t, {k, n}});
  std::vector<ValueId> ops{in, w, b.param("b", randomTensor({t, {n}}, 42))};
  Shape out = x;
  out.back() = n;
  if (residual) ops.push_back(b.input("r", {t, out}));
  b.output("y", b.create(OpKind::Dense, ops, activationAttrs(act)));
  return g;
}

static void addDense(std::vector<OpCase>& out) {
  for (const char* act : kActivations)
    for (bool residual : {false, true})
      for (bool constW : {true, false})
        for (Shape x : {Shape{1, 17}, Shape{33, 17}, Shape{3, 5, 16}, Shape{17}})
          out.push_back({fmt::format("dense/{} x {}{}{}", act, dims(x), residual ? " residual" : "", constW ? "" : " bound weights"),
                         OpKind::Dense, denseGraph(x, 33, act, residual, constW)});
  out.push_back({"dense/f64 gelu residual", OpKind::Dense, denseGraph({3, 7}, 5, "gelu", true, true, DType::f64), -1, 1, 1e-12});
  // Batch 1 with weights big enough to split across threads (dnnl's matrix-vector kernel).
  for (const char* act : {"none", "relu"})
    out.push_back({fmt::format("dense/batch 1, 300 to 230, {}", act), OpKind::Dense, denseGraph({1, 300}, 230, act, false, true)});
  Graph g;  // the MLP's shape
  Builder b(g);
  ValueId h = b.input("x", {DType::f32, {64, 784}});
  int64_t sizes[] = {784, 512, 512, 10};
  for (int i = 0; i < 3; ++i) {
    ValueId w = b.param("w" + std::to_string(i), randomF32({sizes[i], sizes[i + 1]}, 10 + i, -0.05, 0.05));
    ValueId bias = b.param("b" + std::to_string(i), randomF32({sizes[i + 1]}, 20 + i));
    h = b.create(OpKind::Dense, {h, w, bias}, attrs({{"activation", std::string(i < 2 ? "relu" : "none")}}));
  }
  b.output("y", b.create(OpKind::Softmax, {h}));
  out.push_back({"dense/mlp chain with softmax", OpKind::Dense, std::move(g)});
}

static Graph matmulGraph(Shape a, Shape b, bool constB, DType t = DType::f32) {
  Graph g;
  Builder bl(g);
  ValueId x = bl.input("a", {t, a});
  ValueId y = constB ? bl.param("b", randomTensor({t, b}, 9)) : bl.input("b", {t, b});
  bl.output("y", bl.create(OpKind::MatMul, {x, y}));
  return g;
}

// Attention's products on the heads: transposes only matmuls read, a scale by a constant.
static Graph attention(Shape x) {
  Graph g;
  Builder b(g);
  ValueId heads = b.create(OpKind::Reshape, {b.input("x", {DType::f32, x})}, attrs({{"shape", Ints{x[0], x[1], 4, 6}}}));
  ValueId q = b.create(OpKind::Transpose, {heads}, attrs({{"perm", Ints{0, 2, 1, 3}}}));
  ValueId kt = b.create(OpKind::Transpose, {heads}, attrs({{"perm", Ints{0, 2, 3, 1}}}));
  ValueId scale = b.param("scale", Tensor::fromVector<float>(DType::f32, {}, {0.4f}));
  ValueId p = b.create(OpKind::Softmax, {b.create(OpKind::Mul, {b.create(OpKind::MatMul, {q, kt}), scale})});
  b.output("y", b.create(OpKind::Transpose, {b.create(OpKind::MatMul, {p, q})}, attrs({{"perm", Ints{0, 2, 1, 3}}})));
  return g;
}

static void addMatMul(std::vector<OpCase>& out) {
  const std::pair<Shape, Shape> cases[] = {
      {{1, 1}, {1, 1}},       {{3, 17}, {17, 33}},      {{17}, {17, 3}},          {{3, 17}, {17}},
      {{17}, {17}},           {{2, 3, 17}, {17, 5}},    {{2, 3, 17}, {2, 17, 5}}, {{2, 1, 3, 17}, {4, 17, 5}},
      {{1, 3, 4}, {5, 4, 2}}, {{33, 64}, {64, 33}}};
  for (auto& [a, b] : cases)
    for (bool constB : {false, true})
      out.push_back({fmt::format("matmul/{} x {}{}", dims(a), dims(b), constB ? " constant" : ""), OpKind::MatMul,
                     matmulGraph(a, b, constB)});
  out.push_back({"matmul/f64", OpKind::MatMul, matmulGraph({2, 3, 7}, {7, 5}, false, DType::f64), -1, 1, 1e-12});
  for (Shape x : {Shape{1, 8, 24}, Shape{3, 16, 24}})
    out.push_back({fmt::format("matmul/attention heads {}", dims(x)), OpKind::MatMul, attention(x)});
  Graph g;  // a transposed view with a broadcast batch rank, on either side
  Builder b(g);
  ValueId a = b.create(OpKind::Transpose, {b.input("a", {DType::f32, {5, 3}})}, attrs({{"perm", Ints{1, 0}}}));
  ValueId w = b.input("w", {DType::f32, {2, 5, 4}});
  b.output("y", b.create(OpKind::MatMul, {a, w}));
  ValueId ct = b.create(OpKind::Transpose, {b.input("c", {DType::f32, {3, 5}})}, attrs({{"perm", Ints{1, 0}}}));
  b.output("z", b.create(OpKind::MatMul, {b.create(OpKind::Transpose, {w}, attrs({{"perm", Ints{0, 2, 1}}})), ct}));
  out.push_back({"matmul/transposed views, broadcast batch", OpKind::MatMul, std::move(g)});
}

void addLinalgCases(std::vector<OpCase>& out) {
  addDense(out);
  addMatMul(out);
}

}  // namespace graphc::test
