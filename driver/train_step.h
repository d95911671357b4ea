// The options that turn a command's model into one training step (bench times it, compile
// reports on it). Labels are float targets like the model's first output (one-hot for the
// cross-entropies), as the peer harness feeds them.
#pragma once

#include <functional>
#include <string>

#include "driver/pipeline.h"
#include "ir/graph.h"
#include "passes/train/training.h"

namespace graphc::driver {

struct TrainStepOptions {
  bool train = false;
  LossKind loss = LossKind::CrossEntropy;
  OptimizerKind optimizer = OptimizerKind::Adam;
  double lr = 0.01;
  // For compileModel: rewrites the optimized forward graph of `model` into its training step
  // (then constant_fold, which folds the loss seed chain, cse and dce); empty without train.
  std::function<Status(Graph&)> transform(const std::string& model, const PassOptions& passes) const;
};

}  // namespace graphc::driver
