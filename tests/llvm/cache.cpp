// llvm backend: the object cache. A second prepare of the same graph loads the machine code
// from the cache and computes the same; a corrupt file is a miss; GRAPHC_CACHE=off writes nothing.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/llvm/check.h"

namespace graphc::test {
namespace {

namespace fs = std::filesystem;

Graph mlp() {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {5, 33}});
  ValueId h = b.create(OpKind::Dense, {x, b.param("w", randomTensor({DType::f32, {33, 17}}, 1)), b.param("b", randomTensor({DType::f32, {17}}, 2))},
                       attrs({{"activation", std::string("relu")}}));
  b.output("y", b.create(OpKind::Tanh, {h}));
  return g;
}

// prepare, then the run's output and whether the code came from the cache.
std::pair<Tensor, bool> prepareAndRun(const Graph& g, const std::vector<Tensor>& in) {
  auto exe = llvmjit::prepare(g, CompileOptions{"llvm", 1});
  REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().render()));
  auto ctx = contextOf(**exe);
  auto out = (*exe)->makeOutputs();
  REQUIRE((*exe)->run(*ctx, in, out).ok());
  return {out[0], llvmjit::jitTimes(**exe).cached};
}

size_t objectFiles(const fs::path& dir) {
  size_t n = 0;
  if (fs::exists(dir))
    for (const auto& f : fs::directory_iterator(dir)) n += f.path().extension() == ".o";
  return n;
}

// The environment of one test case, put back when it ends.
struct CacheEnvironment {
  fs::path dir = fs::temp_directory_path() / ("graphc-cache-test-" + std::to_string(::getpid()));
  CacheEnvironment() {
    fs::remove_all(dir);
    ::setenv("GRAPHC_CACHE_DIR", dir.c_str(), 1);
    ::unsetenv("GRAPHC_CACHE");
  }
  ~CacheEnvironment() {
    ::unsetenv("GRAPHC_CACHE_DIR");
    ::unsetenv("GRAPHC_CACHE");
    fs::remove_all(dir);
  }
};

}  // namespace

TEST_CASE("llvm: a second prepare of a graph loads its code from the object cache and computes the same") {
  CacheEnvironment env;
  Graph g = mlp();
  std::vector<Tensor> in = {randomTensor(g.type(g.inputs[0]), 3)};
  auto [first, firstCached] = prepareAndRun(g, in);
  CHECK(!firstCached);
  CHECK(objectFiles(env.dir) == 1);
  auto [second, secondCached] = prepareAndRun(g, in);
  CHECK(secondCached);
  CHECK(maxRelDiff(first, second) == 0);
  // Other weights, same code: the weights are not part of the code, so the entry is shared,
  // and the output follows the new weights (read through the constants' table).
  Graph other = mlp();
  other.value(other.findValue("w")).data = randomTensor({DType::f32, {33, 17}}, 9);
  auto [third, thirdCached] = prepareAndRun(other, in);
  CHECK(thirdCached);
  auto expected = eval::interpret(other, in);
  REQUIRE(expected.ok());
  CHECK(maxRelDiff(third, (*expected)[0]) < 1e-5);
  CHECK(maxRelDiff(third, first) > 1e-3);
}

TEST_CASE("llvm: a corrupt cache file is a miss, and GRAPHC_CACHE=off neither reads nor writes the cache") {
  CacheEnvironment env;
  Graph g = mlp();
  std::vector<Tensor> in = {randomTensor(g.type(g.inputs[0]), 4)};
  auto [good, ignored] = prepareAndRun(g, in);
  REQUIRE(objectFiles(env.dir) == 1);
  for (const auto& f : fs::directory_iterator(env.dir)) {
    std::fstream file(f.path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(40);
    file.put('\x5a').put('\xa5');  // inside the object: the checksum no longer holds
  }
  auto [again, cached] = prepareAndRun(g, in);
  CHECK(!cached);
  CHECK(maxRelDiff(again, good) == 0);
  ::setenv("GRAPHC_CACHE", "off", 1);
  fs::remove_all(env.dir);
  auto [off, offCached] = prepareAndRun(g, in);
  CHECK(!offCached);
  CHECK(objectFiles(env.dir) == 0);
  CHECK(maxRelDiff(off, good) == 0);
}

}  // namespace graphc::test
