// --train, --loss, --optimizer, --lr: the options that turn a command's model into one training
// step (bench times it, compile reports on it). Labels are float targets like the model's first
// output (one-hot for the cross-entropies), as the peer harness feeds them.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "ir/graph.h"
#include "tools/pipeline.h"

namespace graphc::tool {

struct TrainStepFlags {
  bool train = false;
  std::string loss = "cross_entropy", optimizer = "adam";
  double lr = 0.01;
  void addTo(CLI::App& cmd);
  // For compileModel: rewrites the optimized forward graph of `model` into its training step
  // (then constant_fold, which folds the loss seed chain, cse and dce); empty without --train.
  std::function<Status(Graph&)> transform(const std::string& model, const PipelineFlags& flags) const;
};

}  // namespace graphc::tool
