// dnnl: after the first run, running an Executable allocates nothing on the C++ heap (oneDNN's
// own internal mallocs inside primitive execution are outside our control and not counted).
#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "passes/train/training.h"
#include "tests/dnnl/check.h"

namespace {

thread_local bool counting = false;
std::atomic<long> allocations{0};

// Allocations made by oneDNN itself (its exec context is a std::unordered_map built per
// primitive execute, in 2.6) are not ours to remove: they are recognised by the caller's library.
bool calledFromOneDnn(void* caller) {
  Dl_info info;
  return dladdr(caller, &info) && info.dli_fname && std::strstr(info.dli_fname, "libdnnl");
}

}  // namespace

// Counts operator new on the thread that runs the Executable (OpenMP workers included would
// need more care; our kernels do not allocate inside parallel regions either way).
void* operator new(std::size_t n) {
  if (counting && !calledFromOneDnn(__builtin_return_address(0))) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
// The nothrow form too (std::stable_sort's buffer): else a sanitizer's new pairs with our delete.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (counting && !calledFromOneDnn(__builtin_return_address(0))) allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
// GCC 12 flags free() of what our own operator new got from malloc as a mismatch; it is not.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace graphc::test {
namespace {

long allocationsDuringRuns(const Executable& exe, const std::vector<Tensor>& inputs, int runs) {
  auto ctx = std::move(exe.createContext().value());
  std::vector<Tensor> out = exe.makeOutputs();
  REQUIRE(exe.run(*ctx, inputs, out).ok());  // the first run may set things up
  allocations = 0;
  counting = true;
  bool allOk = true;
  for (int i = 0; i < runs; ++i) allOk = allOk && exe.run(*ctx, inputs, out).ok();
  counting = false;
  CHECK(allOk);
  return allocations.load();
}

Graph inferenceNet() {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {2, 3, 12, 12}});
  ValueId c = b.create(OpKind::Conv2d, {x, b.param("w", randomF32({8, 3, 3, 3}, 1)), b.param("b", randomF32({8}, 2))},
                       attrs({{"pads", std::vector<int64_t>{1, 1, 1, 1}}, {"activation", std::string("relu")}}));
  ValueId p = b.create(OpKind::MaxPool2d, {c}, attrs({{"kernel", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}}}));
  ValueId f = b.create(OpKind::Reshape, {p}, attrs({{"shape", std::vector<int64_t>{2, 288}}}));
  ValueId d = b.create(OpKind::Dense, {f, b.param("w2", randomF32({288, 16}, 3)), b.param("b2", randomF32({16}, 4))},
                       attrs({{"activation", std::string("gelu")}}));
  ValueId n = b.create(OpKind::LayerNorm, {d, b.param("s", randomF32({16}, 5)), b.param("t", randomF32({16}, 6))});
  ValueId e = b.create(OpKind::Erf, {n});  // one of our own kernels
  b.output("y", b.create(OpKind::Softmax, {b.create(OpKind::Add, {n, e})}));
  return g;
}

Graph smallMlp() {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {8, 10}});
  ValueId h = b.create(OpKind::Dense, {x, b.param("w1", randomF32({10, 20}, 1)), b.param("b1", randomF32({20}, 2))},
                       attrs({{"activation", std::string("relu")}}));
  b.output("logits", b.create(OpKind::Dense, {h, b.param("w2", randomF32({20, 5}, 3)), b.param("b2", randomF32({5}, 4))}));
  return g;
}

}  // namespace

TEST_CASE("dnnl: an inference run allocates nothing after the first") {
  auto exe = dnnl::prepare(inferenceNet(), CompileOptions{"dnnl", 1});
  REQUIRE(exe.ok());
  CHECK(allocationsDuringRuns(**exe, {randomF32({2, 3, 12, 12}, 9)}, 50) == 0);
}

TEST_CASE("dnnl: a training step allocates nothing after the first") {
  auto step = buildTrainingStep(smallMlp(), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Adam, 0.01, std::nullopt});
  REQUIRE(step.ok());
  auto exe = dnnl::prepare(*step, CompileOptions{"dnnl", 1});
  REQUIRE(exe.ok());
  Tensor labels(TensorType{DType::i64, {8}});
  for (int64_t i = 0; i < 8; ++i) labels.set(i, double(i % 5));
  CHECK(allocationsDuringRuns(**exe, {randomF32({8, 10}, 9), labels}, 50) == 0);
}

}  // namespace graphc::test
