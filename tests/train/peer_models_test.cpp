// The first five Adam steps recorded in /work/shared/peers/models/manifest.json ('training'),
// replayed from the ONNX initializers exported by tests/data/train/gen_peer_models.py: seed
// (10 -> 20 relu -> 5, batch 32, lr 1e-2) and mlp (784-512-512-10, batch 64, lr 1e-3), both
// softmax cross-entropy on one-hot float labels, five steps on the same batch.
#include <doctest/doctest.h>

#include <cmath>

#include "tests/support.h"
#include "tests/train/train_util.h"

namespace graphc::test {
namespace {

double l2(const Tensor& t) {
  double s = 0;
  for (int64_t i = 0; i < t.numel(); ++i) s += t.at(i) * t.at(i);
  return std::sqrt(s);
}

// Expected values copied from manifest.json; norms in layer order (weight, bias, ...).
void replayOn(std::string_view backend, const std::string& name, int layers, double lr, const std::vector<double>& losses,
              const std::vector<double>& norms) {
  INFO("backend ", backend);
  std::vector<std::pair<Tensor, Tensor>> weights;
  for (int i = 1; i <= layers; ++i)
    weights.emplace_back(loadTrainData(name + "_w" + std::to_string(i)), loadTrainData(name + "_b" + std::to_string(i)));
  Tensor x = loadTrainData(name + "_x"), y = loadTrainData(name + "_y");
  Graph model = mlp(x.shape()[0], weights, false);
  auto exe = prepareStep(model, {LossKind::SoftmaxCrossEntropy, OptimizerKind::Adam, lr, y.type()}, backend);
  auto ctx = std::move(exe->createContext().value());
  std::vector<Tensor> outputs = exe->makeOutputs();
  double worst = 0;
  for (size_t s = 0; s < losses.size(); ++s) {
    Tensor in[] = {x, y};
    REQUIRE(exe->run(*ctx, in, outputs));
    double rel = std::fabs(outputs[0].at(0) - losses[s]) / losses[s];
    worst = std::max(worst, rel);
    CHECK_MESSAGE(rel < 1e-4, name << " step " << s << ": graphc " << outputs[0].at(0) << ", recorded " << losses[s]);
  }
  for (int i = 0; i < layers; ++i) {
    for (int part = 0; part < 2; ++part) {
      std::string param = (part ? "b" : "w") + std::to_string(i + 1);
      auto t = exe->readState(*ctx, exe->graph().findValue(param));
      REQUIRE(t);
      double want = norms[2 * i + part];
      CHECK_MESSAGE(std::fabs(l2(*t) - want) / want < 1e-4, name << " " << param << " norm " << l2(*t) << ", recorded " << want);
    }
  }
  MESSAGE(name << " on " << backend << ": worst relative loss error " << worst);
}

void replay(const std::string& name, int layers, double lr, const std::vector<double>& losses, const std::vector<double>& norms) {
  for (std::string_view backend : kTrainBackends) replayOn(backend, name, layers, lr, losses, norms);
}

TEST_CASE("seed: first five Adam steps as recorded") {
  replay("seed", 2, 1e-2, {1.6397547721862793, 1.5894814729690552, 1.5437219142913818, 1.5016334056854248, 1.4622071981430054},
         {2.601046562194824, 0.760009765625, 1.3738328218460083, 0.18577998876571655});
}

TEST_CASE("mlp: first five Adam steps as recorded (batch 64)") {
  replay("mlp", 3, 1e-3, {2.2952589988708496, 2.193833112716675, 2.1276581287384033, 2.045344114303589, 1.9440933465957642},
         {13.184221267700195, 0.4672221541404724, 13.150240898132324, 0.5765860676765442, 1.8799068927764893, 0.08179003745317459});
}

}  // namespace
}  // namespace graphc::test
