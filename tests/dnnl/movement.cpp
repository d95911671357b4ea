// dnnl backend: reshape, transpose, concat, slice, gather and expand in f32 and other dtypes.
#include <array>
#include <limits>

#include "tests/dnnl/check.h"

namespace graphc::test {

using V = std::vector<int64_t>;

static Graph oneOp(OpKind op, std::vector<TensorType> ins, AttrMap a) {
  Graph g;
  Builder b(g);
  std::vector<ValueId> ops;
  for (size_t i = 0; i < ins.size(); ++i) ops.push_back(b.input("x" + std::to_string(i), ins[i]));
  b.output("y", b.create(op, ops, std::move(a)));
  return g;
}

TEST_CASE("dnnl: transpose") {
  for (DType t : {DType::f32, DType::i64, DType::f64, DType::boolean}) {
    INFO(dtypeName(t));
    checkClose(oneOp(OpKind::Transpose, {{t, {3, 17}}}, attrs({{"perm", V{1, 0}}})), 0);
    checkClose(oneOp(OpKind::Transpose, {{t, {2, 3, 33}}}, attrs({{"perm", V{2, 0, 1}}})), 0);
    checkClose(oneOp(OpKind::Transpose, {{t, {2, 3, 4, 5}}}, attrs({{"perm", V{0, 2, 3, 1}}})), 0);
  }
}

TEST_CASE("dnnl: slice with positive and negative steps") {
  for (DType t : {DType::f32, DType::i32}) {
    INFO(dtypeName(t));
    checkClose(oneOp(OpKind::Slice, {{t, {5, 17}}}, attrs({{"starts", V{1, 2}}, {"ends", V{4, 17}}})), 0);
    checkClose(oneOp(OpKind::Slice, {{t, {5, 17}}}, attrs({{"starts", V{3}}, {"ends", V{-1}}, {"axes", V{1}}, {"steps", V{4}}})), 0);
    checkClose(oneOp(OpKind::Slice, {{t, {5, 17}}}, attrs({{"starts", V{-1, 16}}, {"ends", V{-100, 0}}, {"steps", V{-2, -3}}})), 0);
    checkClose(oneOp(OpKind::Slice, {{t, {2, 3, 33}}}, attrs({{"starts", V{0, 1}}, {"ends", V{1, 100}}, {"axes", V{0, 2}}})), 0);
  }
}

TEST_CASE("dnnl: slices with INT64_MIN and INT64_MAX bounds and steps agree with the interpreter") {
  constexpr int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  const std::vector<std::array<V, 4>> cases = {  // starts, ends, axes, steps
      {V{1}, V{hi}, V{1}, V{1}},          {V{-4}, V{hi}, V{-1}, V{1}},       {V{-1, -1}, V{lo, lo}, V{0, 2}, V{-1, -1}},
      {V{hi}, V{lo}, V{2}, V{-2}},        {V{lo}, V{hi}, V{2}, V{hi}},       {V{hi}, V{lo}, V{1}, V{lo}},
      {V{-100}, V{lo}, V{2}, V{-1}},      {V{hi}, V{hi}, V{0}, V{1}},        {V{lo, 2}, V{lo, hi}, V{1, 2}, V{-1, 3}}};
  for (DType t : {DType::f32, DType::i64}) {
    for (const auto& [starts, ends, axes, steps] : cases) {
      INFO(dtypeName(t), " starts ", starts[0], " steps ", steps[0]);
      AttrMap a = attrs({{"starts", starts}, {"ends", ends}, {"axes", axes}, {"steps", steps}});
      checkClose(oneOp(OpKind::Slice, {{t, {3, 5, 17}}}, a), 0);
      Shape dyShape = inferTypes(OpKind::Slice, std::vector<TensorType>{{t, {3, 5, 17}}}, a)->at(0).shape;
      a.set("input_shape", V{3, 5, 17});
      checkClose(oneOp(OpKind::SliceGrad, {{t, dyShape}}, a), 0);
    }
  }
}

TEST_CASE("dnnl: concat") {
  for (DType t : {DType::f32, DType::i64}) {
    INFO(dtypeName(t));
    checkClose(oneOp(OpKind::Concat, {{t, {3, 17}}, {t, {3, 5}}, {t, {3, 1}}}, attrs({{"axis", int64_t{-1}}})), 0);
    checkClose(oneOp(OpKind::Concat, {{t, {1, 3, 4}}, {t, {2, 3, 4}}}, attrs({{"axis", int64_t{0}}})), 0);
    checkClose(oneOp(OpKind::Concat, {{t, {2, 3, 4}}, {t, {2, 0, 4}}, {t, {2, 1, 4}}}, attrs({{"axis", int64_t{1}}})), 0);
  }
}

TEST_CASE("dnnl: expand and reshape") {
  for (DType t : {DType::f32, DType::i32}) {
    checkClose(oneOp(OpKind::Expand, {{t, {3, 1}}}, attrs({{"shape", V{2, 3, 17}}})), 0);
    checkClose(oneOp(OpKind::Expand, {{t, {}}}, attrs({{"shape", V{4, 1}}})), 0);
    checkClose(oneOp(OpKind::Reshape, {{t, {2, 3, 4}}}, attrs({{"shape", V{6, 4}}})), 0);
  }
}

TEST_CASE("dnnl: gather with negative indices, and an index out of range fails") {
  for (DType it : {DType::i32, DType::i64}) {
    Graph g;
    Builder b(g);
    ValueId x = b.input("x", {DType::f32, {5, 3, 7}});
    ValueId idx = b.constant(Tensor::fromVector<int>(it, {2, 2}, {0, -1, 2, 6}));
    b.output("y", b.create(OpKind::Gather, {x, idx}, attrs({{"axis", int64_t{2}}})));
    b.output("z", b.create(OpKind::Gather, {x, b.constant(Tensor::fromVector<int>(it, {}, {-5}))}));
    checkClose(g, 0);
  }
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {5, 3}});
  ValueId idx = b.input("i", {DType::i64, {2}});
  b.output("y", b.create(OpKind::Gather, {x, idx}));
  auto exe = dnnl::prepare(g, {});
  REQUIRE(exe.ok());
  auto ctx = std::move((*exe)->createContext().value());
  std::vector<Tensor> in{randomF32({5, 3}, 1), Tensor::fromVector<int>(DType::i64, {2}, {1, 5})};
  auto out = (*exe)->makeOutputs();
  Status st = (*exe)->run(*ctx, in, out);
  REQUIRE(!st.ok());
  CHECK(st.error().message().find("out of range") != std::string::npos);
}

}  // namespace graphc::test
