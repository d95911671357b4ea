// graphc bench: times repeated runs of a compiled model; prints median/p10/p90 and GFLOP/s, or
// JSON lines in the peer harness's schema (../shared/peers/README.md).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

#include "ir/flops.h"
#include "passes/training.h"
#include "tools/commands.h"
#include "tools/model.h"
#include "tools/pipeline.h"

namespace graphc::tool {
namespace {

struct BenchOptions {
  std::string model;
  std::vector<std::string> shapes;
  std::string backend;
  int threads = 0;
  bool json = false;
  double budget = 1.0;  // seconds of timing
  int warmup = 3;
  std::string workload, variant = "default";
  // --train: time one training step (forward, loss, gradients, update) instead of inference.
  bool train = false;
  std::string loss = "cross_entropy", optimizer = "adam";
  double lr = 0.01;
  PipelineFlags flags;
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, (size_t)(p * (double)(v.size() - 1) + 0.5));
  return v[i];
}

int bench(BenchOptions& o) {
  using clock = std::chrono::steady_clock;
  ShapeMap shapes;
  for (const std::string& spec : o.shapes) {
    auto b = parseShapeBinding(spec);
    if (!b) return fail(b.error());
    shapes[b->first] = b->second;
  }
  auto t0 = clock::now();
  std::function<Status(Graph&)> toTrainingStep;
  if (o.train) {
    toTrainingStep = [&o](Graph& g) -> Status {
      // Labels as the peer harness feeds them: float targets of the output's type (one-hot
      // below for the cross-entropies).
      TrainingOptions t{*parseLoss(o.loss), *parseOptimizer(o.optimizer), o.lr, std::nullopt};
      if (!g.outputs.empty()) t.labels = g.type(g.outputs[0].value);
      auto step = buildTrainingStep(g, t);
      if (!step) return Error(fmt::format("{}: --train: {}", o.model, step.error().message()));
      if (step->updates.empty()) return Error(fmt::format("{}: --train: the model has no float parameters to train", o.model));
      GRAPHC_TRY(optimize(*step, o.flags, {"cse", "dce"}));
      g = std::move(*step);
      return ok();
    };
  }
  auto exe = compileModel(o.model, shapes, o.backend, o.threads, o.flags, toTrainingStep);
  if (!exe) return fail(exe.error());
  double compileMs = std::chrono::duration<double, std::milli>(clock::now() - t0).count();

  const Graph& g = (*exe)->graph();
  std::vector<Tensor> inputs;
  for (ValueId v : g.inputs) {
    Tensor t(g.type(v));
    for (int64_t i = 0; i < t.numel(); ++i) t.set(i, isFloat(t.dtype()) ? double((i * 7919) % 1000) / 1000.0 - 0.5 : 0.0);
    inputs.push_back(std::move(t));
  }
  if (o.train && o.loss != "mse" && inputs.back().shape().size() == 2) {  // one-hot labels: row i is class i mod C
    Tensor& labels = inputs.back();
    int64_t classes = labels.shape()[1];
    for (int64_t i = 0; i < labels.numel(); ++i) labels.set(i, i % classes == (i / classes) % classes ? 1.0 : 0.0);
  }
  auto ctx = (*exe)->createContext();
  std::vector<Tensor> outputs = (*exe)->makeOutputs();
  for (int i = 0; i < o.warmup; ++i)
    if (auto s = (*exe)->run(*ctx, inputs, outputs); !s) return fail(s.error());
  std::vector<double> ms;
  auto start = clock::now();
  while (ms.size() < 5 || (std::chrono::duration<double>(clock::now() - start).count() < o.budget && ms.size() < 100000)) {
    auto a = clock::now();
    if (auto s = (*exe)->run(*ctx, inputs, outputs); !s) return fail(s.error());
    ms.push_back(std::chrono::duration<double, std::milli>(clock::now() - a).count());
  }
  double median = percentile(ms, 0.5), p10 = percentile(ms, 0.1), p90 = percentile(ms, 0.9);
  double gflops = graphFlops(g) / (median * 1e-3) / 1e9;
  int64_t batch = g.inputs.empty() || g.type(g.inputs[0]).shape.empty() ? 1 : g.type(g.inputs[0]).shape[0];
  std::string workload = o.workload.empty() ? std::filesystem::path(o.model).stem().string() : o.workload;
  if (o.json) {
    nlohmann::json j = {{"runtime", "graphc-0.1.0-" + o.backend}, {"workload", workload}, {"variant", o.variant},
                        {"batch", batch}, {"threads", o.threads}, {"median_ms", median}, {"p10_ms", p10},
                        {"p90_ms", p90}, {"iters", ms.size()}, {"gflops", gflops}, {"compile_ms", compileMs}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << fmt::format("{} ({}, batch {}, {} thread(s), {} runs)\n  median {:.4f} ms   p10 {:.4f} ms   p90 {:.4f} ms\n"
                             "  {:.2f} GFLOP/s   compile + load {:.1f} ms\n",
                             o.model, o.backend, batch, o.threads, ms.size(), median, p10, p90, gflops, compileMs);
  }
  return 0;
}

}  // namespace

Runner addBenchCommand(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "Time repeated runs of the compiled model");
  cmd->add_option("model", o->model, "Model file (.onnx or textual IR)")->required();
  cmd->add_option("--shape", o->shapes, "Bind an input's shape: NAME=D0xD1x... (repeatable)")->take_all();
  addBackendOptions(*cmd, o->backend, o->threads);
  cmd->add_flag("--json", o->json, "Print one JSON line in the peer harness's schema");
  cmd->add_option("--budget", o->budget, "Seconds of timing")->check(CLI::Range(0.0, 3600.0))->capture_default_str();
  cmd->add_option("--warmup", o->warmup, "Untimed runs first")->check(CLI::Range(0, 1000000))->capture_default_str();
  cmd->add_option("--workload", o->workload, "Workload name in the JSON (default: the model file's stem)");
  cmd->add_option("--variant", o->variant, "Variant name in the JSON")->capture_default_str();
  cmd->add_flag("--train", o->train, "Time one training step (forward, loss, gradients, optimizer update) with one-hot labels");
  cmd->add_option("--loss", o->loss, "With --train: softmax_cross_entropy, cross_entropy or mse")
      ->check(CLI::IsMember({"softmax_cross_entropy", "cross_entropy", "mse"}))->capture_default_str();
  cmd->add_option("--optimizer", o->optimizer, "With --train: sgd, momentum or adam")
      ->check(CLI::IsMember({"sgd", "momentum", "adam"}))->capture_default_str();
  cmd->add_option("--lr", o->lr, "With --train: learning rate")->check(CLI::PositiveNumber)->capture_default_str();
  o->flags.addTo(*cmd);
  return [o] { return bench(*o); };
}

}  // namespace graphc::tool
