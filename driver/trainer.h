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
#include "runtime/collective.h"

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
  // Data-parallel training (docs/distributed.md): the ranks to train with, not owned. With more
  // than one, each step takes this rank's shard of a global batch of size() x batch rows and
  // the step averages the gradients (allreduce_gradients); the epoch's stats are global.
  Communicator* comm = nullptr;
};

// Optimizes `model` (as loaded, at the training batch) for training and compiles its training
// step on `backend`; messages name the model `name`. With averageGradients the step averages
// its gradients across the ranks of its context's communicator (allreduce_gradients).
Result<std::unique_ptr<Executable>> compileTrainingStep(const Graph& model, const std::string& name, const TrainingOptions& t,
                                                        const CompileOptions& backend, const PassOptions& passes,
                                                        bool averageGradients = false);
// The current value in ctx of every float param of a training step, by name.
Result<std::map<std::string, Tensor>> trainedParams(const Executable& exe, const ExecutionContext& ctx);

class Trainer {
 public:
  // Reads the data, loads the model at the training batch, checks both against the loss and
  // compiles the training step.
  static Result<Trainer> create(const TrainOptions& options);

  int64_t samples() const { return set_.samples; }
  int ranks() const { return options_.comm ? options_.comm->size() : 1; }
  int64_t globalBatch() const { return options_.batch * ranks(); }
  int64_t stepsPerEpoch() const { return set_.samples / globalBatch(); }
  int64_t droppedPerEpoch() const { return set_.samples - stepsPerEpoch() * globalBatch(); }
  // Fails when the trained params differ in any byte between the ranks (a 64-bit hash of
  // them all, its minimum and maximum over the ranks); ok on one rank.
  Status checkParamsAgree() const;

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
