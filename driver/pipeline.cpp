// The shared compile path: load, optimize, prepare.
#include "driver/pipeline.h"

#include <chrono>
#include <fmt/format.h>
#include <iostream>
#include <optional>

#include "driver/limits.h"
#include "driver/model.h"
#include "driver/precision.h"
#include "frontend/text/printer.h"
#include "passes/pass.h"

namespace graphc::driver {

std::ostream& PassOptions::out() const { return log ? *log : std::cerr; }

std::string defaultBackend() { return findBackend("dnnl") ? "dnnl" : "ref"; }

Status optimize(Graph& g, const PassOptions& passes) { return optimize(g, passes, defaultPipeline()); }

Status optimize(Graph& g, const PassOptions& passes, const std::vector<std::string>& names) {
  PipelineOptions options;
  options.timePasses = passes.timePasses;
  options.printAfterAll = passes.printAfterAll;
  options.debugRewrites = passes.debugRewrites;
  options.allreduceBucketBytes = passes.allreduceBucketBytes;
  options.out = &passes.out();
  options.print = [](const Graph& graph) { return printGraph(graph); };
  return runPipeline(g, names, options);
}

Status runBackendPasses(Graph& g, const std::string& backend) {
  const BackendInfo* b = findBackend(backend);
  if (!b) return Error(fmt::format("unknown backend '{}'", backend));
  if (b->passes.empty()) return ok();
  return runPipeline(g, std::vector<std::string>(b->passes.begin(), b->passes.end()));
}

Status runCompilePasses(Graph& g, const CompileOptions& options, bool bf16WeightCopies) {
  GRAPHC_TRY(checkPrecision(options));
  // Before the backend's passes: llvm's expansion of dense_grad then sees bf16 operands.
  if (options.precision != Precision::f32) {
    // The products the backend has no bf16 kernel for stay f32, and under bf16Native so do
    // those it would only emulate (llvm's convolutions).
    PipelineOptions precision;
    precision.bf16WeightCopies = bf16WeightCopies;
    const BackendInfo* b = findBackend(options.backend);
    if (b && options.precision == Precision::bf16Native) precision.bf16Supported = b->multipliesBf16Natively;
    else if (b) precision.bf16Supported = [b](OpKind op) { return b->isOpSupported(op, DType::bf16); };
    GRAPHC_TRY(runPipeline(g, {"precision_bf16", "dce"}, precision));
  }
  return runBackendPasses(g, options.backend);
}

Result<std::unique_ptr<Executable>> prepare(const Graph& source, const CompileOptions& options) {
  const BackendInfo* b = findBackend(options.backend);
  if (!b) return Error(fmt::format("unknown backend '{}'", options.backend));
  size_t limit = effectiveMaxMemory(options.maxMemory);
  GRAPHC_TRY(checkMemoryNeed(source, limit, fmt::format("graph '{}'", source.name)));
  std::optional<Graph> transformed;
  if (!b->passes.empty() || options.precision != Precision::f32) {
    transformed = source.clone();
    GRAPHC_TRY(runCompilePasses(*transformed, options));
  }
  const Graph& g = transformed ? *transformed : source;
  GRAPHC_ASSIGN(std::unique_ptr<Executable> exe, b->prepare(g, options));
  // What each context will allocate, as the backend planned it.
  Executable::BlockSizes blocks = exe->blockSizes();
  size_t context = blocks.arena + blocks.state + blocks.scratch;
  if (context > limit)
    return Error(ErrorCode::OutOfMemory, fmt::format("graph '{}': backend {} plans {} per context, over the memory limit of {} "
                                                     "(--max-memory)", g.name, options.backend, describeBytes(context),
                                                     describeBytes(limit)));
  return exe;
}

Result<std::unique_ptr<ExecutionContext>> newContext(const Executable& exe) { return exe.createContext(); }

Result<std::unique_ptr<Executable>> compileModel(const std::string& path, const std::map<std::string, Shape>& shapes,
                                                 const CompileOptions& backend, const PassOptions& passes,
                                                 const std::function<Status(Graph&)>& transform, const ConstMap& consts) {
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  auto t0 = clock::now();
  GRAPHC_ASSIGN(Graph g, loadModel(path, shapes, {}, consts));
  auto t1 = clock::now();
  GRAPHC_TRY(optimize(g, passes));
  if (transform) GRAPHC_TRY(transform(g));
  auto t2 = clock::now();
  GRAPHC_ASSIGN(std::unique_ptr<Executable> exe, prepare(g, backend));
  auto t3 = clock::now();
  if (passes.timePasses)
    passes.out() << fmt::format("// ----- compile timing (wall) -----\n//   {:9.3f} ms  load\n//   {:9.3f} ms  optimize\n"
                                "//   {:9.3f} ms  prepare ({})\n//   {:9.3f} ms  total\n",
                                ms(t0, t1), ms(t1, t2), ms(t2, t3), backend.backend, ms(t0, t3));
  return exe;
}

}  // namespace graphc::driver
