// llvm backend: one compiled model run concurrently from many contexts, a context reused, and
// graphs whose outputs are not node results (an input, a constant, one value twice).
#include <thread>

#include "tests/llvm/check.h"

namespace graphc::test {

static Graph chain() {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {33, 65}});
  ValueId w = b.param("w", randomTensor({DType::f32, {65, 17}}, 3));
  ValueId bias = b.param("b", randomTensor({DType::f32, {17}}, 4));
  ValueId h = b.create(OpKind::Dense, {x, w, bias}, attrs({{"activation", std::string("tanh")}}));
  ValueId s = b.create(OpKind::Softmax, {b.create(OpKind::Mul, {h, h})});
  b.output("y", b.create(OpKind::ReduceSum, {s}, attrs({{"axes", std::vector<int64_t>{0}}})));
  return g;
}

TEST_CASE("llvm: 8 threads x 100 runs of one executable, each with its own context, are bit-identical") {
  Graph g = chain();
  auto exe = llvmjit::prepare(g, {});
  REQUIRE(exe.ok());
  std::vector<Tensor> in = makeInputs(g, 5, -1, 1);
  std::vector<Tensor> expected = runLlvm(g, in);
  std::vector<int> mismatches(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      auto ctx = contextOf(**exe);
      std::vector<Tensor> out = (*exe)->makeOutputs();
      for (int r = 0; r < 100; ++r) {
        Status st = (*exe)->run(*ctx, in, out);
        mismatches[t] += !st.ok() || !out[0].bitEqual(expected[0]);
      }
    });
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < 8; ++t) CHECK(mismatches[t] == 0);
  checkAgainstRef(g, in, 1e-5);
}

TEST_CASE("llvm: outputs that are an input, a constant, or one value twice") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {7}});
  ValueId c = b.constant(randomTensor({DType::f32, {7}}, 2));
  ValueId y = b.create(OpKind::Add, {x, c});
  b.output("y", y);
  b.output("y.again", y);
  b.output("x", x);
  b.output("c", c);
  checkAgainstRef(g, 0, 9);
}

TEST_CASE("llvm: an executable keeps its own weights: changing the graph's afterwards changes nothing") {
  Graph g = chain();
  auto exe = llvmjit::prepare(g, {});
  REQUIRE(exe.ok());
  std::vector<Tensor> in = makeInputs(g, 2, -1, 1);
  std::vector<Tensor> before = (*exe)->makeOutputs(), after = (*exe)->makeOutputs();
  auto ctx = contextOf(**exe);
  REQUIRE((*exe)->run(*ctx, in, before).ok());
  Tensor& w = g.value(g.findValue("w")).data;
  for (int64_t i = 0; i < w.numel(); ++i) w.set(i, 0);
  REQUIRE((*exe)->run(*ctx, in, after).ok());
  CHECK(after[0].bitEqual(before[0]));
}

TEST_CASE("llvm: a run checks its inputs and outputs") {
  Graph g = chain();
  auto exe = llvmjit::prepare(g, {});
  REQUIRE(exe.ok());
  auto ctx = contextOf(**exe);
  std::vector<Tensor> out = (*exe)->makeOutputs();
  std::vector<Tensor> wrong = {Tensor({DType::f32, {33, 64}})};
  CHECK(!(*exe)->run(*ctx, wrong, out).ok());
  std::vector<Tensor> in = makeInputs(g, 1, -1, 1);
  std::vector<Tensor> badOut = {Tensor({DType::f32, {3}})};
  CHECK(!(*exe)->run(*ctx, in, badOut).ok());
  CHECK((*exe)->arenaPlan() != nullptr);
  CHECK((*exe)->arenaPlan()->requests.size() == 3);  // h, h*h and the softmax; y is the caller's
}

}  // namespace graphc::test
