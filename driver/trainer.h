// The training loop (graphc train; the C API's trainer): one compiled training step run over a
// data set for epochs, with shuffled batches, per-epoch metrics, and the trained model saved.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "driver/pipeline.h"
#include "driver/train_data.h"
#include "driver/train_log.h"

namespace graphc::driver {

// What a NaN or infinity in the data or in a step's loss does: stop training with an Error that
// names where (the default), or warn (once per epoch, with a count) and train on.
enum class OnNan { Stop, Warn };

struct TrainOptions {
  std::string model, data, labels;  // paths: the model, samples .npy, labels .npy
  LossKind loss = LossKind::SoftmaxCrossEntropy;
  OptimizerKind optimizer = OptimizerKind::Sgd;
  double lr = 0.01;
  int64_t batch = 32;
  bool shuffle = true;
  uint64_t seed = 0;
  CompileOptions backend;
  PassOptions passes;
  OnNan onNan = OnNan::Stop;
};

// Optimizes `model` (as loaded, at the training batch) for training and compiles its training
// step on `backend`; messages name the model `name`.
Result<std::unique_ptr<Executable>> compileTrainingStep(const Graph& model, const std::string& name, const TrainingOptions& t,
                                                        const CompileOptions& backend, const PassOptions& passes);
// The current value in ctx of every float param of a training step, by name.
Result<std::map<std::string, Tensor>> trainedParams(const Executable& exe, const ExecutionContext& ctx);

class Trainer {
 public:
  // Reads the data, loads the model at the training batch, checks both against the loss and
  // compiles the training step.
  static Result<Trainer> create(const TrainOptions& options);

  int64_t samples() const { return set_.samples; }
  int64_t stepsPerEpoch() const { return set_.samples / options_.batch; }
  int64_t droppedPerEpoch() const { return set_.samples - stepsPerEpoch() * options_.batch; }

  // One pass over the data; `progress(step, steps)` is called after each step. When `stop` is
  // given and becomes true (a SIGINT handler sets it), the epoch ends after the step under way
  // and the stats say so (interruptedAfter).
  Result<EpochStats> epoch(const std::function<void(int64_t step, int64_t steps)>& progress = {},
                           const std::atomic<bool>* stop = nullptr);
  // The trained value of every float param, by name.
  Result<std::map<std::string, Tensor>> trainedParams() const;
  // Writes the model with its trained weights to `out` (see saveTrained).
  Status save(const std::string& out) const;

 private:
  Trainer() = default;

  TrainOptions options_;
  TrainSet set_;
  Graph model_;  // as loaded at the training batch, before the pipeline (what save writes)
  LabelKind labels_;
  std::unique_ptr<Executable> exe_;
  std::unique_ptr<ExecutionContext> ctx_;
  std::vector<Tensor> inputs_, outputs_;  // allocated once: a step only copies rows
  std::vector<int64_t> order_;
  std::mt19937_64 rng_;
  int epochs_ = 0;
};

}  // namespace graphc::driver
