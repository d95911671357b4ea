// cse: equal nodes and equal Consts merge; different attributes, operand order of
// non-commutative ops, and Params keep nodes apart.
#include "tests/passes/helpers.h"

using namespace graphc;
using namespace graphc::test;

TEST_CASE("cse merges equal nodes, then their equal users") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({2, 3})), z = b.input("z", f32({2, 3}));
  ValueId a1 = b.create(OpKind::Add, {x, z}), a2 = b.create(OpKind::Add, {x, z});
  ValueId r1 = b.create(OpKind::Relu, {a1}), r2 = b.create(OpKind::Relu, {a2});
  b.output("y", b.create(OpKind::Mul, {r1, r2}));
  Graph after = runAndCompare(g, {"cse"});
  CHECK(countOps(after, OpKind::Add) == 1);
  CHECK(countOps(after, OpKind::Relu) == 1);
  const Node& mul = after.nodes.back();
  REQUIRE(mul.op == OpKind::Mul);
  CHECK(mul.operands[0] == mul.operands[1]);
}

TEST_CASE("cse merges commutative operand orders only") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({4})), z = b.input("z", f32({4}));
  ValueId s = b.create(OpKind::Add, {b.create(OpKind::Add, {x, z}), b.create(OpKind::Add, {z, x})});
  ValueId d = b.create(OpKind::Add, {b.create(OpKind::Sub, {x, z}), b.create(OpKind::Sub, {z, x})});
  b.output("s", s);
  b.output("d", d);
  Graph after = runAndCompare(g, {"cse"});
  CHECK(countOps(after, OpKind::Sub) == 2);  // x - z is not z - x
  CHECK(countOps(after, OpKind::Add) == 3);  // x + z == z + x merged; the two sums differ
}

TEST_CASE("cse keeps nodes with different attributes apart, and treats defaults as written") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({3, 4}));
  ValueId s0 = b.create(OpKind::Softmax, {x}, attrs({{"axis", int64_t{0}}}));
  ValueId s1 = b.create(OpKind::Softmax, {x}, attrs({{"axis", int64_t{-1}}}));
  ValueId s2 = b.create(OpKind::Softmax, {x});  // axis defaults to -1
  b.output("a", s0);
  b.output("b", s1);
  b.output("c", s2);
  Graph after = runAndCompare(g, {"cse"});
  CHECK(countOps(after, OpKind::Softmax) == 2);
  CHECK(after.outputs[1].value == after.outputs[2].value);
  CHECK(after.outputs[0].value != after.outputs[1].value);
}

TEST_CASE("cse merges equal Consts by type and bytes, never Params") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({3}));
  ValueId c1 = b.constant(Tensor::fromVector(DType::f32, {3}, std::vector<float>{1, 2, 3}));
  ValueId c2 = b.constant(Tensor::fromVector(DType::f32, {3}, std::vector<float>{1, 2, 3}));
  ValueId c3 = b.constant(Tensor::fromVector(DType::f32, {1, 3}, std::vector<float>{1, 2, 3}));  // other shape
  ValueId p1 = b.param("p1", filled(f32({3}), 0.0)), p2 = b.param("p2", filled(f32({3}), 0.0));
  ValueId m1 = b.create(OpKind::Mul, {x, c1}), m2 = b.create(OpKind::Mul, {x, c2});
  ValueId m3 = b.create(OpKind::Mul, {x, c3});
  ValueId a1 = b.create(OpKind::Add, {x, p1}), a2 = b.create(OpKind::Add, {x, p2});
  b.output("m1", m1);
  b.output("m2", m2);
  b.output("m3", m3);
  b.output("a1", a1);
  b.output("a2", a2);
  Graph after = runAndCompare(g, {"cse"});
  CHECK(after.constants.size() == 4);  // c1 (c2 merged into it), c3, p1, p2
  CHECK(countOps(after, OpKind::Mul) == 2);
  CHECK(countOps(after, OpKind::Add) == 2);
}

TEST_CASE("cse does not merge an i32 zero with an f32 zero (same bytes, other type)") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({2})), i = b.input("i", {DType::i32, {2}});
  ValueId cf = b.constant(Tensor(f32({2}))), ci = b.constant(Tensor({DType::i32, {2}}));
  b.output("f", b.create(OpKind::Add, {x, cf}));
  b.output("i", b.create(OpKind::Add, {i, ci}));
  Graph after = runAndCompare(g, {"cse"});
  CHECK(after.constants.size() == 2);
}
