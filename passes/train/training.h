// The training step: a model's forward graph plus loss, gradients and optimizer updates, as one
// graph that a backend compiles once and runs per batch.
#pragma once

#include <optional>
#include <string_view>

#include "ir/graph.h"

namespace graphc {

// Losses as CONTRACT.md defines them (PyTorch's CrossEntropyLoss and MSELoss, mean reduction).
enum class LossKind {
  SoftmaxCrossEntropy,  // output is logits: mean over the batch of -log_softmax(logits)[label]
  CrossEntropy,         // output is probabilities: mean of -log(p[label]), log(softmax) made stable
  Mse,                  // mean over all elements of (output - label)^2
};
enum class OptimizerKind { Sgd, Momentum, Adam };

std::optional<LossKind> parseLoss(std::string_view name);  // "softmax_cross_entropy", ...
std::optional<OptimizerKind> parseOptimizer(std::string_view name);  // "sgd", "momentum", "adam"
std::string_view lossName(LossKind k);
std::string_view optimizerName(OptimizerKind k);

struct TrainingOptions {
  LossKind loss = LossKind::SoftmaxCrossEntropy;
  OptimizerKind optimizer = OptimizerKind::Sgd;
  double lr = 0.01;
  // Momentum 0.9 (dampening 0) and Adam's betas 0.9/0.999 and eps 1e-8 are PyTorch's defaults,
  // fixed by the contract.
  // The labels input: i64 (or i32) class indices [N], or float targets of the output's type
  // (one-hot for the cross-entropies). nullopt: i64 class indices [N].
  std::optional<TensorType> labels;
};

// A graph with inputs (the model's inputs, then `labels`), outputs (`loss`, a scalar computed
// before the update, then the model's outputs), and updates that write every trained param and
// the optimizer state (State values: momentum buffers, Adam's moments and step count).
// Trained params: every float param the loss depends on, except batch_norm's running mean and
// variance. The model's first output is the prediction the loss compares with the labels.
Result<Graph> buildTrainingStep(const Graph& model, const TrainingOptions& options);

}  // namespace graphc
