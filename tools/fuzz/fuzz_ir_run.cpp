// Fuzz target: parse textual IR, run it on the interpreter, run the default pipeline, run the
// optimized graph on the interpreter again. Findings: a crash, an internal error, or a pass that
// changes what the graph computes (the interpreter before the pipeline against after it).
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "driver/pipeline.h"
#include "tools/fuzz/small_graph.h"

using namespace graphc;

// Small graphs run in well under a millisecond on the interpreter.
static constexpr fuzz::SizeCaps kCaps{.maxNodes = 64, .maxElements = 4096};

[[noreturn]] static void finding(const char* what, const std::string& detail, std::string_view text) {
  std::fprintf(stderr, "fuzz_ir_run: %s: %s\n--- graph ---\n%.*s\n", what, detail.c_str(), int(text.size()), text.data());
  std::abort();
}

// Runs g on the interpreter: its outputs, or the error (an internal one is a finding).
static Result<std::vector<Tensor>> interpret(const Graph& g, std::span<const Tensor> inputs, std::string_view text) {
  Result<std::unique_ptr<Executable>> exe = driver::prepare(g, CompileOptions{.backend = "ref", .threads = 1});
  if (!exe) return exe.takeError();
  GRAPHC_ASSIGN(std::unique_ptr<ExecutionContext> ctx, driver::newContext(**exe));
  std::vector<Tensor> outputs = (*exe)->makeOutputs();
  Status ran = (*exe)->run(*ctx, inputs, outputs);
  if (!ran && ran.error().code == ErrorCode::Internal) finding("internal error in a run", ran.error().render(), text);
  if (!ran) return ran.takeError();
  return outputs;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::GraphCase input = fuzz::splitCase(data, size);
  std::optional<Graph> g = fuzz::parseSmallGraph(input.text, kCaps);
  if (!g) return 0;
  std::vector<Tensor> inputs = fuzz::makeInputs(*g, input.fill, true);
  Result<std::vector<Tensor>> before = interpret(*g, inputs, input.text);

  Graph optimized = g->clone();
  Status passes = driver::optimize(optimized, driver::PassOptions{});
  if (!passes && passes.error().code == ErrorCode::Internal) finding("a pass broke the graph", passes.error().render(), input.text);
  if (!passes || !fuzz::withinCaps(optimized, kCaps)) return 0;
  Result<std::vector<Tensor>> after = interpret(optimized, inputs, input.text);
  // The pipeline may remove a failing computation that no output needs, never add one.
  if (before && !after) finding("the optimized graph fails where the original runs", after.error().render(), input.text);
  if (!before || !after) return 0;
  for (size_t o = 0; o < before->size(); ++o)
    if (std::optional<std::string> d = fuzz::differs((*after)[o], (*before)[o], 1e-4, true))
      finding("the pipeline changed an output", fmt::format("output {}: {}", optimized.outputs[o].name, *d), input.text);
  return 0;
}
