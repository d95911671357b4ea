// graphc compile: run the pipeline and write what --emit names (IR text or Graphviz).
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "frontend/text/printer.h"
#include "ir/dot.h"
#include "ir/npy.h"
#include "tools/commands.h"
#include "tools/model.h"
#include "tools/pipeline.h"

namespace graphc::tool {
namespace {

struct CompileCmdOptions {
  std::string model;
  std::vector<std::string> shapes;
  std::string emit = "ir";
  std::string out;
  std::string backend;
  int threads = 0;
  PipelineFlags flags;
};

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

int compileModel(CompileCmdOptions& o) {
  ShapeMap shapes;
  for (const std::string& spec : o.shapes) {
    auto b = parseShapeBinding(spec);
    if (!b) return fail(b.error());
    shapes[b->first] = b->second;
  }
  auto exe = compileModel(o.model, shapes, o.backend, o.threads, o.flags);
  if (!exe) return fail(exe.error());
  Graph compiled = (*exe)->graph().clone();

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
  addBackendOptions(*cmd, o->backend, o->threads);
  o->flags.addTo(*cmd);
  return [o] { return compileModel(*o); };
}

}  // namespace graphc::tool
