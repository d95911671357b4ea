// graphc bench: times repeated runs of a compiled model; prints median/p10/p90 and GFLOP/s, or
// JSON lines in the peer harness's schema (../shared/peers/README.md).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

#include "ir/flops.h"
#include "tools/commands.h"
#include "tools/model.h"
#include "tools/pipeline.h"
#include "tools/train_step.h"

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
  TrainStepFlags train;  // --train: time one training step instead of inference
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
  auto exe = compileModel(o.model, shapes, o.backend, o.threads, o.flags, o.train.transform(o.model, o.flags));
  if (!exe) return fail(exe.error());
  double compileMs = std::chrono::duration<double, std::milli>(clock::now() - t0).count();

  const Graph& g = (*exe)->graph();
  std::vector<Tensor> inputs;
  for (ValueId v : g.inputs) {
    Tensor t(g.type(v));
    for (int64_t i = 0; i < t.numel(); ++i) t.set(i, isFloat(t.dtype()) ? double((i * 7919) % 1000) / 1000.0 - 0.5 : 0.0);
    inputs.push_back(std::move(t));
  }
  if (o.train.train && o.train.loss != "mse" && inputs.back().shape().size() == 2) {  // one-hot labels: row i is class i mod C
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
                        {"batch", batch}, {"threads", (*exe)->threads()}, {"median_ms", median}, {"p10_ms", p10},
                        {"p90_ms", p90}, {"iters", ms.size()}, {"gflops", gflops}, {"compile_ms", compileMs}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << fmt::format("{} ({}, batch {}, {} thread(s), {} runs)\n  median {:.4f} ms   p10 {:.4f} ms   p90 {:.4f} ms\n"
                             "  {:.2f} GFLOP/s   compile + load {:.1f} ms\n",
                             o.model, o.backend, batch, (*exe)->threads(), ms.size(), median, p10, p90, gflops, compileMs);
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
  o->train.addTo(*cmd);
  o->flags.addTo(*cmd);
  return [o] { return bench(*o); };
}

}  // namespace graphc::tool
