// The compile path every front end shares: load, the default pass pipeline, then a backend.
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "driver/model.h"
#include "passes/pass.h"
#include "runtime/executable.h"

namespace graphc::driver {

// How the passes run and what they report (pass timings, IR dumps, rewrite logs, notes).
struct PassOptions {
  bool timePasses = false;
  bool printAfterAll = false;
  bool debugRewrites = false;
  std::ostream* log = nullptr;  // where those reports go; nullptr: std::cerr
  size_t allreduceBucketBytes = PassContext::kDefaultBucketBytes;  // allreduce_gradients' buckets
  std::ostream& out() const;
};

// The backend used when none is named: dnnl when it is built in, else ref.
std::string defaultBackend();

// Runs the default pipeline, or the named passes, on g.
Status optimize(Graph& g, const PassOptions& passes);
Status optimize(Graph& g, const PassOptions& passes, const std::vector<std::string>& names);
// Runs the passes the named backend asks for (BackendInfo::passes) on g.
Status runBackendPasses(Graph& g, const std::string& backend);
// The passes `options` ask for after the pipeline: the precision pass (--precision bf16), then
// the backend's own. Without bf16WeightCopies a trained weight is cast on every step instead of
// kept as a bf16 copy (PassContext::bf16WeightCopies).
Status runCompilePasses(Graph& g, const CompileOptions& options, bool bf16WeightCopies = true);
// Prepares g on the backend that `options` names (CompileOptions: backend, threads, ...), after
// the passes it asks for (on a copy of g).
Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions& options);
// A context to run `exe` in: the one place the driver makes one.
Result<std::unique_ptr<ExecutionContext>> newContext(const Executable& exe);

// Load, optimize and prepare, timed; with timePasses the phases are reported to the log.
// `transform`, when given, rewrites the optimized graph before it is prepared (bench --train
// turns it into a training step there).
Result<std::unique_ptr<Executable>> compileModel(const std::string& path, const std::map<std::string, Shape>& shapes,
                                                 const CompileOptions& backend, const PassOptions& passes,
                                                 const std::function<Status(Graph&)>& transform = {}, const ConstMap& consts = {});

}  // namespace graphc::driver
