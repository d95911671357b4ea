// Loss trajectories of every loss x optimizer pair against PyTorch (gen_trajectories.py): a
// 6 -> 8 relu -> 3 MLP, batch 4, five steps on five batches, from the same initial weights.
#include <doctest/doctest.h>

#include <cmath>

#include "frontend/npy/npy.h"
#include "tests/support.h"
#include "tests/train/train_util.h"

namespace graphc::test {
namespace {

TEST_CASE("loss trajectories match PyTorch for every loss and optimizer") {
  Tensor x = loadTrainData("traj_x"), labels = loadTrainData("traj_labels"), targets = loadTrainData("traj_targets");
  Tensor expected = loadTrainData("traj_losses"), finalW1 = loadTrainData("traj_final_w1");
  std::vector<std::pair<Tensor, Tensor>> layers = {{loadTrainData("traj_w1"), loadTrainData("traj_b1")},
                                                   {loadTrainData("traj_w2"), loadTrainData("traj_b2")}};
  const LossKind losses[] = {LossKind::SoftmaxCrossEntropy, LossKind::CrossEntropy, LossKind::Mse};
  const OptimizerKind optimizers[] = {OptimizerKind::Sgd, OptimizerKind::Momentum, OptimizerKind::Adam};
  const double lrs[] = {0.1, 0.1, 0.01};
  double worstLoss = 0, worstW1 = 0;
  for (std::string_view backend : kTrainBackends) {
    for (int li = 0; li < 3; ++li) {
      for (int oi = 0; oi < 3; ++oi) {
        INFO(backend, ": ", lossName(losses[li]), " x ", optimizerName(optimizers[oi]));
        TrainingOptions opts{losses[li], optimizers[oi], lrs[oi], std::nullopt};
        bool mse = losses[li] == LossKind::Mse;
        if (mse) opts.labels = TensorType{DType::f32, {4, 3}};
        Graph model = mlp(4, layers, losses[li] == LossKind::CrossEntropy);
        auto exe = prepareStep(model, opts, backend);
        auto ctx = std::move(exe->createContext().value());
        std::vector<Tensor> outputs = exe->makeOutputs();
        for (int64_t s = 0; s < 5; ++s) {
          Tensor in[] = {slice0(x, s), slice0(mse ? targets : labels, s)};
          auto st = exe->run(*ctx, in, outputs);
          REQUIRE_MESSAGE(st, (st ? "" : st.error().message()));
          double want = expected.at((li * 3 + oi) * 5 + s), got = outputs[0].at(0);
          double rel = std::fabs(got - want) / std::fabs(want);
          worstLoss = std::max(worstLoss, rel);
          CHECK_MESSAGE(rel < 1e-5, "step " << s << ": graphc " << got << ", PyTorch " << want);
        }
        const Graph& g = exe->graph();
        auto w1 = exe->readState(*ctx, g.findValue("w1"));
        REQUIRE(w1);
        Tensor want = slice0(slice0(finalW1, li), oi);
        worstW1 = std::max(worstW1, maxRelDiff(*w1, want));
        CHECK(maxRelDiff(*w1, want) < 1e-5);
      }
    }
  }
  MESSAGE("worst relative loss error " << worstLoss << ", worst w1 error " << worstW1);
}

}  // namespace
}  // namespace graphc::test
