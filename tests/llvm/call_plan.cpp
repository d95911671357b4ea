// llvm backend: calls of repeated layers share one function (backend/llvm/call_plan.h), so a
// model is optimized and compiled once per distinct layer; and the keys tell apart what differs.
#include <regex>

#include "backend/llvm/call_plan.h"
#include "tests/llvm/check.h"

namespace graphc::test {
namespace {

// The node functions the optimized module defines.
size_t nodeFunctions(const Graph& g) {
  auto ir = llvmjit::optimizedIR(g, 1);
  REQUIRE_MESSAGE(ir.ok(), (ir.ok() ? "" : ir.error().message()));
  // (O3 may rewrite their signatures: fastcc, promoted arguments.)
  std::regex definition(R"(define internal [^@]*@"?node)");
  return (size_t)std::distance(std::sregex_iterator(ir->begin(), ir->end(), definition), std::sregex_iterator());
}

// x -> tanh(dense(x, w_i, b_i)) `layers` times, every layer of one shape.
Graph tower(int layers, AttrMap act) {
  Graph g;
  Builder b(g);
  ValueId h = b.input("x", {DType::f32, {6, 24}});
  for (int i = 0; i < layers; ++i)
    h = b.create(OpKind::Dense, {h, b.param("w" + std::to_string(i), randomTensor({DType::f32, {24, 24}}, 10 + i, -0.3, 0.3)),
                                 b.param("b" + std::to_string(i), randomTensor({DType::f32, {24}}, 50 + i))}, act);
  b.output("y", h);
  return g;
}

}  // namespace

TEST_CASE("llvm: twenty layers of one shape compile to one function, and compute what the interpreter does") {
  Graph g = tower(20, attrs({{"activation", std::string("tanh")}}));
  CHECK(nodeFunctions(g) == 1);
  checkAgainstRef(g, 1e-5);
}

TEST_CASE("llvm: calls differing in shape, attribute or wiring get functions of their own") {
  // Another activation slope: an attribute apart.
  Graph g = tower(2, attrs({{"activation", std::string("leaky_relu")}, {"alpha", 0.1}}));
  g.node(1).attrs.set("alpha", 0.2);
  CHECK(nodeFunctions(g) == 2);
  checkAgainstRef(g, 1e-5);
  // add(x, x) reads one buffer twice, add(x, y) two: keys apart, so are their functions.
  Graph twice;
  Builder b(twice);
  ValueId x = b.input("x", {DType::f32, {3, 5}}), y = b.input("y", {DType::f32, {3, 5}});
  b.output("s", b.create(OpKind::Add, {x, x}));
  b.output("t", b.create(OpKind::Add, {x, y}));
  llvmjit::CallPlan plan = llvmjit::planCalls(twice);
  REQUIRE(plan.calls.size() == 2);
  CHECK(llvmjit::callKey(twice, plan, plan.calls[0]) != llvmjit::callKey(twice, plan, plan.calls[1]));
  checkAgainstRef(twice, 0);
}

TEST_CASE("llvm: fusion groups share a function exactly when their members and wiring agree") {
  // One group of three members (as the IR may give it; fuse_elementwise makes single-exit
  // groups): exp(x), neg(x), and their difference one way or the other.
  auto build = [](bool swapped) {
    Graph g;
    Builder b(g);
    ValueId x = b.input("x", {DType::f32, {4, 9}});
    ValueId e = b.create(OpKind::Exp, {x}), n = b.create(OpKind::Neg, {x});
    b.output("difference", b.create(OpKind::Sub, {swapped ? n : e, swapped ? e : n}));
    b.output("e", e);
    b.output("n", n);
    for (Node& node : g.nodes) node.attrs.set(std::string(kFusionGroupAttr), int64_t{0});
    return g;
  };
  Graph a = build(false), again = build(false), c = build(true);
  for (const Graph* g : {&a, &c}) checkAgainstRef(*g, 1e-6);
  llvmjit::CallPlan pa = llvmjit::planCalls(a), pagain = llvmjit::planCalls(again), pc = llvmjit::planCalls(c);
  REQUIRE(pa.calls.size() == 1);
  REQUIRE(pc.calls.size() == 1);
  CHECK(pa.calls[0].group == 0);
  CHECK(llvmjit::callKey(a, pa, pa.calls[0]) == llvmjit::callKey(again, pagain, pagain.calls[0]));
  CHECK(llvmjit::callKey(a, pa, pa.calls[0]) != llvmjit::callKey(c, pc, pc.calls[0]));
}

}  // namespace graphc::test
