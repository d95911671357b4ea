// graphc compile: run the pipeline and write what --emit names (IR text or Graphviz).
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "frontend/text/printer.h"
#include "ir/dot.h"
#include "ir/npy.h"
#include "passes/memory_plan.h"
#include "tools/commands.h"
#include "tools/model.h"
#include "tools/pipeline.h"
#include "tools/train_step.h"

namespace graphc::tool {
namespace {

struct CompileCmdOptions {
  std::string model;
  std::vector<std::string> shapes;
  std::string emit = "ir";
  std::string out;
  std::string backend;
  int threads = 0;
  std::string report;
  std::string reportSvg;
  PipelineFlags flags;
  TrainStepFlags train;  // --train: compile one training step of the model
};

// --report memory: the arena plan the backend runs with (or, for a backend that allocates per
// value, the plan of the graph's intermediate values), as text on stderr plus an SVG timeline.
Status reportMemory(const Executable& exe, const CompileCmdOptions& o) {
  Executable::ArenaPlan fromGraph;
  const Executable::ArenaPlan* arena = exe.arenaPlan();
  std::string source = fmt::format("backend '{}'", o.backend);
  if (!arena) {
    GraphBuffers buffers = graphBuffers(exe.graph());
    fromGraph.plan = planMemory(buffers.requests);
    GRAPHC_TRY(validatePlan(buffers.requests, fromGraph.plan));
    fromGraph.requests = std::move(buffers.requests);
    arena = &fromGraph;
    source = fmt::format("the graph's intermediate values (backend '{}' allocates per value)", o.backend);
  }
  std::string svgPath = !o.reportSvg.empty() ? o.reportSvg
                        : !o.out.empty() && o.out != "-" ? o.out + ".memory.svg"
                                                          : std::filesystem::path(o.model).stem().string() + ".memory.svg";
  GRAPHC_TRY(writeFileAtomic(svgPath, memoryPlanSvg(arena->requests, arena->plan)));
  std::cerr << fmt::format("// ----- memory plan of {} -----\n{}\n", source, memoryReport(arena->plan));
  if (arena->updates)
    std::cerr << fmt::format("training state: {} bytes outside the arena; {} of {} updates in place\n", arena->stateBytes,
                             arena->updatesInPlace, arena->updates);
  std::cerr << fmt::format("timeline: {}\n", svgPath);
  return ok();
}

// Parameters too big to read inline go to OUT.params/NAME.npy beside the IR file.
Status externalizeParams(Graph& g, const std::string& out) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(out).string() + ".params";
  for (ValueId v : g.constants) {
    Value& val = g.value(v);
    if (val.data.numel() <= 64 || !val.file.empty()) continue;
    std::error_code ec;
    fs::create_directories(dir, ec);
    std::string file = sanitizeFileName(val.name) + ".npy";
    GRAPHC_TRY(writeNpy((dir / file).string(), val.data));
    val.file = (dir.filename() / file).string();
  }
  return ok();
}

int compileCmd(CompileCmdOptions& o) {
  ShapeMap shapes;
  for (const std::string& spec : o.shapes) {
    auto b = parseShapeBinding(spec);
    if (!b) return fail(b.error());
    shapes[b->first] = b->second;
  }
  auto exe = compileModel(o.model, shapes, o.backend, o.threads, o.flags, o.train.transform(o.model, o.flags));
  if (!exe) return fail(exe.error());
  Graph compiled = (*exe)->graph().clone();
  if (o.report == "memory")
    if (auto s = reportMemory(**exe, o); !s) return fail(s.error());

  std::string text;
  if (o.emit == "ir") {
    if (!o.out.empty())
      if (auto s = externalizeParams(compiled, o.out); !s) return fail(s.error());
    text = printGraph(compiled);
  } else if (o.emit == "dot") {
    text = graphToDot(compiled);
  } else {
    return fail(Error(fmt::format("--emit {}: object files need the llvm backend, which is not built yet", o.emit)));
  }
  if (o.out.empty() || o.out == "-") {
    std::cout << text;
    return 0;
  }
  if (auto s = writeFileAtomic(o.out, text); !s) return fail(s.error());
  return 0;
}

}  // namespace

Runner addCompileCommand(CLI::App& app) {
  auto o = std::make_shared<CompileCmdOptions>();
  CLI::App* cmd = app.add_subcommand("compile", "Run the compile pipeline and write IR, Graphviz or an object file");
  cmd->add_option("model", o->model, "Model file (.onnx or textual IR)")->required();
  cmd->add_option("--shape", o->shapes, "Bind an input's shape: NAME=D0xD1x... (repeatable)")->take_all();
  cmd->add_option("--emit", o->emit, "What to write")->check(CLI::IsMember({"ir", "dot", "obj"}))->capture_default_str();
  cmd->add_option("-o,--output", o->out, "Output file (default: stdout)");
  cmd->add_option("--report", o->report, "Print a report on stderr: 'memory' gives the arena plan and an SVG timeline")
      ->check(CLI::IsMember({"memory"}));
  cmd->add_option("--report-svg", o->reportSvg, "Where --report memory writes its SVG (default: OUT.memory.svg)");
  addBackendOptions(*cmd, o->backend, o->threads);
  o->train.addTo(*cmd);
  o->flags.addTo(*cmd);
  return [o] { return compileCmd(*o); };
}

}  // namespace graphc::tool
