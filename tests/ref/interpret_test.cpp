// interpret() on a multi-node graph, evalNode on its own, and the errors both report.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "ir/builder.h"
#include "ir/eval/interpreter.h"
#include "frontend/npy/npy.h"
#include "tests/ref/cases.h"
#include "tests/support.h"

using namespace graphc;
using namespace graphc::test;

static Tensor load(const std::string& relative) {
  auto t = readNpy(dataPath(relative));
  REQUIRE_MESSAGE(t.ok(), t.error().message());
  return *t;
}

// The graph of tests/data/ref/mlp2.graph.
static Graph buildMlp2() {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", load("ref/mlp2.x.npy").type());
  ValueId w1 = b.param("w1", load("ref/mlp2.w1.npy")), b1 = b.param("b1", load("ref/mlp2.b1.npy"));
  ValueId w2 = b.param("w2", load("ref/mlp2.w2.npy")), b2 = b.param("b2", load("ref/mlp2.b2.npy"));
  ValueId h = b.create(OpKind::Dense, {x, w1, b1}, attrs({{"activation", std::string("relu")}}), "h");
  ValueId z = b.create(OpKind::MatMul, {h, w2}, {}, "z");
  ValueId logits = b.create(OpKind::Add, {z, b2}, {}, "logits");
  ValueId probs = b.create(OpKind::Softmax, {logits}, {}, "probs");
  ValueId top = b.create(OpKind::ReduceMax, {probs}, attrs({{"axes", Ints{1}}, {"keepdims", int64_t(0)}}), "top");
  b.output("probs", probs);
  b.output("top", top);
  return g;
}

TEST_CASE("interpret runs a multi-node graph with params and two outputs") {
  Graph g = buildMlp2();
  Tensor x = load("ref/mlp2.x.npy");
  auto out = eval::interpret(g, {&x, 1});
  REQUIRE_MESSAGE(out.ok(), out.error().message());
  REQUIRE(out->size() == 2);
  checkClose((*out)[0], load("ref/mlp2.probs.npy"), "probs");
  checkClose((*out)[1], load("ref/mlp2.top.npy"), "top");
}

TEST_CASE("interpret skips dead nodes and passes inputs straight to outputs") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {3}});
  ValueId y = b.create(OpKind::Neg, {x});
  g.node(g.value(y).def).dead = true;
  b.output("same", x);
  Tensor in = Tensor::fromVector<float>(DType::f32, {3}, {1, 2, 3});
  auto out = eval::interpret(g, {&in, 1});
  REQUIRE(out.ok());
  CHECK(out->front().bitEqual(in));
}

TEST_CASE("interpret rejects wrong inputs with a clear error") {
  Graph g = buildMlp2();
  auto none = eval::interpret(g, {});
  REQUIRE(!none.ok());
  CHECK(none.error().message() == "graph 'main' takes 1 input(s), got 0");

  Tensor wrongType(TensorType{DType::f64, {4, 6}});
  auto r1 = eval::interpret(g, {&wrongType, 1});
  REQUIRE(!r1.ok());
  CHECK(r1.error().message() == "input #0 %x must be f32[4,6], got f64[4,6]");

  Tensor wrongShape(TensorType{DType::f32, {6, 4}});
  auto r2 = eval::interpret(g, {&wrongShape, 1});
  REQUIRE(!r2.ok());
  CHECK(r2.error().message() == "input #0 %x must be f32[4,6], got f32[6,4]");
}

// A one-node graph over the given inputs; returns interpret()'s result.
static Result<std::vector<Tensor>> runOne(OpKind op, std::vector<Tensor> inputs, AttrMap a = {}) {
  Graph g;
  Builder b(g);
  std::vector<ValueId> ids;
  for (size_t i = 0; i < inputs.size(); ++i) ids.push_back(b.input("x" + std::to_string(i), inputs[i].type()));
  b.output("y", b.create(op, ids, std::move(a), "y"));
  return eval::interpret(g, inputs);
}

TEST_CASE("data-dependent failures are errors, not crashes") {
  Tensor data = Tensor::fromVector<float>(DType::f32, {5}, {0, 1, 2, 3, 4});
  for (int64_t bad : {5, -6}) {
    auto r = runOne(OpKind::Gather, {data, Tensor::fromVector<int64_t>(DType::i64, {2}, {0, bad})});
    REQUIRE(!r.ok());
    CHECK(r.error().message() ==
          fmt::format("'gather' node defining %y: gather: index {} is out of range for axis 0 of size 5", bad));
  }
  auto div = runOne(OpKind::Div, {Tensor::fromVector<int32_t>(DType::i32, {3}, {1, 2, 3}),
                                  Tensor::fromVector<int32_t>(DType::i32, {3}, {1, 0, 1})});
  REQUIRE(!div.ok());
  CHECK(div.error().message() == "'div' node defining %y: div: integer division by zero");

  Tensor empty(TensorType{DType::f32, {2, 0}});
  auto mx = runOne(OpKind::ReduceMax, {empty}, attrs({{"axes", Ints{1}}}));
  REQUIRE(!mx.ok());
  CHECK(mx.error().message().find("maximum of an empty set") != std::string::npos);
  auto sum = runOne(OpKind::ReduceSum, {empty}, attrs({{"axes", Ints{1}}}));
  REQUIRE(sum.ok());
  CHECK(sum->front().at(0) == 0.0);
}

