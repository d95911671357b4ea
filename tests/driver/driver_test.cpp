// The driver library through its own API (the CLI tests in tests/cli go through graphc): one
// run, the training loop, and bench's checked result.
#include <doctest/doctest.h>

#include <filesystem>
#include <unistd.h>

#include "driver/bench.h"
#include "driver/run.h"
#include "driver/trainer.h"
#include "frontend/npy/npy.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

const std::string kTiny = dataPath("../cli/Inputs/tiny.graph");  // 6 -> 8 relu -> 3 logits, batch N

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("graphc-driver-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

TEST_CASE("runOnce binds the inputs by name and returns the outputs by name") {
  driver::RunRequest request{kTiny, {{"x", randomTensor({DType::f32, {5, 6}}, 1)}}, {.backend = "ref"}, {}};
  auto out = driver::runOnce(request);
  REQUIRE(out);
  REQUIRE(out->names == std::vector<std::string>{"logits"});
  CHECK(out->values[0].shape() == Shape{5, 3});
  request.inputs.clear();
  auto missing = driver::runOnce(request);
  REQUIRE(!missing);
  CHECK(missing.error().message().find("missing model input(s): 'x'") != std::string::npos);
}

TEST_CASE("Trainer: epochs lower the loss of a learnable task, and save writes the weights") {
  TempDir dir;
  Tensor x = randomTensor({DType::f32, {64, 6}}, 3);
  Tensor y({DType::i64, {64}});
  for (int64_t i = 0; i < 64; ++i) y.set(i, x.at(i * 6) > 0 ? 1 : 0);  // the class is the sign of feature 0
  REQUIRE(writeNpy(dir / "x.npy", x));
  REQUIRE(writeNpy(dir / "y.npy", y));
  driver::TrainOptions options{kTiny, dir / "x.npy", dir / "y.npy", LossKind::SoftmaxCrossEntropy, OptimizerKind::Adam,
                               0.05, 16, true, 7, {.backend = "ref"}, {}};
  auto trainer = driver::Trainer::create(options);
  REQUIRE(trainer);
  CHECK(trainer->stepsPerEpoch() == 4);
  CHECK(trainer->droppedPerEpoch() == 0);
  int64_t steps = 0;
  auto first = trainer->epoch([&](int64_t step, int64_t total) { steps = total == 4 ? step : -1; });
  REQUIRE(first);
  CHECK(steps == 4);
  CHECK(first->epoch == 1);
  REQUIRE(first->accuracy);
  driver::EpochStats last = *first;
  for (int e = 0; e < 10; ++e) last = *trainer->epoch();
  CHECK(last.epoch == 11);
  CHECK(last.loss < first->loss);
  REQUIRE(trainer->save(dir / "trained.graph"));
  auto trained = driver::runOnce({dir / "trained.graph", {{"x", x}}, {.backend = "ref"}, {}});
  auto untrained = driver::runOnce({kTiny, {{"x", x}}, {.backend = "ref"}, {}});
  REQUIRE(trained);
  REQUIRE(untrained);
  CHECK(maxAbsDiff(trained->values[0], untrained->values[0]) > 0);
}

TEST_CASE("Trainer::create refuses labels out of range before compiling") {
  TempDir dir;
  Tensor y({DType::i64, {8}});
  y.set(3, 9);
  REQUIRE(writeNpy(dir / "x.npy", randomTensor({DType::f32, {8, 6}}, 1)));
  REQUIRE(writeNpy(dir / "y.npy", y));
  auto trainer = driver::Trainer::create({kTiny, dir / "x.npy", dir / "y.npy", LossKind::SoftmaxCrossEntropy,
                                          OptimizerKind::Sgd, 0.1, 4, false, 0, {.backend = "ref"}, {}});
  REQUIRE(!trainer);
  CHECK(trainer.error().message().find("label 9 at index 3 is out of range [0, 3)") != std::string::npos);
}

TEST_CASE("bench checks its result against the interpreter once, and can evict the caches") {
  driver::BenchOptions options{kTiny, {{"x", {4, 6}}}, {.backend = "ref"}, {}, {}, 0.0, 0, true};
  auto r = driver::bench(options);
  REQUIRE(r);
  CHECK(r->maxAbsErr == 0);  // ref against ref: the same loops on the same inputs
  CHECK(r->ms.size() >= 5);
  CHECK(r->batch == 4);
  CHECK(driver::l2CacheBytes() >= 64 * 1024);
  if (findBackend("dnnl")) {
    options.backend.backend = "dnnl";
    auto d = driver::bench(options);
    REQUIRE(d);
    CHECK(d->maxAbsErr < 1e-5);
  }
}

}  // namespace
}  // namespace graphc::test
