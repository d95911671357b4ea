// Conformance cases: reshape, transpose, slice (negative steps too), concat, gather, expand and pad,
// in f32 and other dtypes; movement is exact.
#include <array>
#include <limits>

#include "tests/backends/cases.h"

namespace graphc::test {

static void add(std::vector<OpCase>& out, OpKind op, std::string variant, Graph g) {
  out.push_back({fmt::format("{}/{}", opName(op), variant), op, std::move(g), -9, 9, 0, 1});
}

// Slices (and their gradients) with INT64_MIN and INT64_MAX as bounds and steps, as ONNX
// exporters write open ends: they clamp like NumPy's.
static void addExtremeSlices(std::vector<OpCase>& out) {
  constexpr int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  const std::array<Ints, 4> cases[] = {  // starts, ends, axes, steps
      {Ints{1}, Ints{hi}, Ints{1}, Ints{1}},     {Ints{-4}, Ints{hi}, Ints{-1}, Ints{1}}, {Ints{-1, -1}, Ints{lo, lo}, Ints{0, 2}, Ints{-1, -1}},
      {Ints{hi}, Ints{lo}, Ints{2}, Ints{-2}},   {Ints{lo}, Ints{hi}, Ints{2}, Ints{hi}}, {Ints{hi}, Ints{lo}, Ints{1}, Ints{lo}},
      {Ints{-100}, Ints{lo}, Ints{2}, Ints{-1}}, {Ints{hi}, Ints{hi}, Ints{0}, Ints{1}},  {Ints{lo, 2}, Ints{lo, hi}, Ints{1, 2}, Ints{-1, 3}}};
  int i = 0;
  for (const auto& [starts, ends, axes, steps] : cases) {
    for (DType t : {DType::f32, DType::i64}) {
      AttrMap a = attrs({{"starts", starts}, {"ends", ends}, {"axes", axes}, {"steps", steps}});
      add(out, OpKind::Slice, fmt::format("{} int64 extremes {}", dtypeName(t), i), oneOpGraph(OpKind::Slice, {{t, {3, 5, 17}}}, a));
      Shape dy = inferTypes(OpKind::Slice, std::vector<TensorType>{{t, {3, 5, 17}}}, a)->at(0).shape;
      a.set("input_shape", Ints{3, 5, 17});
      add(out, OpKind::SliceGrad, fmt::format("{} int64 extremes {}", dtypeName(t), i), oneOpGraph(OpKind::SliceGrad, {{t, dy}}, a));
    }
    ++i;
  }
}

// Pad in every mode (reflect pads stay below their axis) and its gradient, which sums the copies.
static void addPads(std::vector<OpCase>& out) {
  const Ints pads = {0, 2, 1, 1, 0, 3};  // [3, 5, 17] -> [4, 7, 21]
  for (std::string mode : {"constant", "reflect", "edge"})
    for (DType t : {DType::f32, DType::i64}) {
      AttrMap a = attrs({{"pads", pads}, {"mode", mode}, {"value", 1.5}});
      add(out, OpKind::Pad, fmt::format("{} {}", dtypeName(t), mode), oneOpGraph(OpKind::Pad, {{t, {3, 5, 17}}}, a));
      Shape dy = inferTypes(OpKind::Pad, std::vector<TensorType>{{t, {3, 5, 17}}}, a)->at(0).shape;
      // The gradient sums the copies of an element, in an order each backend may choose.
      out.push_back({fmt::format("pad_grad/{} {}", dtypeName(t), mode), OpKind::PadGrad,
                     oneOpGraph(OpKind::PadGrad, {{t, dy}}, attrs({{"pads", pads}, {"mode", mode}})), -9, 9, 1e-6, 1});
    }
}

void addMovementCases(std::vector<OpCase>& out) {
  addPads(out);
  for (DType t : {DType::f32, DType::i64, DType::f64, DType::boolean}) {
    std::string_view d = dtypeName(t);
    add(out, OpKind::Transpose, fmt::format("{} 2-D", d), oneOpGraph(OpKind::Transpose, {{t, {3, 17}}}, attrs({{"perm", Ints{1, 0}}})));
    add(out, OpKind::Transpose, fmt::format("{} 3-D", d), oneOpGraph(OpKind::Transpose, {{t, {2, 3, 33}}}, attrs({{"perm", Ints{2, 0, 1}}})));
    add(out, OpKind::Transpose, fmt::format("{} 4-D", d),
        oneOpGraph(OpKind::Transpose, {{t, {2, 3, 4, 5}}}, attrs({{"perm", Ints{0, 2, 3, 1}}})));
  }
  for (DType t : {DType::f32, DType::i32}) {
    std::string_view d = dtypeName(t);
    add(out, OpKind::Slice, fmt::format("{} box", d), oneOpGraph(OpKind::Slice, {{t, {5, 17}}}, attrs({{"starts", Ints{1, 2}}, {"ends", Ints{4, 17}}})));
    add(out, OpKind::Slice, fmt::format("{} step 4", d),
        oneOpGraph(OpKind::Slice, {{t, {5, 17}}}, attrs({{"starts", Ints{3}}, {"ends", Ints{-1}}, {"axes", Ints{1}}, {"steps", Ints{4}}})));
    add(out, OpKind::Slice, fmt::format("{} negative steps", d),
        oneOpGraph(OpKind::Slice, {{t, {5, 17}}}, attrs({{"starts", Ints{-1, 16}}, {"ends", Ints{-100, 0}}, {"steps", Ints{-2, -3}}})));
    // Every other row and column (x[:, :, ::2, ::2]): a view whose rows overlap in oneDNN's
    // sense, which its reorder refuses.
    add(out, OpKind::Slice, fmt::format("{} steps 2 on two axes", d),
        oneOpGraph(OpKind::Slice, {{t, {2, 3, 5, 6}}}, attrs({{"starts", Ints{0, 0}}, {"ends", Ints{5, 6}}, {"axes", Ints{2, 3}}, {"steps", Ints{2, 2}}})));
    add(out, OpKind::Slice, fmt::format("{} clamped ends", d),
        oneOpGraph(OpKind::Slice, {{t, {2, 3, 33}}}, attrs({{"starts", Ints{0, 1}}, {"ends", Ints{1, 100}}, {"axes", Ints{0, 2}}})));
    add(out, OpKind::Expand, fmt::format("{} [3x1] to [2x3x17]", d), oneOpGraph(OpKind::Expand, {{t, {3, 1}}}, attrs({{"shape", Ints{2, 3, 17}}})));
    add(out, OpKind::Expand, fmt::format("{} scalar", d), oneOpGraph(OpKind::Expand, {{t, {}}}, attrs({{"shape", Ints{4, 1}}})));
    add(out, OpKind::Reshape, std::string(d), oneOpGraph(OpKind::Reshape, {{t, {2, 3, 4}}}, attrs({{"shape", Ints{6, 4}}})));
  }
  addExtremeSlices(out);
  for (DType t : {DType::f32, DType::i64}) {
    std::string_view d = dtypeName(t);
    add(out, OpKind::Concat, fmt::format("{} last axis", d),
        oneOpGraph(OpKind::Concat, {{t, {3, 17}}, {t, {3, 5}}, {t, {3, 1}}}, attrs({{"axis", int64_t{-1}}})));
    add(out, OpKind::Concat, fmt::format("{} axis 0", d), oneOpGraph(OpKind::Concat, {{t, {1, 3, 4}}, {t, {2, 3, 4}}}, attrs({{"axis", int64_t{0}}})));
    add(out, OpKind::Concat, fmt::format("{} with an empty part", d),
        oneOpGraph(OpKind::Concat, {{t, {2, 3, 4}}, {t, {2, 0, 4}}, {t, {2, 1, 4}}}, attrs({{"axis", int64_t{1}}})));
  }
  for (DType it : {DType::i32, DType::i64}) {  // negative indices count from the end
    Tensor idx = Tensor::fromVector<int>(it, {2, 2}, {0, -1, 2, 6}), scalar = Tensor::fromVector<int>(it, {}, {-5});
    add(out, OpKind::Gather, fmt::format("{} indices, axis 2", dtypeName(it)),
        oneOpGraph(OpKind::Gather, {{DType::f32, {5, 3, 7}}, idx.type()}, attrs({{"axis", int64_t{2}}}), {Tensor(), idx}));
    add(out, OpKind::Gather, fmt::format("{} scalar index", dtypeName(it)),
        oneOpGraph(OpKind::Gather, {{DType::f32, {5, 3, 7}}, scalar.type()}, {}, {Tensor(), scalar}));
  }
}

}  // namespace graphc::test
