// llvm backend: fusion groups (passes/fuse_elementwise.cpp) as one loop nest each, against the
// interpreter on odd sizes, broadcasting on every axis, empty tensors, NaN and infinities and
// several thread counts; and what they save: values inside a group get no arena buffer.
#include "ir/fusion_group.h"
#include "passes/pass.h"
#include "runtime/memory/memory_plan.h"
#include "tests/llvm/check.h"

namespace graphc::test {
namespace {

// y = relu(x * a + b) * sigmoid(x - c) - exp(b) / 3 with x of `shape` and a, b, c of shapes
// that broadcast onto it: the W6 pattern in miniature, on dtype t.
Graph chain(DType t, const Shape& shape, const Shape& sa, const Shape& sb, const Shape& sc) {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {t, shape}), a = b.input("a", {t, sa}), bias = b.input("b", {t, sb}), c = b.input("c", {t, sc});
  ValueId h = b.create(OpKind::Relu, {b.create(OpKind::Add, {b.create(OpKind::Mul, {x, a}), bias})});
  ValueId s = b.create(OpKind::Sigmoid, {b.create(OpKind::Sub, {x, c})});
  ValueId tail = b.create(OpKind::Div, {b.create(OpKind::Exp, {bias}), b.scalar(t, 3)});
  b.output("y", b.create(OpKind::Sub, {b.create(OpKind::Mul, {h, s}), tail}));
  REQUIRE(b.status().ok());
  return g;
}

// g after the grouping pass the llvm backend asks for (BackendInfo::passes), as the driver
// runs it; the interpreter ignores the groups.
Graph grouped(const Graph& g) {
  Graph out = g.clone();
  Status st = runPipeline(out, {"fuse_elementwise"});
  REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().render()));
  return out;
}

Result<std::unique_ptr<Executable>> compile(const Graph& g, int threads = 1) { return llvmjit::prepare(g, {"llvm", threads}); }

// How many fusion groups the backend formed, and the arena requests of its plan.
std::pair<size_t, size_t> groupsAndBuffers(const Graph& g) {
  auto exe = compile(g);
  REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().render()));
  return {fusionGroups((*exe)->graph()).size(), (*exe)->arenaPlan()->requests.size()};
}

}  // namespace

TEST_CASE("llvm fused: odd sizes, broadcasting on every axis, empty tensors, NaN and infinities") {
  // x's shape, then a, b and c: full, broadcast along each axis in turn, across ranks, scalar.
  struct Case {
    Shape x, a, b, c;
  };
  const Case cases[] = {
      {{1}, {1}, {1}, {1}},          {{7}, {7}, {1}, {}},           {{17}, {}, {17}, {1}},
      {{1023}, {1023}, {}, {1023}},  {{3, 5, 17}, {1, 5, 17}, {3, 1, 17}, {3, 5, 1}},
      {{3, 5, 17}, {17}, {5, 1}, {3, 1, 1}}, {{7, 1023}, {1023}, {7, 1}, {}},
      {{0}, {1}, {0}, {}},          {{4, 0}, {0}, {4, 1}, {}},     {{}, {}, {}, {}},
  };
  for (DType t : {DType::f32, DType::f64})
    for (const Case& c : cases) {
      INFO(dtypeName(t), " x [", shapeStr(c.x), "] a [", shapeStr(c.a), "] b [", shapeStr(c.b), "] c [", shapeStr(c.c), "]");
      Graph g = grouped(chain(t, c.x, c.a, c.b, c.c));
      // One loop for the [x] chain, one for exp(b) / 3 (of b's shape; a group unless it is
      // computed at x's shape anyway, then all is one group).
      CHECK(groupsAndBuffers(g).first >= 1);
      checkAgainstRef(g, t == DType::f32 ? 2e-6 : 1e-14, 3, -2, 2, /*special=*/true);
    }
}

TEST_CASE("llvm fused: threads split the outer loop, results as on one thread") {
  // 64 x 1023 elements: above the size that starts a team; rows split unevenly over 3 threads.
  Graph rows = grouped(chain(DType::f32, {64, 1023}, {1023}, {64, 1}, {}));
  Graph flat = grouped(chain(DType::f32, {70001}, {}, {70001}, {1}));
  for (Graph* g : {&rows, &flat}) {
    std::vector<Tensor> in = makeInputs(*g, 4, -3, 3, true);
    std::vector<Tensor> one = runLlvm(*g, in, 1);
    for (int threads : {2, 3, 0}) {
      INFO("threads ", threads);
      // The same bits, NaN matching any NaN: which of two NaN operands an instruction returns
      // depends on operand order, which the vectorizer's interleaving and the team's outlined
      // loop may commute.
      CHECK(bitDifference(runLlvm(*g, in, threads)[0], one[0]) == "");
      checkAgainstRef(*g, in, 2e-6, threads);
    }
  }
}

