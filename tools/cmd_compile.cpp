// graphc compile: run the pipeline and write what --emit names (IR text or Graphviz).
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "driver/emit.h"
#include "driver/model.h"
#include "frontend/npy/npy.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace graphc::tool {
namespace {

struct CompileCmdOptions {
  std::string model;
  std::vector<std::string> shapes;
  std::string emit = "ir";
  std::string out;
  CompileOptions backend;
  std::string report;
  std::string reportSvg;
  driver::PassOptions passes;
  TrainStepFlags train;  // --train: compile one training step of the model
};

// --report-svg, else beside the output file, else beside the model's name in the current folder.
std::string memorySvgPath(const CompileCmdOptions& o) {
  if (!o.reportSvg.empty()) return o.reportSvg;
  if (!o.out.empty() && o.out != "-") return o.out + ".memory.svg";
  return std::filesystem::path(o.model).stem().string() + ".memory.svg";
}

int compileCmd(const CompileCmdOptions& o) {
  auto shapes = driver::parseShapeBindings(o.shapes);
  if (!shapes) return fail(shapes.error());
  auto exe = driver::compileModel(o.model, *shapes, o.backend, o.passes, o.train.options().transform(o.model, o.passes));
  if (!exe) return fail(exe.error());
  Graph compiled = (*exe)->graph().clone();
  if (o.report == "memory") {
    auto report = driver::reportMemory(**exe, o.backend.backend, memorySvgPath(o));
    if (!report) return fail(report.error());
    std::cerr << *report;
  }
  if (o.emit != "ir" && o.emit != "dot")
    return fail(Error(ErrorCode::Unsupported,
                      fmt::format("--emit {}: object files need the llvm backend, which is not built yet", o.emit)));
  auto text = driver::emitText(compiled, o.emit == "ir" ? driver::EmitKind::Ir : driver::EmitKind::Dot, o.out);
  if (!text) return fail(text.error());
  if (o.out.empty() || o.out == "-") {
    std::cout << *text;
    return 0;
  }
  if (auto s = writeFileAtomic(o.out, *text); !s) return fail(s.error());
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
  addBackendOptions(*cmd, o->backend);
  o->train.addTo(*cmd);
  addPassOptions(*cmd, o->passes);
  return [o] { return compileCmd(*o); };
}

}  // namespace graphc::tool
