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
