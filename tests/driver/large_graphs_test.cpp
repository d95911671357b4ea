// Graphs far wider and deeper than any model (issue 13): 30,000 slices of one input all live at
// once, and a chain 10,000 nodes deep, go through the default pipeline and prepare on ref and
// dnnl, and compute the right values. Prepare and planning are near-linear (the memory planner
// sweeps a graph this wide; dnnl indexes its memory descriptors), so these finish in seconds;
// a regression to quadratic work makes them time out (CTest's limit), not merely slow.
#include <doctest/doctest.h>

#include <cmath>

#include "driver/pipeline.h"
#include "ir/builder.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

// y = sum over i of exp(x[0, i]), each term through its own slice: n slices live at once.
Graph wide(int64_t n) {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {1, n}});
  std::vector<ValueId> terms;
  for (int64_t i = 0; i < n; ++i) {
    AttrMap a;
    a.set("axes", std::vector<int64_t>{1}), a.set("starts", std::vector<int64_t>{i}), a.set("ends", std::vector<int64_t>{i + 1}), a.set("steps", std::vector<int64_t>{1});
    terms.push_back(b.create(OpKind::Slice, {x}, a));
  }
  for (ValueId& t : terms) t = b.create(OpKind::Exp, {t});
  ValueId acc = terms[0];
  for (int64_t i = 1; i < n; ++i) acc = b.create(OpKind::Add, {acc, terms[(size_t)i]});
  b.output("y", acc);
  return g;
}

// tanh and abs alternating, n deep.
Graph deep(int64_t n) {
  Graph g;
  Builder b(g);
  ValueId v = b.input("x", {DType::f32, {4, 16}});
  for (int64_t i = 0; i < n; ++i) v = b.create(i % 2 ? OpKind::Abs : OpKind::Tanh, {v});
  b.output("y", v);
  return g;
}

Tensor runOn(const std::string& backend, Graph g, const Tensor& x) {
  REQUIRE(driver::optimize(g, {}).ok());
  auto exe = driver::prepare(g, {.backend = backend});
  REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().message()));
  auto ctx = driver::newContext(**exe);
  REQUIRE(ctx.ok());
  std::vector<Tensor> in{x}, out((*exe)->graph().outputs.size());
  REQUIRE((*exe)->run(**ctx, in, out).ok());
  return out[0];
}

TEST_CASE("a graph 30,000 slices wide compiles and runs on ref and dnnl, matching a plain sum") {
  constexpr int64_t n = 30000;
  Tensor x = randomTensor({DType::f32, {1, n}}, 3, -1, 1);
  double want = 0;
  for (int64_t i = 0; i < n; ++i) want += std::exp((double)x.data<float>()[i]);
  for (const char* backend : {"ref", "dnnl"}) {
    INFO(backend);
    Tensor y = runOn(backend, wide(n), x);
    CHECK(std::abs(y.data<float>()[0] - want) < 1e-4 * want);
  }
}

TEST_CASE("a chain 10,000 nodes deep compiles and runs on ref and dnnl with no recursion, matching ref") {
  Tensor x = randomTensor({DType::f32, {4, 16}}, 4, -2, 2);
  Tensor want = runOn("ref", deep(10000), x);
  CHECK(maxAbsDiff(runOn("dnnl", deep(10000), x), want) < 1e-5);
}

// llvm compiles one function per node at O3, about 8 ms each on this machine: a chain of
// 10,000 would take over a minute until elementwise chains fuse into one function.
TEST_CASE("a chain 1,000 nodes deep compiles and runs on llvm, matching ref") {
  Tensor x = randomTensor({DType::f32, {4, 16}}, 4, -2, 2);
  CHECK(maxAbsDiff(runOn("llvm", deep(1000), x), runOn("ref", deep(1000), x)) < 1e-5);
}

}  // namespace
}  // namespace graphc::test
