// canonicalize: each rule fires where it should, not where it would change the result, and the
// graph computes the same values afterwards.
#include "tests/passes/helpers.h"

using namespace graphc;
using namespace graphc::test;

static ValueId reshape(Builder& b, ValueId x, Shape s) { return b.create(OpKind::Reshape, {x}, attrs({{"shape", s}})); }
static ValueId transpose(Builder& b, ValueId x, std::vector<int64_t> p) {
  return b.create(OpKind::Transpose, {x}, attrs({{"perm", p}}));
}

TEST_CASE("reshape of reshape becomes one reshape, a reshape back to the input shape goes") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({2, 3, 4}));
  b.output("y", reshape(b, reshape(b, reshape(b, x, {6, 4}), {24}), {4, 6}));
  b.output("z", reshape(b, reshape(b, x, {6, 4}), {2, 3, 4}));
  Graph after = runAndCompare(g, {"canonicalize"});
  CHECK(countOps(after, OpKind::Reshape) == 1);
  CHECK(after.producer(after.outputs[0].value)->operands[0] == after.inputs[0]);
  CHECK(after.outputs[1].value == after.inputs[0]);
}

TEST_CASE("transpose of transpose composes the permutations, inverse pairs vanish") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({2, 3, 4}));
  b.output("y", transpose(b, transpose(b, x, {1, 2, 0}), {1, 2, 0}));  // [3,4,2] -> [4,2,3]
  b.output("z", transpose(b, transpose(b, x, {2, 0, 1}), {1, 2, 0}));  // inverse pair
  b.output("w", transpose(b, x, {0, 1, 2}));
  Graph after = runAndCompare(g, {"canonicalize"});
  REQUIRE(countOps(after, OpKind::Transpose) == 1);
  const Node* t = after.producer(after.outputs[0].value);
  CHECK(t->operands[0] == after.inputs[0]);
  CHECK(std::get<std::vector<int64_t>>(*t->attrs.find("perm")) == std::vector<int64_t>{2, 0, 1});
  CHECK(after.type(after.outputs[0].value) == f32({4, 2, 3}));
  CHECK(after.outputs[1].value == after.inputs[0]);
  CHECK(after.outputs[2].value == after.inputs[0]);
}

TEST_CASE("neutral elements go: x*1, 1*x, x/1, x+0, 0+x, x-0, and a broadcast constant that keeps the shape") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({2, 3}));
  ValueId one = b.constant(filled(f32({}), 1.0)), zero = b.constant(filled(f32({3}), 0.0));
  ValueId v = b.create(OpKind::Mul, {x, one});
  v = b.create(OpKind::Mul, {one, v});
  v = b.create(OpKind::Div, {v, one});
  v = b.create(OpKind::Add, {v, zero});
  v = b.create(OpKind::Add, {zero, v});
  v = b.create(OpKind::Sub, {v, zero});
  b.output("y", v);
  std::string log;
  Graph after = runAndCompare(g, {"canonicalize"}, &log);
  CHECK(liveNodes(after) == 0);
  CHECK(after.outputs[0].value == after.inputs[0]);
  CHECK(log.find("rewrite: mul-by-one fired on %") != std::string::npos);
  CHECK(log.find("rewrite: sub-zero fired on %") != std::string::npos);
}

TEST_CASE("neutral-element rules do not fire when they would change the result") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({4}));
  ValueId ones = b.constant(filled(f32({2, 4}), 1.0));  // broadcasting grows x*ones to [2,4]
  ValueId zeros = b.constant(filled(f32({4}), 0.0));
  ValueId two = b.constant(filled(f32({4}), 2.0));
  ValueId w = b.param("w", filled(f32({4}), 1.0));  // all ones today, trained tomorrow
  ValueId mixed = b.constant(Tensor::fromVector(DType::f32, {4}, std::vector<float>{1, 1, 1, 0}));
  b.output("a", b.create(OpKind::Mul, {x, ones}));
  b.output("b", b.create(OpKind::Sub, {zeros, x}));  // 0 - x is -x
  b.output("c", b.create(OpKind::Mul, {x, two}));
  b.output("d", b.create(OpKind::Mul, {x, w}));
  b.output("e", b.create(OpKind::Mul, {x, mixed}));
  b.output("f", b.create(OpKind::Div, {ones, x}));  // 1 / x
  Graph after = runAndCompare(g, {"canonicalize"});
  CHECK(liveNodes(after) == 6);
}

TEST_CASE("cast to the same dtype goes, a real cast stays") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({3}));
  ValueId same = b.create(OpKind::Cast, {x}, attrs({{"to", std::string("f32")}}));
  ValueId other = b.create(OpKind::Cast, {same}, attrs({{"to", std::string("i32")}}));
  b.output("y", other);
  Graph after = runAndCompare(g, {"canonicalize"});
  REQUIRE(countOps(after, OpKind::Cast) == 1);
  CHECK(after.producer(after.outputs[0].value)->operands[0] == after.inputs[0]);
}

TEST_CASE("default pipeline on a mixed graph") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({2, 3}));
  ValueId c = b.constant(filled(f32({3}), 0.5));
  ValueId half = b.create(OpKind::Add, {c, c});  // folds to ones, then x*ones goes
  ValueId y1 = b.create(OpKind::Relu, {b.create(OpKind::Mul, {x, half})});
  ValueId y2 = b.create(OpKind::Relu, {x});  // the same as y1 once x*1 is gone
  b.output("y", b.create(OpKind::Add, {transpose(b, transpose(b, y1, {1, 0}), {1, 0}), y2}));
  Graph after = runAndCompare(g, defaultPipeline());
  CHECK(liveNodes(after) == 2);  // relu(x) and the add
  CHECK(countOps(after, OpKind::Relu) == 1);
  CHECK(after.constants.empty());
}
