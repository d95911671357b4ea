// Helpers for training-step tests.
#include "tests/train/train_util.h"

#include <doctest/doctest.h>

#include "runtime/executable.h"
#include "ir/grad.h"
#include "frontend/npy/npy.h"
#include "tests/support.h"

namespace graphc::test {

Tensor loadTrainData(const std::string& name) {
  auto t = readNpy(dataPath("train/" + name + ".npy"));
  REQUIRE_MESSAGE(t, (t ? "" : t.error().message()));
  return *t;
}

Tensor slice0(const Tensor& t, int64_t i) {
  Shape s(t.shape().begin() + 1, t.shape().end());
  Tensor out(TensorType{t.dtype(), s});
  std::memcpy(out.raw(), static_cast<const char*>(t.raw()) + i * out.bytes(), out.bytes());
  return out;
}

Graph mlp(int64_t batch, const std::vector<std::pair<Tensor, Tensor>>& layers, bool softmax) {
  Graph g;
  Builder b(g);
  ValueId h = b.input("x", {DType::f32, {batch, layers[0].first.shape()[0]}});
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string n = std::to_string(i + 1);
    ValueId w = b.param("w" + n, layers[i].first.clone()), bias = b.param("b" + n, layers[i].second.clone());
    bool last = i + 1 == layers.size();
    h = b.create(OpKind::Dense, {h, w, bias}, attrsOf({{"activation", std::string(last ? "none" : "relu")}}), last ? "logits" : "h" + n);
  }
  if (softmax) h = b.create(OpKind::Softmax, {h}, attrsOf({{"axis", int64_t{1}}}), "probs");
  b.output("y", h);
  return g;
}

Graph layerNormMlp(bool softmax) {
  auto uniform = [](Shape s, uint64_t seed, double lo, double hi) { return randomTensor({DType::f32, std::move(s)}, seed, lo, hi); };
  auto reluAct = attrsOf({{"activation", std::string("relu")}}), tanhAct = attrsOf({{"activation", std::string("tanh")}});
  Graph g;
  Builder b(g);
  ValueId h = b.input("x", {DType::f32, {16, 20}});
  h = b.create(OpKind::Dense, {h, b.param("w1", uniform({20, 33}, 1, -0.3, 0.3)), b.param("b1", uniform({33}, 2, -0.1, 0.1))}, reluAct);
  h = b.create(OpKind::LayerNorm, {h, b.param("s", uniform({33}, 3, 0.5, 1.5)), b.param("t", uniform({33}, 4, -0.1, 0.1))});
  h = b.create(OpKind::Dense, {h, b.param("w2", uniform({33, 5}, 5, -0.3, 0.3)), b.param("b2", uniform({5}, 6, -0.1, 0.1))}, tanhAct);
  if (softmax) h = b.create(OpKind::Softmax, {h});
  b.output("y", h);
  return g;
}

std::unique_ptr<Executable> prepareStep(const Graph& model, const TrainingOptions& options, std::string_view backend) {
  auto step = buildTrainingStep(model, options);
  REQUIRE_MESSAGE(step, (step ? "" : step.error().message()));
  const BackendInfo* b = findBackend(backend);
  REQUIRE(b != nullptr);
  auto exe = b->prepare(*step, CompileOptions{std::string(backend), 1});
  REQUIRE_MESSAGE(exe, (exe ? "" : exe.error().message()));
  return std::move(*exe);
}

}  // namespace graphc::test
