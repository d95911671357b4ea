// A training step the caller drives batch by batch (the C API's trainer): compiled once from a
// loaded model, run on the caller's data and labels, with its weights read, written and saved.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "driver/pipeline.h"
#include "runtime/collective.h"
#include "passes/train/training.h"

namespace graphc::driver {

struct StepTrainerOptions {
  LossKind loss = LossKind::SoftmaxCrossEntropy;
  OptimizerKind optimizer = OptimizerKind::Sgd;
  double lr = 0.01;
  CompileOptions backend;
  PassOptions passes;
  // Data-parallel training: each step averages its gradients over these ranks (more than one).
  std::shared_ptr<Communicator> comm;
};

class StepTrainer {
 public:
  // `model` is loaded with its batch bound (the batch of every step). Its one input is the data;
  // the labels are i64 class indices [B] for the cross-entropies and float targets of the
  // output's type for mse. `sourcePath` is the file it came from, "" when read from memory
  // (save then exports the graph).
  static Result<StepTrainer> create(Graph model, std::string sourcePath, const StepTrainerOptions& options);

  const TensorType& dataType() const { return exe_->graph().type(exe_->graph().inputs[0]); }
  const TensorType& labelsType() const { return exe_->graph().type(exe_->graph().inputs[1]); }
  // The float params the step trains, in graph order.
  const std::vector<ValueId>& params() const { return params_; }
  const Graph& stepGraph() const { return exe_->graph(); }

  // One step on a batch (views of dataType() and labelsType()); returns the loss before the update.
  Result<double> step(ConstTensorView data, ConstTensorView labels);
  // A param's current value, or overwrite it (by its value in stepGraph(), one of params()).
  Result<Tensor> readParam(ValueId v) const { return exe_->readState(*ctx_, v); }
  Status writeParam(ValueId v, ConstTensorView data) { return exe_->writeState(*ctx_, v, data); }
  // Writes the model with the current weights (see saveTrained).
  Status save(const std::string& out) const;

 private:
  StepTrainer() = default;

  Graph model_;  // as loaded, before the pipeline (what save writes)
  std::string sourcePath_;
  std::unique_ptr<Executable> exe_;
  std::unique_ptr<ExecutionContext> ctx_;
  std::vector<Tensor> outputs_;  // the loss and the model's outputs, allocated once
  std::vector<ValueId> params_;
  std::shared_ptr<Communicator> comm_;  // what ctx_ averages over, kept alive with it
};

}  // namespace graphc::driver
