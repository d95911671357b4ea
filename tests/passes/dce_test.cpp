// dce: unused nodes go, used nodes and graph outputs stay; results unchanged.
#include "tests/passes/helpers.h"

using namespace graphc;
using namespace graphc::test;

TEST_CASE("dce removes an unused chain and its constant, keeps inputs") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({2, 3}));
  ValueId unusedIn = b.input("unused", f32({4}));
  ValueId c = b.constant(filled(f32({2, 3}), 2.0));
  ValueId dead1 = b.create(OpKind::Mul, {x, c});
  b.create(OpKind::Exp, {dead1});  // unused result of an unused chain
  ValueId y = b.create(OpKind::Neg, {x});
  b.output("y", y);
  REQUIRE(liveNodes(g) == 3);

  Graph after = runAndCompare(g, {"dce"});
  CHECK(liveNodes(after) == 1);
  CHECK(countOps(after, OpKind::Neg) == 1);
  CHECK(after.constants.empty());
  CHECK(after.inputs.size() == 2);
  CHECK(after.value(after.inputs[1]).name == g.value(unusedIn).name);
}

TEST_CASE("dce keeps every node that reaches an output, through a diamond") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({5}));
  ValueId a = b.create(OpKind::Relu, {x});
  ValueId l = b.create(OpKind::Exp, {a});
  ValueId r = b.create(OpKind::Neg, {a});
  ValueId y = b.create(OpKind::Add, {l, r});
  b.output("y", y);
  b.output("a", a);  // an output that is also used inside
  Graph after = runAndCompare(g, {"dce"});
  CHECK(liveNodes(after) == 4);
}

TEST_CASE("dce on a graph whose output is an input") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({3}));
  b.create(OpKind::Relu, {x});
  b.output("y", x);
  Graph after = runAndCompare(g, {"dce"});
  CHECK(liveNodes(after) == 0);
  CHECK(after.outputs[0].value == after.inputs[0]);
}
