// Fuzz target, differential: a small graph through the default pipeline, then run on the
// interpreter (the ground truth), on dnnl and on llvm. Findings: a crash, an internal error, a
// backend that fails a run the interpreter completes, or an output that differs.
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "driver/pipeline.h"
#include "tools/fuzz/small_graph.h"

using namespace graphc;

// llvm compiles about 8 ms per node: tiny graphs keep the target near 20 runs a second.
static constexpr fuzz::SizeCaps kCaps{.maxNodes = 8, .maxElements = 1024};
// Backends sum in other orders and use other formulas (exp, tanh, erf approximations).
static constexpr double kTolerance = 1e-3;

[[noreturn]] static void finding(const std::string& what, std::string_view text) {
  std::fprintf(stderr, "fuzz_differential: %s\n--- graph ---\n%.*s\n", what.c_str(), int(text.size()), text.data());
  std::abort();
}

// The outputs of g on `backend`; nothing when the backend does not support the graph (or the
// interpreter refuses the inputs). Any other failure is a finding.
static std::optional<std::vector<Tensor>> runOn(const std::string& backend, const Graph& g, std::span<const Tensor> inputs,
                                                std::string_view text) {
  Result<std::unique_ptr<Executable>> exe = driver::prepare(g, CompileOptions{.backend = backend, .threads = 1});
  if (!exe && exe.error().code == ErrorCode::Unsupported) return std::nullopt;
  if (!exe) finding(fmt::format("{} cannot prepare a graph that passed the pipeline: {}", backend, exe.error().render()), text);
  Result<std::unique_ptr<ExecutionContext>> ctx = driver::newContext(**exe);
  if (!ctx) finding(fmt::format("{}: no context: {}", backend, ctx.error().render()), text);
  std::vector<Tensor> outputs = (*exe)->makeOutputs();
  Status ran = (*exe)->run(**ctx, inputs, outputs);
  if (!ran && backend == "ref" && ran.error().code != ErrorCode::Internal) return std::nullopt;
  if (!ran) finding(fmt::format("{} fails a run: {}", backend, ran.error().render()), text);
  return outputs;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::GraphCase input = fuzz::splitCase(data, size);
  std::optional<Graph> g = fuzz::parseSmallGraph(input.text, kCaps);
  if (!g) return 0;
  Status passes = driver::optimize(*g, driver::PassOptions{});
  if (!passes && passes.error().code == ErrorCode::Internal) finding("a pass broke the graph: " + passes.error().render(), input.text);
  if (!passes || !fuzz::withinCaps(*g, kCaps)) return 0;
  // Finite inputs: backends may order NaN and Inf through min/max/relu differently, legitimately.
  std::vector<Tensor> inputs = fuzz::makeInputs(*g, input.fill, false);
  std::optional<std::vector<Tensor>> want = runOn("ref", *g, inputs, input.text);
  if (!want) return 0;
  for (const char* backend : {"dnnl", "llvm"}) {
    std::optional<std::vector<Tensor>> got = runOn(backend, *g, inputs, input.text);
    if (!got) continue;
    for (size_t o = 0; o < want->size(); ++o)
      if (std::optional<std::string> d = fuzz::differs((*got)[o], (*want)[o], kTolerance))
        finding(fmt::format("{} differs from the interpreter on output {}: {}", backend, g->outputs[o].name, *d), input.text);
  }
  return 0;
}
