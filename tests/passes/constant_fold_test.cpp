// constant_fold: all-Const nodes become Consts; Params, inputs and huge results are left alone.
#include "tests/passes/helpers.h"

using namespace graphc;
using namespace graphc::test;

TEST_CASE("constant_fold folds a chain of constant nodes and keeps the result's name") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({3, 2}));
  ValueId c1 = b.constant(Tensor::fromVector(DType::f32, {2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6}));
  ValueId c2 = b.constant(filled(f32({3}), 0.5));
  ValueId s = b.create(OpKind::Add, {c1, c2});
  ValueId r = b.create(OpKind::Reshape, {s}, attrs({{"shape", Shape{3, 2}}}), "folded");
  b.output("y", b.create(OpKind::Mul, {x, r}));
  Graph after = runAndCompare(g, {"constant_fold"});
  CHECK(liveNodes(after) == 1);
  CHECK(countOps(after, OpKind::Mul) == 1);
  REQUIRE(after.constants.size() == 1);
  const Value& folded = after.value(after.constants[0]);
  CHECK(folded.name == "folded");
  CHECK(folded.kind == ValueKind::Const);
  CHECK(folded.type == f32({3, 2}));
  CHECK(folded.data.at(0) == doctest::Approx(1.5));
  CHECK(folded.data.at(5) == doctest::Approx(6.5));
}

TEST_CASE("constant_fold folds a node whose result is a graph output") {
  Graph g;
  Builder b(g);
  b.input("x", f32({2}));
  ValueId c = b.constant(Tensor::fromVector(DType::f32, {2}, std::vector<float>{-1, 4}));
  b.output("y", b.create(OpKind::Relu, {c}));
  Graph after = runAndCompare(g, {"constant_fold"});
  CHECK(liveNodes(after) == 0);
  CHECK(after.value(after.outputs[0].value).kind == ValueKind::Const);
}

TEST_CASE("constant_fold leaves Params (trainable weights) and inputs alone") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({4}));
  ValueId w = b.param("w", filled(f32({4}), 3.0));
  ValueId c = b.constant(filled(f32({4}), 2.0));
  b.output("p", b.create(OpKind::Mul, {w, c}));
  b.output("i", b.create(OpKind::Mul, {x, c}));
  Graph after = runAndCompare(g, {"constant_fold"});
  CHECK(countOps(after, OpKind::Mul) == 2);
}

TEST_CASE("constant_fold does not fold results over the size limit") {
  Graph g;
  Builder b(g);
  b.input("x", f32({1}));
  ValueId c = b.constant(filled(f32({1}), 1.0));
  ValueId big = b.create(OpKind::Expand, {c}, attrs({{"shape", Shape{1025, 1024}}}));
  ValueId small = b.create(OpKind::Expand, {c}, attrs({{"shape", Shape{4, 4}}}));
  b.output("big", b.create(OpKind::ReduceSum, {big}));
  b.output("small", small);
  Graph after = runAndCompare(g, {"constant_fold"});
  CHECK(countOps(after, OpKind::Expand) == 1);     // the big one
  CHECK(countOps(after, OpKind::ReduceSum) == 1);  // its operand is not a Const
}