TEST_CASE("integer overflow wraps instead of trapping") {
  int32_t lo = std::numeric_limits<int32_t>::lowest(), hi = std::numeric_limits<int32_t>::max();
  auto div = runOne(OpKind::Div, {Tensor::fromVector<int32_t>(DType::i32, {2}, {lo, -7}),
                                  Tensor::fromVector<int32_t>(DType::i32, {2}, {-1, 2})});
  REQUIRE(div.ok());
  CHECK(div->front().data<int32_t>()[0] == lo);
  CHECK(div->front().data<int32_t>()[1] == -3);  // truncation toward zero
  auto add = runOne(OpKind::Add, {Tensor::fromVector<int32_t>(DType::i32, {1}, {hi}),
                                  Tensor::fromVector<int32_t>(DType::i32, {1}, {1})});
  REQUIRE(add.ok());
  CHECK(add->front().data<int32_t>()[0] == lo);
  auto neg = runOne(OpKind::Neg, {Tensor::fromVector<int32_t>(DType::i32, {1}, {lo})});
  REQUIRE(neg.ok());
  CHECK(neg->front().data<int32_t>()[0] == lo);
}

TEST_CASE("NaN propagates through relu, clip, min, max, reduce_max and max_pool2d; casts are defined for all floats") {
  float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor x = Tensor::fromVector<float>(DType::f32, {3}, {nan, -1, 2});
  Tensor one = Tensor::fromVector<float>(DType::f32, {3}, {1, 1, 1});
  CHECK(std::isnan(runOne(OpKind::Relu, {x}).value()[0].at(0)));
  CHECK(std::isnan(runOne(OpKind::Clip, {x}, attrs({{"min", 0.0}, {"max", 1.0}})).value()[0].at(0)));
  CHECK(std::isnan(runOne(OpKind::Min, {x, one}).value()[0].at(0)));
  CHECK(std::isnan(runOne(OpKind::Max, {one, x}).value()[0].at(0)));
  CHECK(std::isnan(runOne(OpKind::ReduceMax, {x}).value()[0].at(0)));
  CHECK(std::isnan(runOne(OpKind::MaxPool2d, {x.reshaped({1, 1, 1, 3})}, attrs({{"kernel", Ints{1, 2}}})).value()[0].at(0)));

  Tensor f = Tensor::fromVector<double>(DType::f32, {4}, {1e10, -1e10, nan, -2.7});
  auto cast = runOne(OpKind::Cast, {f}, attrs({{"to", std::string("i32")}}));
  REQUIRE(cast.ok());
  const int32_t* c = cast->front().data<int32_t>();
  CHECK(c[0] == std::numeric_limits<int32_t>::max());
  CHECK(c[1] == std::numeric_limits<int32_t>::lowest());
  CHECK(c[2] == 0);
  CHECK(c[3] == -2);
}

TEST_CASE("evalNode works on a node alone, as constant folding uses it") {
  Node n{OpKind::Add, {}, {}, {}, {}, false};
  Tensor a = Tensor::fromVector<double>(DType::f64, {2, 1}, {1, 2});
  Tensor b = Tensor::fromVector<double>(DType::f64, {3}, {10, 20, 30});
  std::vector<Tensor> ops{a, b};
  TensorType want{DType::f64, {2, 3}};
  auto r = eval::evalNode(n, ops, {&want, 1});
  REQUIRE(r.ok());
  CHECK(r->front().type() == want);
  CHECK(r->front().at(5) == 32.0);
  CHECK(eval::evalNode(n, ops, {}).ok());  // no declared types: the inferred ones are used

  TensorType wrong{DType::f64, {3, 2}};
  auto bad = eval::evalNode(n, ops, {&wrong, 1});
  REQUIRE(!bad.ok());
  CHECK(bad.error().message() == "add: result #0 is declared f64[3,2], but the operands give f64[2,3]");

  auto count = eval::evalNode(n, {&a, 1}, {});
  REQUIRE(!count.ok());
  CHECK(count.error().message() == "'add' takes 2 operand(s), got 1");

  Tensor i = Tensor::fromVector<int32_t>(DType::i32, {3}, {1, 2, 3});
  std::vector<Tensor> mixed{b, i};
  auto dtypes = eval::evalNode(n, mixed, {});
  REQUIRE(!dtypes.ok());
  CHECK(dtypes.error().message().find("dtypes differ") != std::string::npos);

  Node sm{OpKind::Softmax, {}, {}, {}, {}, false};
  sm.attrs.set("axis", std::string("last"));
  auto kind = eval::evalNode(sm, {&b, 1}, {});
  REQUIRE(!kind.ok());
  CHECK(kind.error().message() == "attribute 'axis' of 'softmax' must be int, got str");
}