TEST_CASE("llvm fused: integers, comparisons, where and casts in one group; a zero divisor is refused") {
  Graph g;
  Builder b(g);
  ValueId i = b.input("i", {DType::i32, {17}}), k = b.input("k", {DType::i32, {3, 17}});
  ValueId q = b.create(OpKind::Add, {b.create(OpKind::Mul, {i, i}), b.scalar(DType::i32, 1)});
  ValueId r = b.create(OpKind::Div, {b.create(OpKind::Mul, {k, k}), q});
  ValueId pos = b.create(OpKind::Greater, {r, b.scalar(DType::i32, 2)});
  ValueId y = b.create(OpKind::Where, {pos, r, b.create(OpKind::Neg, {k})});
  b.output("y", b.create(OpKind::Cast, {b.create(OpKind::Add, {y, y})}, attrs({{"to", std::string("f32")}})));
  g = grouped(g);
  CHECK(groupsAndBuffers(g) == std::pair<size_t, size_t>{2, 1});  // q is in memory: the divisor
  checkAgainstRef(g, 0, 5, -40, 40);

  // A divisor of the group's inputs holding a zero fails the run before the loop.
  Graph d;
  Builder bd(d);
  ValueId num = bd.input("n", {DType::i32, {5}}), den = bd.input("d", {DType::i32, {5}});
  bd.output("y", bd.create(OpKind::Neg, {bd.create(OpKind::Div, {bd.create(OpKind::Abs, {num}), den})}));
  auto exe = compile(grouped(d));
  REQUIRE(exe.ok());
  CHECK(fusionGroups((*exe)->graph()).size() == 1);
  auto ctx = contextOf(**exe);
  std::vector<Tensor> in = {Tensor::fromVector<double>(DType::i32, {5}, {1, 2, 3, 4, 5}),
                            Tensor::fromVector<double>(DType::i32, {5}, {1, 1, 0, 1, 1})};
  std::vector<Tensor> out = (*exe)->makeOutputs();
  Status st = (*exe)->run(*ctx, in, out);
  REQUIRE(!st.ok());
  CHECK(st.error().message() == "div: integer division by zero");
}

TEST_CASE("llvm fused: values inside a group get no buffer; the arena shrinks against the unfused plan") {
  Graph g = chain(DType::f32, {64, 4096}, {4096}, {4096}, {4096});
  auto exe = compile(grouped(g));
  REQUIRE(exe.ok());
  const Executable::ArenaPlan& fused = *(*exe)->arenaPlan();
  // Two groups, the [64,4096] chain and exp(b) / 3 of b's shape: only the latter's result,
  // which the chain reads, is a buffer; the chain's six intermediates are none.
  CHECK(fusionGroups((*exe)->graph()).size() == 2);
  REQUIRE(fused.requests.size() == 1);
  CHECK(fused.requests[0].bytes == 4096 * 4);
  CHECK(fused.plan.arenaBytes == 4096 * 4);
  GraphBuffers unfused = graphBuffers(g);
  CHECK(unfused.requests.size() == 8);
  CHECK(planMemory(unfused.requests).arenaBytes >= 2 * 64 * 4096 * 4);
}

TEST_CASE("llvm fused: a value used outside its group stays in memory, and a group output may take a dying input's place") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {9, 33}}), w = b.param("w", randomTensor({DType::f32, {33, 33}}, 2));
  ValueId m = b.create(OpKind::MatMul, {x, w});
  // t leaves its group (softmax reads it), so it is a buffer; m dies at the group and has its
  // type: t is written over it, in place.
  ValueId t = b.create(OpKind::Tanh, {b.create(OpKind::Mul, {m, b.scalar(DType::f32, 0.5)})});
  ValueId s = b.create(OpKind::Softmax, {t});
  b.output("y", b.create(OpKind::Add, {b.create(OpKind::Exp, {s}), t}));
  g = grouped(g);
  auto exe = compile(g);
  REQUIRE(exe.ok());
  const Executable::ArenaPlan& arena = *(*exe)->arenaPlan();
  CHECK(fusionGroups((*exe)->graph()).size() == 2);
  CHECK(arena.requests.size() == 3);  // m, t and s; the products inside the groups are none
  CHECK(arena.plan.inPlace == 1);
  CHECK(arena.plan.arenaBytes == 2 * ((9 * 33 * 4 + 63) / 64 * 64));  // t over m, and s
  checkAgainstRef(g, 2e-6);
}

TEST_CASE("llvm fused: groups given to the backend are compiled as given, with several outputs") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {5, 7}});
  AttrMap group = attrs({{std::string(kFusionGroupAttr), int64_t{3}}});
  ValueId e = b.create(OpKind::Exp, {x}, group);
  ValueId n = b.create(OpKind::Neg, {e}, group);
  ValueId r = b.create(OpKind::Relu, {b.create(OpKind::Add, {n, x}, group)}, group);
  b.output("e", e);
  b.output("y", b.create(OpKind::Softmax, {r}));
  b.output("n", n);
  auto exe = compile(g);
  REQUIRE(exe.ok());
  std::vector<FusionGroup> groups = fusionGroups((*exe)->graph());
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].id == 3);
  CHECK(groups[0].members.size() == 4);
  CHECK(groups[0].outputs.size() == 3);  // e and n are graph outputs, r feeds the softmax
  CHECK((*exe)->arenaPlan()->requests.size() == 1);  // r
  checkAgainstRef(g, 2e-6, 7, -2, 2, true);
}

}  // namespace graphc::test
