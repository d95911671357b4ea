// dnnl backend: elementwise ops (eltwise, binary with broadcasting, comparisons, where, cast)
// against the interpreter, in f32 and the fallback dtypes.
#include "tests/dnnl/check.h"

namespace graphc::test {

static const Shape kShapes[] = {{1}, {3, 17}, {2, 3, 33}, {}};

static Graph unaryGraph(OpKind op, TensorType t, AttrMap a = {}) {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", t);
  b.output("y", b.create(op, {x}, std::move(a)));
  return g;
}

TEST_CASE("dnnl: unary f32 ops on eltwise (erf on our kernel)") {
  for (const OpInfo& info : allOps()) {
    if (!info.has(kUnary) || info.kind == OpKind::Cast) continue;
    bool positive = info.kind == OpKind::Log || info.kind == OpKind::Sqrt || info.kind == OpKind::Reciprocal;
    for (const Shape& s : kShapes) {
      INFO(info.name, " ", shapeStr(s));
      AttrMap a;
      if (info.kind == OpKind::Clip) a = attrs({{"min", -0.25}, {"max", 0.5}});
      if (info.kind == OpKind::LeakyRelu) a = attrs({{"alpha", 0.2}});
      if (info.kind == OpKind::Elu) a = attrs({{"alpha", 0.7}});
      Graph g = unaryGraph(info.kind, {DType::f32, s}, a);
      // oneDNN's exp/log/gelu_erf are polynomial approximations: log is off by up to 3.5e-6
      // near 1, well inside the 1e-5 the f32 tests allow.
      checkClose(g, 1e-5, 7, positive ? 0.1 : -3, 3);
    }
  }
}

TEST_CASE("dnnl: unary ops on f64 and integers") {
  for (const OpInfo& info : allOps()) {
    if (!info.has(kUnary) || info.kind == OpKind::Cast) continue;
    bool positive = info.kind == OpKind::Log || info.kind == OpKind::Sqrt || info.kind == OpKind::Reciprocal;
    INFO(info.name);
    checkClose(unaryGraph(info.kind, {DType::f64, {3, 17}}), 1e-12, 3, positive ? 0.1 : -3, 3);
    if (info.has(kFloatOnly)) continue;
    AttrMap a = info.kind == OpKind::Clip ? attrs({{"min", -2.5}, {"max", 3.0}}) : AttrMap{};
    for (DType t : {DType::i32, DType::i64}) checkClose(unaryGraph(info.kind, {t, {5, 7}}, a), 0, 3, -9, 9);
  }
}

static Graph binaryGraph(OpKind op, TensorType a, TensorType b) {
  Graph g;
  Builder bl(g);
  ValueId x = bl.input("a", a), y = bl.input("b", b);
  bl.output("y", bl.create(op, {x, y}));
  return g;
}

static const std::pair<Shape, Shape> kPairs[] = {
    {{3, 17}, {3, 17}}, {{3, 17}, {17}}, {{17}, {3, 17}}, {{1, 17}, {3, 1}},
    {{2, 1, 33}, {1, 3, 1}}, {{2, 3, 33}, {}}, {{}, {4, 1}}, {{1}, {1}}};

TEST_CASE("dnnl: binary ops with broadcasting, f32") {
  for (OpKind op : {OpKind::Add, OpKind::Sub, OpKind::Mul, OpKind::Div, OpKind::Min, OpKind::Max, OpKind::Pow,
                    OpKind::Equal, OpKind::Less, OpKind::Greater}) {
    for (auto& [sa, sb] : kPairs) {
      INFO(opName(op), " ", shapeStr(sa), " and ", shapeStr(sb));
      // Positive operands keep pow and div well conditioned; comparisons see many ties when
      // the random values are rounded.
      checkClose(binaryGraph(op, {DType::f32, sa}, {DType::f32, sb}), 1e-6, 11, 0.5, 2);
    }
  }
}

TEST_CASE("dnnl: binary ops on f64 and integers") {
  for (OpKind op : {OpKind::Add, OpKind::Sub, OpKind::Mul, OpKind::Div, OpKind::Min, OpKind::Max, OpKind::Equal,
                    OpKind::Less, OpKind::Greater}) {
    for (DType t : {DType::f64, DType::i32, DType::i64}) {
      INFO(opName(op), " ", dtypeName(t));
      checkClose(binaryGraph(op, {t, {2, 3, 5}}, {t, {3, 1}}), 1e-12, 5, 1, 9);
    }
  }
}

TEST_CASE("dnnl: integer division by zero is a run-time error") {
  Graph g = binaryGraph(OpKind::Div, {DType::i32, {4}}, {DType::i32, {4}});
  auto exe = dnnl::prepare(g, {});
  REQUIRE(exe.ok());
  auto ctx = std::move((*exe)->createContext().value());
  std::vector<Tensor> in{Tensor::fromVector<int>(DType::i32, {4}, {1, 2, 3, 4}),
                         Tensor::fromVector<int>(DType::i32, {4}, {1, 0, 1, 1})};
  auto out = (*exe)->makeOutputs();
  Status st = (*exe)->run(*ctx, in, out);
  REQUIRE(!st.ok());
  CHECK(st.error().message().find("division by zero") != std::string::npos);
}

TEST_CASE("dnnl: pow with a constant scalar exponent uses eltwise_pow") {
  for (double e : {2.0, 0.5, -1.5, 3.0}) {
    Graph g;
    Builder b(g);
    ValueId x = b.input("x", {DType::f32, {3, 17}});
    b.output("y", b.create(OpKind::Pow, {x, b.scalar(DType::f32, e)}));
    INFO("exponent ", e);
    checkClose(g, 2e-6, 3, 0.1, 3);
  }
}

TEST_CASE("dnnl: where, cast and comparisons of bool") {
  Graph g;
  Builder b(g);
  ValueId c = b.input("c", {DType::boolean, {3, 1}});
  ValueId x = b.input("x", {DType::f32, {3, 17}}), y = b.input("y", {DType::f32, {17}});
  ValueId w = b.create(OpKind::Where, {c, x, y});
  b.output("w", w);
  b.output("i", b.create(OpKind::Cast, {w}, attrs({{"to", std::string("i32")}})));
  b.output("l", b.create(OpKind::Cast, {x}, attrs({{"to", std::string("i64")}})));
  b.output("f", b.create(OpKind::Cast, {b.create(OpKind::Cast, {x}, attrs({{"to", std::string("f64")}}))},
                         attrs({{"to", std::string("f32")}})));
  b.output("b", b.create(OpKind::Cast, {x}, attrs({{"to", std::string("bool")}})));
  b.output("eq", b.create(OpKind::Equal, {c, c}));
  checkClose(g, 0, 3, -4, 4);
}

}  // namespace graphc::test
