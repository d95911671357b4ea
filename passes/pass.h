// Passes: the registry generated from passes.def, and the pipeline runner that verifies,
// prints and times after each pass.
#pragma once

#include <functional>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace graphc {

// What a pass sees besides the graph. A pass leaves the graph finalized (it marks nodes dead,
// appends new ones, then calls Graph::finalize()).
struct PassContext {
  bool debugRewrites = false;   // the rewrite driver logs each rule that fires
  std::ostream* log = nullptr;  // where such debug lines go; nullptr: nowhere
  std::string_view passName;    // the pass being run, for messages
  // allreduce_gradients: a bucket closes once its gradients reach this many bytes.
  size_t allreduceBucketBytes = kDefaultBucketBytes;
  static constexpr size_t kDefaultBucketBytes = size_t{25} << 20;  // Horovod's and PyTorch DDP's 25 MB
  // precision_bf16: whether the target backend multiplies this op's bf16 form; the ops it does
  // not stay f32. Unset: every op of the policy.
  std::function<bool(OpKind)> bf16Supported;
  // precision_bf16: a trained weight's products read a bf16 copy kept in the state and
  // refreshed by the update; false: a cast of the weight on every step (for a caller that sets
  // the weights in the state block itself, as a bundle's does, and would leave a copy stale).
  bool bf16WeightCopies = true;
};

using PassFn = Status (*)(Graph&, PassContext&);

struct PassInfo {
  std::string_view name, summary;
  PassFn run;
};

// Every registered pass, in passes.def order.
std::span<const PassInfo> allPasses();
const PassInfo* findPass(std::string_view name);  // nullptr when unknown

// The passes, one per file; declared here so that the registry can name them.
#define PASS(name, summary, runFn) Status runFn(Graph&, PassContext&);
#include "passes/passes.def"
#undef PASS

struct PipelineOptions {
  bool verifyEach = true;      // verify before the first pass and after every pass
  bool printAfterAll = false;  // print "// -----// IR after X //----- //" and the IR
  bool timePasses = false;     // print a table of wall time per pass at the end
  bool debugRewrites = false;  // log "rewrite: <pattern> fired on %name" lines
  std::ostream* out = nullptr;  // where printing and timing go (std::cerr when null)
  std::ostream* log = nullptr;  // where rewrite logs go (falls back to out, then std::cerr)
  // The textual printer lives in frontend/text, above this layer, so it is passed in.
  std::function<std::string(const Graph&)> print;
  // Passes visible to this run only, looked up before the registry (tests, experiments).
  std::span<const PassInfo> extraPasses;
  size_t allreduceBucketBytes = PassContext::kDefaultBucketBytes;  // see PassContext
  std::function<bool(OpKind)> bf16Supported;                        // see PassContext
  bool bf16WeightCopies = true;                                     // see PassContext
};

// Runs the named passes in order. Unknown names fail before anything runs, listing the valid
// ones. After each pass (with verifyEach) the verifier runs and the inputs and output types
// must be unchanged; a failure is reported as "after pass X: ...".
Status runPipeline(Graph& g, const std::vector<std::string>& passNames, const PipelineOptions& options = {});

// "a,b,,c" -> {"a", "b", "c"}: the form --passes= takes.
std::vector<std::string> parsePassList(std::string_view commaSeparated);

// The pipeline `graphc compile` runs; see pipeline.cpp for why each pass is where it is.
std::vector<std::string> defaultPipeline();

}  // namespace graphc
