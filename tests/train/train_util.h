// Helpers for training-step tests: loading test data, building MLPs, running steps.
#pragma once

#include <memory>

#include "ir/builder.h"
#include "passes/train/training.h"
#include "runtime/executable.h"

namespace graphc::test {

Tensor loadTrainData(const std::string& name);  // tests/data/train/<name>.npy, or fails the test
Tensor slice0(const Tensor& t, int64_t i);      // t[i] of a stacked tensor

// dense layers x -> relu -> ... -> last (no activation), weights [K, N]; with `softmax`, the
// model ends in a softmax. Params are named w1, b1, w2, ...
Graph mlp(int64_t batch, const std::vector<std::pair<Tensor, Tensor>>& layers, bool softmax);

// The ref backend's executable of the training step of `model`.
// The training step of model, prepared on a backend ("ref" or "dnnl").
std::unique_ptr<Executable> prepareStep(const Graph& model, const TrainingOptions& options,
                                        std::string_view backend = "ref");

// The backends every training test runs on.
inline constexpr std::string_view kTrainBackends[] = {"ref", "dnnl"};

}  // namespace graphc::test
