// allreduce_start / allreduce_wait on every backend, without MPI: the training step of
// allreduce_gradients runs with a communicator standing for a second rank whose gradients are
// all zero, so every mean is half the local gradient. Each backend must match ref step by step,
// start and wait every bucket once per step with all the gradient bytes, and train differently
// from the same step run as a single rank.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "passes/pass.h"
#include "passes/train/training.h"
#include "runtime/executable.h"
#include "tests/backends/cases.h"
#include "tests/backends/skips.h"
#include "tests/train/train_util.h"

namespace graphc::test {
namespace {

class HalvingCommunicator final : public Communicator {
 public:
  int size() const override { return 2; }
  int rank() const override { return 0; }
  Status startMean(int64_t bucket, float* data, size_t count) override {
    if (!inFlight.insert(bucket).second) return Error("bucket started twice");
    pending[bucket] = {data, count};
    stats_.buckets += 1;
    stats_.bytes += count * sizeof(float);
    return ok();
  }
  Status wait(int64_t bucket) override {
    if (!inFlight.erase(bucket)) return Error("bucket waited for but not started");
    auto [data, count] = pending[bucket];
    for (size_t i = 0; i < count; ++i) data[i] *= 0.5f;  // (x + 0) / 2
    return ok();
  }
  Status sum(std::span<double>) override { return ok(); }
  Status minMax(uint64_t value, uint64_t& min, uint64_t& max) override {
    min = max = value;
    return ok();
  }
  Stats stats() const override { return stats_; }

  std::set<int64_t> inFlight;
  std::map<int64_t, std::pair<float*, size_t>> pending;
  Stats stats_;
};

// The seed-like MLP's step with its gradients averaged in buckets of 1 KB (several buckets).
Graph averagedStep(OptimizerKind optimizer) {
  auto step = buildTrainingStep(layerNormMlp(false), {LossKind::SoftmaxCrossEntropy, optimizer, 0.05, std::nullopt});
  REQUIRE(step.ok());
  PipelineOptions options;
  options.allreduceBucketBytes = 1024;
  REQUIRE(runPipeline(*step, {"allreduce_gradients"}, options).ok());
  return std::move(*step);
}

int64_t countOps(const Graph& g, OpKind op) {
  int64_t n = 0;
  for (const Node& node : g.nodes) n += !node.dead && node.op == op;
  return n;
}

// Weights after `steps` steps on `backend` with (or without) the halving communicator.
std::vector<Tensor> train(const BackendInfo& backend, const Graph& step, Communicator* comm, int steps) {
  auto exe = backend.prepare(step, CompileOptions{std::string(backend.name), 1});
  REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().message()));
  auto ctx = std::move((*exe)->createContext().value());
  ctx->setCommunicator(comm);
  for (int s = 0; s < steps; ++s) {
    std::vector<Tensor> in{randomF32({16, 20}, 10 + s), randomTensor({DType::i64, {16}}, 20 + s, 0, 5)};
    auto out = (*exe)->makeOutputs();
    Status run = (*exe)->run(*ctx, in, out);
    REQUIRE_MESSAGE(run.ok(), (run.ok() ? "" : run.error().message()));
  }
  std::vector<Tensor> weights;
  for (const Update& u : step.updates) weights.push_back((*exe)->readState(*ctx, u.target).value());
  return weights;
}

}  // namespace

TEST_CASE("allreduce_gradients' step runs on every backend: buckets started and waited once per step, means as ref's") {
  for (OptimizerKind optimizer : {OptimizerKind::Sgd, OptimizerKind::Adam}) {
    Graph step = averagedStep(optimizer);
    int64_t buckets = countOps(step, OpKind::AllreduceStart);
    REQUIRE(buckets > 1);
    CHECK(countOps(step, OpKind::AllreduceWait) == buckets);
    size_t gradientBytes = 0;
    for (const Node& n : step.nodes)
      if (!n.dead && n.op == OpKind::AllreduceStart) gradientBytes += step.type(n.results[0]).bytes();
    HalvingCommunicator refComm;
    std::vector<Tensor> expected = train(*findBackend("ref"), step, &refComm, 3);
    for (const BackendInfo& backend : allBackends()) {
      INFO(caseOn(backend.name, std::string("train/allreduce ") + std::string(optimizerName(optimizer))));
      HalvingCommunicator comm;
      std::vector<Tensor> got = train(backend, step, &comm, 3);
      CHECK(comm.inFlight.empty());
      CHECK(comm.stats().buckets == 3 * buckets);
      CHECK(comm.stats().bytes == 3 * gradientBytes);
      for (size_t i = 0; i < got.size(); ++i) CHECK(maxRelDiff(got[i], expected[i]) < 1e-5);
      // Run as one rank (no communicator) the same step takes the whole gradient: SGD moves twice as far.
      if (optimizer == OptimizerKind::Sgd) CHECK(maxRelDiff(train(backend, step, nullptr, 3)[0], got[0]) > 1e-3);
    }
  }
}

}  // namespace graphc::test
