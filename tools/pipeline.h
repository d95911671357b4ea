// The compile path every command shares: default pass pipeline, then a backend.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "runtime/executable.h"

namespace graphc::tool {

struct PipelineFlags {
  bool timePasses = false;
  bool printAfterAll = false;
  bool debugRewrites = false;
  void addTo(CLI::App& cmd);
};

// The backend used when --backend is not given: dnnl when it is built in, else ref.
std::string defaultBackend();
// Adds --backend (checked against the registry) and --threads.
void addBackendOptions(CLI::App& cmd, std::string& backend, int& threads);

// Runs the default pipeline, or the named passes, on g (messages about passes go to stderr).
Status optimize(Graph& g, const PipelineFlags& flags);
Status optimize(Graph& g, const PipelineFlags& flags, const std::vector<std::string>& passes);
Result<std::unique_ptr<Executable>> prepareBackend(const Graph& g, const std::string& backend, int threads);

// Load, optimize and prepare, timed; with --time-passes the phases are printed to stderr.
// `transform`, when given, rewrites the optimized graph before it is prepared (bench --train
// turns it into a training step there).
Result<std::unique_ptr<Executable>> compileModel(const std::string& path, const std::map<std::string, Shape>& shapes,
                                                 const std::string& backend, int threads, const PipelineFlags& flags,
                                                 const std::function<Status(Graph&)>& transform = {});

}  // namespace graphc::tool
