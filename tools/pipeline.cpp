// The shared compile path of the CLI.
#include "tools/pipeline.h"

#include <chrono>
#include <fmt/format.h>
#include <iostream>

#include "frontend/text/printer.h"
#include "passes/pass.h"
#include "tools/model.h"

namespace graphc::tool {

void PipelineFlags::addTo(CLI::App& cmd) {
  cmd.add_flag("--time-passes", timePasses, "Print the wall time of each pass (and of backend preparation)");
  cmd.add_flag("--print-after-all", printAfterAll, "Print the IR after every pass");
  cmd.add_flag("--debug-rewrites", debugRewrites, "Log every rewrite pattern that fires");
}

std::string defaultBackend() { return findBackend("dnnl") ? "dnnl" : "ref"; }

void addBackendOptions(CLI::App& cmd, std::string& backend, int& threads) {
  std::vector<std::string> names;
  for (const BackendInfo& b : allBackends()) names.emplace_back(b.name);
  backend = defaultBackend();
  cmd.add_option("--backend", backend, "Backend to compile for")->check(CLI::IsMember(names))->capture_default_str();
  cmd.add_option("--threads", threads, "Number of threads (0: all cores)")->check(CLI::Range(0, 1024));
}

Status optimize(Graph& g, const PipelineFlags& flags) { return optimize(g, flags, defaultPipeline()); }

Status optimize(Graph& g, const PipelineFlags& flags, const std::vector<std::string>& passes) {
  PipelineOptions options;
  options.timePasses = flags.timePasses;
  options.printAfterAll = flags.printAfterAll;
  options.debugRewrites = flags.debugRewrites;
  options.out = &std::cerr;
  options.print = [](const Graph& graph) { return printGraph(graph); };
  return runPipeline(g, passes, options);
}

Result<std::unique_ptr<Executable>> prepareBackend(const Graph& g, const std::string& backend, int threads) {
  const BackendInfo* b = findBackend(backend);
  if (!b) return Error(fmt::format("unknown backend '{}'", backend));
  CompileOptions options;
  options.backend = backend;
  options.threads = threads;
  return b->prepare(g, options);
}

Result<std::unique_ptr<Executable>> compileModel(const std::string& path, const std::map<std::string, Shape>& shapes,
                                                 const std::string& backend, int threads, const PipelineFlags& flags,
                                                 const std::function<Status(Graph&)>& transform) {
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  auto t0 = clock::now();
  GRAPHC_ASSIGN(Graph g, loadModel(path, shapes));
  auto t1 = clock::now();
  GRAPHC_TRY(optimize(g, flags));
  if (transform) GRAPHC_TRY(transform(g));
  auto t2 = clock::now();
  GRAPHC_ASSIGN(std::unique_ptr<Executable> exe, prepareBackend(g, backend, threads));
  auto t3 = clock::now();
  if (flags.timePasses)
    std::cerr << fmt::format("// ----- compile timing (wall) -----\n//   {:9.3f} ms  load\n//   {:9.3f} ms  optimize\n"
                             "//   {:9.3f} ms  prepare ({})\n//   {:9.3f} ms  total\n",
                             ms(t0, t1), ms(t1, t2), ms(t2, t3), backend, ms(t0, t3));
  return exe;
}

}  // namespace graphc::tool
