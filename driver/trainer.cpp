// The training loop: prepare the step once, then epochs of shuffled batches.
#include "driver/trainer.h"

#include <chrono>
#include <cmath>
#include <optional>
#include <fmt/format.h>
#include <ostream>

#include "driver/model.h"
#include "driver/save_trained.h"
#include "passes/pass.h"

namespace graphc::driver {
namespace {

// Every param of `after` is a param of `before` with the same name and type: the optimizer
// updates, and save writes, the model's own weights.
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
Status optimizeForTraining(Graph& g, const PassOptions& passes) {
  Graph original = g.clone();
  GRAPHC_TRY(optimize(g, passes));
  if (paramsKept(original, g)) return ok();
  std::vector<std::string> names;
  for (const std::string& p : defaultPipeline())
    if (p != "fuse_conv") names.push_back(p);
  passes.out() << "note: the default pipeline merges weights of this model; training without fuse_conv\n";
  g = original.clone();
  GRAPHC_TRY(optimize(g, passes, names));
  if (!paramsKept(original, g)) return Error(ErrorCode::Unsupported, "the pipeline changes which weights the model has; cannot train it");
  return ok();
}

// The model at the training batch, checked against the data and the loss.
Result<Graph> loadForTraining(const TrainOptions& o, const TrainSet& set) {
  GRAPHC_ASSIGN(std::vector<std::string> names, modelInputNames(o.model));
  if (names.empty()) return Error(fmt::format("{}: the model has no inputs to feed --data to", o.model));
  Shape shape = set.data.shape();
  shape[0] = o.batch;
  GRAPHC_ASSIGN(Graph model, loadModel(o.model, {{names[0], shape}}));
  if (model.inputs.size() != 1) {
    std::string list;
    for (ValueId v : model.inputs) list += (list.empty() ? "" : ", ") + model.value(v).name;
    return Error(ErrorCode::Unsupported, fmt::format("{}: graphc train feeds one input (--data), but the model has {} ({})",
                                                     o.model, model.inputs.size(), list));
  }
  GRAPHC_TRY(checkData(set, model, model.inputs[0]));
  if (model.outputs.empty()) return Error(fmt::format("{}: the model has no outputs", o.model));
  const TensorType& output = model.type(model.outputs[0].value);
  if (!isFloat(output.dtype))
    return Error(ErrorCode::Shape, fmt::format("{}: the model's output '{}' is {}; training needs a floating-point output",
                                               o.model, model.outputs[0].name, output.str()));
  bool anyParam = false;
  for (ValueId v : model.constants) anyParam |= model.value(v).kind == ValueKind::Param && isFloat(model.type(v).dtype);
  if (!anyParam) return Error(fmt::format("{}: the model has no float parameters to train", o.model));
  return model;
}

}  // namespace

Result<std::unique_ptr<Executable>> compileTrainingStep(const Graph& model, const std::string& name, const TrainingOptions& t,
                                                        const CompileOptions& backend, const PassOptions& passes,
                                                        bool averageGradients) {
  Graph forward = model.clone();
  GRAPHC_TRY(optimizeForTraining(forward, passes));
  auto step = buildTrainingStep(forward, t);
  if (!step) return step.takeError().prefixed(fmt::format("{}: --loss {}: ", name, lossName(t.loss)));
  if (step->updates.empty())
    return Error(fmt::format("{}: the loss depends on none of the model's float parameters; nothing to train", name));
  // The training graph gets the cleanup passes only (the forward part is optimized already;
  // constant_fold folds the constant chain autodiff starts from the loss seed),
  // and the verifier after each.
  GRAPHC_TRY(optimize(*step, passes, {"constant_fold", "cse", "dce"}));
  if (averageGradients) GRAPHC_TRY(optimize(*step, passes, {"allreduce_gradients"}));
  auto exe = prepare(*step, backend);
  if (!exe)
    return Error(exe.error().code, fmt::format("backend '{}' cannot compile the training step of {}: {}{}", backend.backend,
                                               name, exe.error().message(),
                                               backend.backend == "ref" ? "" : " (--backend ref runs every training op)"));
  return exe;
}

Result<std::map<std::string, Tensor>> trainedParams(const Executable& exe, const ExecutionContext& ctx) {
  std::map<std::string, Tensor> trained;
  const Graph& g = exe.graph();
  for (ValueId v : g.constants) {
    if (g.value(v).kind != ValueKind::Param || !isFloat(g.type(v).dtype)) continue;
    GRAPHC_ASSIGN(trained[g.value(v).name], exe.readState(ctx, v));
  }
  return trained;
}

std::string_view nonFiniteName(double x) { return std::isnan(x) ? "NaN" : x > 0 ? "+inf" : "-inf"; }

// The first NaN or infinity in a float tensor of samples along dim 0: (sample, value).
std::optional<std::pair<int64_t, double>> firstNonFinite(const Tensor& t) {
  if (t.dtype() != DType::f32 && t.dtype() != DType::f64) return std::nullopt;
  int64_t n = t.numel(), perSample = t.shape().empty() || t.shape()[0] == 0 ? 1 : n / t.shape()[0];
  for (int64_t i = 0; i < n; ++i) {
    double x = t.dtype() == DType::f32 ? (double)t.data<float>()[i] : t.data<double>()[i];
    if (!std::isfinite(x)) return std::pair{i / std::max<int64_t>(perSample, 1), x};
  }
  return std::nullopt;
}

// Data with a NaN or infinity trains on garbage: an Error (--on-nan=stop) or a warning.
Status checkFinite(const Tensor& t, const std::string& path, const TrainOptions& o) {
  auto bad = firstNonFinite(t);
  if (!bad) return ok();
  std::string what = fmt::format("{}: sample {} holds {}", path, bad->first, nonFiniteName(bad->second));
  if (o.onNan == OnNan::Stop) return Error(ErrorCode::InvalidArgument, what + " (--on-nan=warn trains on anyway)");
  o.passes.out() << "warning: " << what << "; training on (--on-nan=warn)\n";
  return ok();
}

Result<Trainer> Trainer::create(const TrainOptions& o) {
  Trainer t;
  t.options_ = o;
  GRAPHC_ASSIGN(t.set_, readTrainSet(o.data, o.labels, o.batch, o.backend.maxMemory));
  if (t.set_.samples < t.globalBatch())
    return Error(ErrorCode::InvalidArgument, fmt::format("{}: {} samples are fewer than one global batch ({} ranks x --batch {})", o.data,
                                                         t.set_.samples, t.ranks(), o.batch));
  GRAPHC_TRY(checkFinite(t.set_.data, o.data, o));
  GRAPHC_TRY(checkFinite(t.set_.labels, o.labels, o));
  GRAPHC_ASSIGN(t.model_, loadForTraining(o, t.set_));
  GRAPHC_ASSIGN(t.labels_, checkLabels(t.set_, t.model_.type(t.model_.outputs[0].value), o.loss));

  GRAPHC_ASSIGN(t.exe_, compileTrainingStep(t.model_, o.model, TrainingOptions{o.loss, o.optimizer, o.lr, t.labels_.batchType},
                                            o.backend, o.passes, t.ranks() > 1));

  // Compiled once, one context, inputs and outputs allocated once: a step only copies rows.
  GRAPHC_ASSIGN(t.ctx_, newContext(*t.exe_));
  t.ctx_->setCommunicator(o.comm);
  t.outputs_ = t.exe_->makeOutputs();
  t.inputs_ = {Tensor(t.exe_->graph().type(t.exe_->graph().inputs[0])), Tensor(t.labels_.batchType)};
  t.order_.resize((size_t)t.set_.samples);
  t.rng_.seed(o.seed);
  return t;
}

Result<EpochStats> Trainer::epoch(const std::function<void(int64_t, int64_t)>& progress, const std::atomic<bool>* stop) {
  auto start = std::chrono::steady_clock::now();
  int64_t steps = stepsPerEpoch(), batch = options_.batch, done = 0, nonFinite = 0;
  // This rank's rows of each global batch: the same order on every rank (the same seed).
  int64_t shard = options_.comm ? options_.comm->rank() * batch : 0;
  epochOrder(order_, options_.shuffle, rng_);
  double lossSum = 0;
  int64_t correct = 0;
  for (; done < steps; ++done) {
    if (stop && stop->load()) break;
    std::span<const int64_t> rows(order_.data() + done * globalBatch() + shard, (size_t)batch);
    gatherRows(set_.data, rows, inputs_[0]);
    gatherRows(set_.labels, rows, inputs_[1]);
    GRAPHC_TRY(exe_->run(*ctx_, inputs_, outputs_));
    double loss = outputs_[0].at(0);
    if (!std::isfinite(loss)) {
      if (options_.onNan == OnNan::Stop)
        return Error(ErrorCode::InvalidArgument, fmt::format("epoch {}, step {} of {}: the loss is {}; training stopped "
                                                             "(lower --lr, or --on-nan=warn trains on)",
                                                             epochs_ + 1, done + 1, steps, nonFiniteName(loss)));
      ++nonFinite;
    }
    lossSum += loss;
    correct += countCorrect(outputs_[1], inputs_[1], labels_);
    if (progress) progress(done + 1, steps);
  }
  // The global stats: every rank's sums; each step's loss is the mean of the ranks' losses, the
  // loss of the global batch.
  double sums[] = {lossSum, (double)correct, (double)nonFinite};
  if (ranks() > 1) GRAPHC_TRY(options_.comm->sum(sums));
  int64_t rankSteps = done * ranks();
  EpochStats stats{++epochs_, done ? sums[0] / (double)rankSteps : 0.0, std::nullopt,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
  if (labels_.accuracy() && done) stats.accuracy = sums[1] / (double)(rankSteps * batch);
  nonFinite = (int64_t)sums[2];
  if (done < steps) stats.interruptedAfter = done;
  stats.nonFiniteLosses = nonFinite;
  return stats;
}

Result<std::map<std::string, Tensor>> Trainer::trainedParams() const { return driver::trainedParams(*exe_, *ctx_); }

Status Trainer::checkParamsAgree() const {
  if (ranks() == 1) return ok();
  GRAPHC_ASSIGN(auto params, trainedParams());
  uint64_t hash = 1469598103934665603ull;  // FNV-1a over every param's bytes, in name order
  for (const auto& [name, t] : params)
    for (size_t i = 0; i < t.bytes(); ++i) hash = (hash ^ static_cast<const unsigned char*>(t.raw())[i]) * 1099511628211ull;
  uint64_t min = 0, max = 0;
  GRAPHC_TRY(options_.comm->minMax(hash, min, max));
  if (min != max)
    return Error(ErrorCode::Internal, fmt::format("epoch {}: the parameters differ between ranks (hashes from {:016x} to {:016x}); "
                                                  "the ranks no longer train one model", epochs_, min, max));
  return ok();
}

Status Trainer::save(const std::string& out) const {
  GRAPHC_ASSIGN(auto trained, trainedParams());
  return saveTrained(options_.model, model_, options_.batch, trained, out);
}

}  // namespace graphc::driver
