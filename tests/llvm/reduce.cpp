// llvm backend: reductions, softmax / log_softmax and the normalizations against the
// interpreter, over several axis sets, odd and empty sizes, NaN and infinities.
#include <algorithm>

#include "tests/llvm/check.h"

namespace graphc::test {

using Ints = std::vector<int64_t>;

TEST_CASE("llvm: reduce_sum, reduce_mean and reduce_max over every axis set") {
  const std::pair<Shape, std::vector<Ints>> cases[] = {
      {{1023}, {{}, {0}}},
      {{3, 5, 17}, {{}, {0}, {1}, {2}, {0, 2}, {-1}, {0, 1}}},
      {{7, 1}, {{0}, {1}}},
      {{4, 0}, {{0}, {1}}},
      {{}, {{}}}};
  for (OpKind op : {OpKind::ReduceSum, OpKind::ReduceMean, OpKind::ReduceMax})
    for (DType t : {DType::f32, DType::f64, DType::i32, DType::i64}) {
      if (op == OpKind::ReduceMean && !isFloat(t)) continue;
      for (const auto& [shape, axesList] : cases)
        for (const Ints& axes : axesList)
          for (int64_t keep : {0, 1}) {
            Graph g = opGraph(op, {{t, shape}}, attrs({{"axes", axes}, {"keepdims", keep}}));
            int64_t reducedCount = 1;
            for (size_t d = 0; d < shape.size(); ++d)
              if (axes.empty() || std::find(axes.begin(), axes.end(), (int64_t)d) != axes.end() ||
                  std::find(axes.begin(), axes.end(), (int64_t)d - (int64_t)shape.size()) != axes.end())
                reducedCount *= shape[d];
            if (op == OpKind::ReduceMax && reducedCount == 0) continue;  // refused: see below
            INFO(opName(op), " ", dtypeName(t), "[", shapeStr(shape), "] axes ", shapeStr(axes), " keepdims ", keep);
            // Sums are reassociated (vectorized) in the element type; the interpreter sums f32 in double.
            checkAgainstRef(g, t == DType::f32 ? 1e-5 : 1e-12, 3, isFloat(t) ? -1 : -9, isFloat(t) ? 1 : 9, isFloat(t));
          }
    }
}

TEST_CASE("llvm: the maximum of an empty set is refused when the graph is prepared") {
  auto exe = llvmjit::prepare(opGraph(OpKind::ReduceMax, {{DType::f32, {4, 0}}}, attrs({{"axes", Ints{1}}})), {});
  REQUIRE(!exe.ok());
  CHECK(exe.error().render().find("maximum of an empty set of elements") != std::string::npos);
}

TEST_CASE("llvm: softmax and log_softmax along every axis, NaN and infinities") {
  const std::pair<Shape, Ints> cases[] = {{{1023}, {-1}}, {{7}, {0}}, {{3, 5, 17}, {0, 1, 2, -1}}, {{1, 1}, {1}}, {{4, 0}, {0, 1}}};
  for (OpKind op : {OpKind::Softmax, OpKind::LogSoftmax})
    for (DType t : {DType::f32, DType::f64})
      for (const auto& [shape, axes] : cases)
        for (int64_t axis : axes)
          for (bool special : {false, true}) {
            INFO(opName(op), " ", dtypeName(t), "[", shapeStr(shape), "] axis ", axis, special ? " with NaN/Inf" : "");
            checkAgainstRef(opGraph(op, {{t, shape}}, attrs({{"axis", axis}})), t == DType::f32 ? 1e-5 : 1e-12, 5, -4, 4, special);
          }
}

TEST_CASE("llvm: layer_norm over the trailing axes") {
  const std::pair<Shape, Ints> cases[] = {{{3, 5, 17}, {-1, 1, 0}}, {{1023}, {0}}, {{7, 1}, {1}}, {{0, 4}, {1}}};
  for (DType t : {DType::f32, DType::f64})
    for (const auto& [shape, axes] : cases)
      for (int64_t axis : axes) {
        Shape norm(shape.begin() + (axis < 0 ? axis + (int64_t)shape.size() : axis), shape.end());
        INFO(dtypeName(t), "[", shapeStr(shape), "] axis ", axis);
        Graph g = opGraph(OpKind::LayerNorm, {{t, shape}, {t, norm}, {t, norm}}, attrs({{"axis", axis}, {"epsilon", 1e-3}}));
        checkAgainstRef(g, t == DType::f32 ? 1e-5 : 1e-12, 9, -2, 2);
      }
}

TEST_CASE("llvm: batch_norm per channel") {
  for (DType t : {DType::f32, DType::f64})
    for (const Shape& shape : {Shape{2, 3, 7, 5}, Shape{4, 3}, Shape{1, 17, 1}, Shape{0, 3, 2}}) {
      INFO(dtypeName(t), "[", shapeStr(shape), "]");
      TensorType c{t, {shape[1]}};
      Graph g = opGraph(OpKind::BatchNorm, {{t, shape}, c, c, c, c}, attrs({{"epsilon", 1e-3}}));
      std::vector<Tensor> in = makeInputs(g, 21, -2, 2, true);
      in[4] = randomTensor(c, 4, 0.1, 2);  // the variance is positive
      checkAgainstRef(g, in, t == DType::f32 ? 1e-5 : 1e-12);
    }
}

}  // namespace graphc::test
