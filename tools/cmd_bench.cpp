// graphc bench: times repeated runs of a compiled model; prints median/p10/p90 and GFLOP/s, or
// JSON lines in the peer harness's schema (../shared/peers/README.md).
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>

#include "driver/bench.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace graphc::tool {
namespace {

struct BenchCmdOptions {
  std::string model;
  std::vector<std::string> shapes;
  CompileOptions backend;
  bool json = false;
  bool cold = false;
  double budget = 1.0;  // seconds of timing
  int warmup = 3;
  std::string workload, variant = "default";
  TrainStepFlags train;  // --train: time one training step instead of inference
  driver::PassOptions passes;
};

int bench(const BenchCmdOptions& o) {
  auto shapes = driver::parseShapeBindings(o.shapes);
  if (!shapes) return fail(shapes.error());
  auto r = driver::bench({o.model, *shapes, o.backend, o.passes, o.train.options(), o.budget, o.warmup, o.cold});
  if (!r) return fail(r.error());
  std::string workload = o.workload.empty() ? std::filesystem::path(o.model).stem().string() : o.workload;
  // The cold variant is its own row: "-cold" after the variant's name.
  std::string variant = o.cold ? o.variant + "-cold" : o.variant;
  // A bf16 run is a runtime of its own in the peers' table, as torch-bf16 is.
  bool bf16 = o.backend.precision != Precision::f32;
  std::string runtime = "graphc-0.1.0-" + o.backend.backend + (bf16 ? "-bf16" : "");
  if (o.json) {
    nlohmann::json j = {{"runtime", runtime}, {"workload", workload}, {"variant", variant},
                        {"batch", r->batch}, {"threads", r->threads}, {"median_ms", r->median}, {"p10_ms", r->p10},
                        {"p90_ms", r->p90}, {"iters", r->ms.size()}, {"gflops", r->gflops}, {"compile_ms", r->compileMs},
                        {"max_abs_err", r->maxAbsErr}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << fmt::format("{} ({}, batch {}, {} thread(s), {} runs{})\n  median {:.4f} ms   p10 {:.4f} ms   p90 {:.4f} ms\n"
                             "  {:.2f} GFLOP/s   compile + load {:.1f} ms   max |err| vs interpreter {:.3g}\n",
                             o.model, o.backend.backend + (bf16 ? ", bf16" : ""), r->batch, r->threads, r->ms.size(), o.cold ? ", caches evicted" : "",
                             r->median, r->p10, r->p90, r->gflops, r->compileMs, r->maxAbsErr);
  }
  return 0;
}

}  // namespace

Runner addBenchCommand(CLI::App& app) {
  auto o = std::make_shared<BenchCmdOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "Time repeated runs of the compiled model");
  cmd->add_option("model", o->model, "Model file (.onnx or textual IR)")->required();
  cmd->add_option("--shape", o->shapes, "Bind an input's shape: NAME=D0xD1x... (repeatable)")->take_all();
  addBackendOptions(*cmd, o->backend);
  cmd->add_flag("--json", o->json, "Print one JSON line in the peer harness's schema");
  cmd->add_option("--budget", o->budget, "Seconds of timing")->check(CLI::Range(0.0, 3600.0))->capture_default_str();
  cmd->add_option("--warmup", o->warmup, "Untimed runs first")->check(CLI::Range(0, 1000000))->capture_default_str();
  cmd->add_option("--workload", o->workload, "Workload name in the JSON (default: the model file's stem)");
  cmd->add_option("--variant", o->variant, "Variant name in the JSON")->capture_default_str();
  cmd->add_flag("--cold", o->cold,
                "Evict the caches before each timed run (reads a buffer larger than L2, untimed); the variant gets '-cold'");
  o->train.addTo(*cmd);
  addPassOptions(*cmd, o->passes);
  return [o] { return bench(*o); };
}

}  // namespace graphc::tool
