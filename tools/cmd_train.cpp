// graphc train: compiles one training step (forward, loss, gradients, optimizer update) for the
// model at a fixed batch and runs it over the data set for some epochs (CONTRACT.md).
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>

#include "passes/pass.h"
#include "passes/training.h"
#include "tools/commands.h"
#include "tools/model.h"
#include "tools/pipeline.h"
#include "tools/save_trained.h"
#include "tools/train_data.h"
#include "tools/train_log.h"

namespace graphc::tool {
namespace {

struct TrainOptions {
  std::string model, data, labels, loss, optimizer, logJson, save;
  double lr = 0.01;
  int epochs = 10;
  int64_t batch = 32;
  bool noShuffle = false;
  uint64_t seed = 0;
  std::string backend;
  int threads = 0;
  PipelineFlags flags;
};

// Every param of `after` is a param of `before` with the same name and type: the optimizer
// updates, and --save writes, the model's own weights.
bool paramsKept(const Graph& before, const Graph& after) {
  for (ValueId v : after.constants) {
    if (after.value(v).kind != ValueKind::Param) continue;
    ValueId w = before.findValue(after.value(v).name);
    if (w == UINT32_MAX || before.value(w).kind != ValueKind::Param || before.type(w) != after.type(v)) return false;
  }
  return true;
}

// The default pipeline, so that the step runs fused kernels, unless it changes which weights
// there are: fuse_conv folds a bias add into the conv's bias, and when both are weights the sum
// is a new param, which would train as one weight where the model has two. Then the pipeline
// runs without fuse_conv.
Status optimizeForTraining(Graph& g, const PipelineFlags& flags) {
  Graph original = g.clone();
  GRAPHC_TRY(optimize(g, flags));
  if (paramsKept(original, g)) return ok();
  std::vector<std::string> passes;
  for (const std::string& p : defaultPipeline())
    if (p != "fuse_conv") passes.push_back(p);
  std::cerr << "note: the default pipeline merges weights of this model; training without fuse_conv\n";
  g = original.clone();
  GRAPHC_TRY(optimize(g, flags, passes));
  if (!paramsKept(original, g)) return Error("the pipeline changes which weights the model has; cannot train it");
  return ok();
}

struct Prepared {
  Graph model;  // as loaded at the training batch, before the pipeline (what --save writes)
  LabelKind labels;
  std::unique_ptr<Executable> exe;
};

Result<Prepared> prepare(const TrainOptions& o, const TrainSet& set, LossKind loss, OptimizerKind optimizer) {
  GRAPHC_ASSIGN(std::vector<std::string> names, modelInputNames(o.model));
  if (names.empty()) return Error(fmt::format("{}: the model has no inputs to feed --data to", o.model));
  Shape shape = set.data.shape();
  shape[0] = o.batch;
  GRAPHC_ASSIGN(Graph model, loadModel(o.model, {{names[0], shape}}));
  if (model.inputs.size() != 1) {
    std::string list;
    for (ValueId v : model.inputs) list += (list.empty() ? "" : ", ") + model.value(v).name;
    return Error(fmt::format("{}: graphc train feeds one input (--data), but the model has {} ({})", o.model, model.inputs.size(), list));
  }
  GRAPHC_TRY(checkData(set, model, model.inputs[0]));
  if (model.outputs.empty()) return Error(fmt::format("{}: the model has no outputs", o.model));
  const TensorType& output = model.type(model.outputs[0].value);
  if (!isFloat(output.dtype))
    return Error(fmt::format("{}: the model's output '{}' is {}; training needs a floating-point output", o.model,
                             model.outputs[0].name, output.str()));
  bool anyParam = false;
  for (ValueId v : model.constants) anyParam |= model.value(v).kind == ValueKind::Param && isFloat(model.type(v).dtype);
  if (!anyParam) return Error(fmt::format("{}: the model has no float parameters to train", o.model));
  GRAPHC_ASSIGN(LabelKind labels, checkLabels(set, output, loss));

  Graph forward = model.clone();
  GRAPHC_TRY(optimizeForTraining(forward, o.flags));
  auto step = buildTrainingStep(forward, TrainingOptions{loss, optimizer, o.lr, labels.batchType});
  if (!step) return Error(fmt::format("{}: --loss {}: {}", o.model, lossName(loss), step.error().message()));
  if (step->updates.empty())
    return Error(fmt::format("{}: the loss depends on none of the model's float parameters; nothing to train", o.model));
  // The training graph gets the cleanup passes only (the forward part is optimized already),
  // and the verifier after each.
  GRAPHC_TRY(optimize(*step, o.flags, {"cse", "dce"}));
  auto exe = prepareBackend(*step, o.backend, o.threads);
  if (!exe)
    return Error(fmt::format("backend '{}' cannot compile the training step of {}: {}{}", o.backend, o.model,
                             exe.error().message(), o.backend == "ref" ? "" : " (--backend ref runs every training op)"));
  return Prepared{std::move(model), labels, std::move(*exe)};
}

int train(const TrainOptions& o) {
  LossKind loss = *parseLoss(o.loss);  // CLI11 checked both names
  OptimizerKind optimizer = *parseOptimizer(o.optimizer);
  if (!o.save.empty())
    if (auto s = checkSavePath(o.save); !s) return fail(s.error());
  auto set = readTrainSet(o.data, o.labels, o.batch);
  if (!set) return fail(set.error());
  auto prepared = prepare(o, *set, loss, optimizer);
  if (!prepared) return fail(prepared.error());
  const Executable& exe = *prepared->exe;
  const LabelKind& kind = prepared->labels;

  int64_t steps = set->samples / o.batch, used = steps * o.batch;
  std::printf("training %s: %lld samples, batch %lld (%lld steps per epoch), %s lr %g, loss %s, backend %s\n",
              o.model.c_str(), (long long)set->samples, (long long)o.batch, (long long)steps, o.optimizer.c_str(), o.lr,
              o.loss.c_str(), o.backend.c_str());
  if (used < set->samples)
    std::printf("note: %lld samples, batch %lld: the last %lld samples of each epoch are dropped\n", (long long)set->samples,
                (long long)o.batch, (long long)(set->samples - used));
  std::fflush(stdout);

  // Compiled once, one context, inputs and outputs allocated once: a step only copies rows.
  auto ctx = exe.createContext();
  std::vector<Tensor> outputs = exe.makeOutputs();
  std::vector<Tensor> inputs = {Tensor(exe.graph().type(exe.graph().inputs[0])), Tensor(kind.batchType)};
  std::vector<int64_t> order(set->samples);
  std::mt19937_64 rng(o.seed);
  std::vector<EpochStats> log;
  ProgressBar bar;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    auto start = std::chrono::steady_clock::now();
    epochOrder(order, !o.noShuffle, rng);
    double lossSum = 0;
    int64_t correct = 0;
    for (int64_t s = 0; s < steps; ++s) {
      std::span<const int64_t> rows(order.data() + s * o.batch, (size_t)o.batch);
      gatherRows(set->data, rows, inputs[0]);
      gatherRows(set->labels, rows, inputs[1]);
      if (auto st = exe.run(*ctx, inputs, outputs); !st) {
        bar.clear();
        return fail(st.error());
      }
      lossSum += outputs[0].at(0);
      correct += countCorrect(outputs[1], inputs[1], kind);
      bar.update(epoch, o.epochs, s + 1, steps);
    }
    EpochStats stats{epoch, lossSum / (double)steps, std::nullopt,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
    if (kind.accuracy()) stats.accuracy = (double)correct / (double)used;
    bar.clear();
    std::printf("%s\n", epochLine(stats, o.epochs).c_str());
    std::fflush(stdout);
    log.push_back(stats);
  }

  if (!o.logJson.empty())
    if (auto s = writeLogJson(o.logJson, log); !s) return fail(s.error());
  if (!o.save.empty()) {
    std::map<std::string, Tensor> trained;
    const Graph& g = exe.graph();
    for (ValueId v : g.constants) {
      if (g.value(v).kind != ValueKind::Param || !isFloat(g.type(v).dtype)) continue;
      auto t = exe.readState(*ctx, v);
      if (!t) return fail(t.error());
      trained[g.value(v).name] = std::move(*t);
    }
    if (auto s = saveTrained(o.model, prepared->model, o.batch, trained, o.save); !s) return fail(s.error());
    std::printf("saved the trained model to %s\n", o.save.c_str());
  }
  return 0;
}

}  // namespace

Runner addTrainCommand(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train every float parameter of a model on .npy data with one compiled training step");
  cmd->add_option("model", o->model, "Model file (.onnx or textual IR); its first input takes the data")->required();
  cmd->add_option("--data", o->data, "Samples, .npy with the samples along the first dimension")->required();
  cmd->add_option("--labels", o->labels, "Labels, .npy: i64 class indices [N], or float targets of the output's shape")->required();
  cmd->add_option("--loss", o->loss, "softmax_cross_entropy (output is logits), cross_entropy (output is probabilities) or mse")
      ->required()->check(CLI::IsMember({"softmax_cross_entropy", "cross_entropy", "mse"}));
  cmd->add_option("--optimizer", o->optimizer, "sgd, momentum (0.9) or adam (0.9, 0.999, eps 1e-8), as PyTorch defines them")
      ->required()->check(CLI::IsMember({"sgd", "momentum", "adam"}));
  cmd->add_option("--lr", o->lr, "Learning rate")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--epochs", o->epochs, "Passes over the data")->check(CLI::Range(1, 1000000))->capture_default_str();
  cmd->add_option("--batch", o->batch, "Samples per step; a last smaller batch is dropped")->check(CLI::Range(int64_t{1}, int64_t{1} << 40))->capture_default_str();
  cmd->add_flag("--no-shuffle", o->noShuffle, "Take the batches in file order");
  cmd->add_option("--seed", o->seed, "Seed of the shuffle (a fixed mt19937_64 permutation per epoch)")->capture_default_str();
  cmd->add_option("--log-json", o->logJson, "Write {\"epochs\": [{\"epoch\", \"loss\", \"accuracy\", \"seconds\"}, ...]} to FILE");
  cmd->add_option("--save", o->save, "Write the trained model: ONNX when OUT ends in .onnx, else textual IR");
  addBackendOptions(*cmd, o->backend, o->threads);
  o->flags.addTo(*cmd);
  return [o] { return train(*o); };
}

}  // namespace graphc::tool
