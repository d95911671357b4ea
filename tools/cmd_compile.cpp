// graphc compile: run the pipeline and write what --emit names (IR text, Graphviz, an
// ahead-of-time bundle: an object file and its C header, or that bundle's code as LLVM IR or
// assembly).
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "backend/bundle.h"
#include "driver/emit.h"
#include "driver/model.h"
#include "frontend/npy/npy.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace graphc::tool {
namespace {

struct CompileCmdOptions {
  std::string model;
  std::vector<std::string> shapes, consts;
  std::string emit = "ir";
  std::string out;
  std::string bundleName;  // --emit bundle: NAME of DIR/NAME.o (default: the model file's stem)
  CompileOptions backend;
  std::string report;
  std::string reportSvg;
  driver::PassOptions passes;
  TrainStepFlags train;  // --train: compile one training step of the model
};

bool isCIdentifier(const std::string& s) {
  auto alpha = [](char c) { return std::isalpha((unsigned char)c) || c == '_'; };
  return !s.empty() && alpha(s[0]) && std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || std::isdigit((unsigned char)c); });
}

// --report-svg, else beside the output file, else beside the model's name in the current folder.
std::string memorySvgPath(const CompileCmdOptions& o) {
  if (!o.reportSvg.empty()) return o.reportSvg;
  if (!o.out.empty() && o.out != "-") return o.out + ".memory.svg";
  return std::filesystem::path(o.model).stem().string() + ".memory.svg";
}

// Writes DIR/NAME.o and DIR/NAME.h, both or neither: each goes to a temporary file first, and
// only when both are written are they renamed into place. A DIR that does not exist is made,
// and removed again when the files cannot be written.
Status writeBundle(const std::string& dirName, const BundleFiles& files) {
  namespace fs = std::filesystem;
  fs::path dir(dirName);
  std::error_code ec;
  bool madeDir = !fs::exists(dir, ec) && fs::create_directories(dir, ec);
  if (ec) return Error(ErrorCode::IO, fmt::format("{}: cannot create the folder: {}", dirName, ec.message()));
  if (!fs::is_directory(dir, ec)) return Error(ErrorCode::IO, fmt::format("{}: not a folder (--emit bundle -o names the folder NAME.o and NAME.h go to)", dirName));
  std::string tag = fmt::format(".{}.tmp", ::getpid());
  const std::pair<fs::path, const std::string*> outputs[] = {{dir / (files.name + ".o"), &files.object},
                                                              {dir / (files.name + ".h"), &files.header}};
  std::vector<fs::path> written;
  auto undo = [&](Error e) {
    for (const fs::path& p : written) fs::remove(p, ec);
    if (madeDir) fs::remove(dir, ec);
    return e;
  };
  for (const auto& [path, bytes] : outputs) {
    fs::path temp = dir / ("." + path.filename().string() + tag);
    if (Status s = writeFileAtomic(temp.string(), *bytes); !s) return undo(s.error());
    written.push_back(temp);
  }
  for (size_t i = 0; i < written.size(); ++i)
    if (std::rename(written[i].c_str(), outputs[i].first.c_str()) != 0)
      return undo(Error(ErrorCode::IO, fmt::format("{}: cannot replace the file", outputs[i].first.string())));
  return ok();
}

// --emit bundle|llvm|asm: the optimized graph (a training step with --train) compiled ahead of
// time; no executable is prepared in this process.
int compileAhead(const CompileCmdOptions& o, const driver::ShapeMap& shapes, const driver::ConstMap& consts) {
  bool bundle = o.emit == "bundle";
  if (bundle && (o.out.empty() || o.out == "-"))
    return fail(Error(ErrorCode::InvalidArgument, "--emit bundle needs -o DIR: the folder that NAME.o and NAME.h go to"));
  // A name the user chose is never rewritten behind their back; only the file stem is.
  if (!o.bundleName.empty() && !isCIdentifier(o.bundleName))
    return fail(Error(ErrorCode::InvalidArgument,
                      fmt::format("--bundle-name '{}': not a C identifier (letters, digits and '_', not starting with a digit)",
                                  o.bundleName)));
  auto g = driver::loadModel(o.model, shapes, {}, consts);
  if (!g) return fail(g.error());
  if (auto s = driver::optimize(*g, o.passes); !s) return fail(s.error());
  if (auto transform = o.train.options().transform(o.model, o.passes))
    if (auto s = transform(*g); !s) return fail(s.error());
  std::string name = o.bundleName.empty() ? std::filesystem::path(o.model).stem().string() : o.bundleName;
  BundleForm form = bundle ? BundleForm::Object : o.emit == "llvm" ? BundleForm::LlvmIR : BundleForm::Assembly;
  // A bundle's caller sets weights in the state block itself (NAME_PARAM_i_OFFSET), which would
  // leave a bf16 copy of them stale: its step casts the weights instead.
  if (auto s = driver::runCompilePasses(*g, o.backend, /*bf16WeightCopies=*/false); !s) return fail(s.error());
  auto files = graphc::emitBundle(*g, o.backend, name, form);  // the registry's, not llvmjit's (ADL)
  if (!files) return fail(files.error());
  if (bundle) {
    if (auto s = writeBundle(o.out, *files); !s) return fail(s.error());
  } else if (o.out.empty() || o.out == "-") {
    std::cout << files->text;
  } else if (auto s = writeFileAtomic(o.out, files->text); !s) {
    return fail(s.error());
  }
  return 0;
}

int compileCmd(const CompileCmdOptions& o) {
  auto shapes = driver::parseShapeBindings(o.shapes);
  if (!shapes) return fail(shapes.error());
  auto consts = driver::readConstFiles(o.consts);
  if (!consts) return fail(consts.error());
  if (o.emit == "bundle" || o.emit == "llvm" || o.emit == "asm") return compileAhead(o, *shapes, *consts);
  if (!o.backend.targetCpu.empty() || !o.backend.targetTriple.empty())
    return fail(Error(ErrorCode::InvalidArgument, "--target-cpu and --target-triple choose the code of --emit bundle, llvm or asm"));
  auto exe = driver::compileModel(o.model, *shapes, o.backend, o.passes, o.train.options().transform(o.model, o.passes), *consts);
  if (!exe) return fail(exe.error());
  Graph compiled = (*exe)->graph().clone();
  if (o.report == "memory") {
    auto report = driver::reportMemory(**exe, o.backend.backend, memorySvgPath(o));
    if (!report) return fail(report.error());
    std::cerr << *report;
  }
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
  cmd->add_option("--const", o->consts, "Bind an input to a value when the model is read, as NAME=FILE.npy: a shape operand it feeds "
                                        "(a Reshape shape, Slice bounds) is then known (repeatable)")->take_all();
  cmd->add_option("--emit", o->emit,
                  "What to write: ir (textual IR), dot (Graphviz), bundle (with --backend llvm and -o DIR: DIR/NAME.o "
                  "and DIR/NAME.h, a model that links into a C program), llvm or asm (with --backend llvm: the "
                  "bundle's code as optimized LLVM IR or as the target's assembly)")
      ->check(CLI::IsMember({"ir", "dot", "bundle", "llvm", "asm"}))->capture_default_str();
  cmd->add_option("-o,--output", o->out, "Output file (default: stdout); the folder for --emit bundle");
  cmd->add_option("--bundle-name", o->bundleName, "--emit bundle: NAME of NAME.o, NAME.h and NAME_run (default: the model file's stem)");
  cmd->add_option("--target-cpu", o->backend.targetCpu, "--emit bundle, llvm or asm: the CPU to compile for, e.g. x86-64, znver3 (default: this machine's)");
  cmd->add_option("--target-triple", o->backend.targetTriple, "--emit bundle, llvm or asm: the target triple, e.g. x86_64-pc-linux-gnu (default: this machine's)");
  cmd->add_option("--report", o->report, "Print a report on stderr: 'memory' gives the arena plan and an SVG timeline")
      ->check(CLI::IsMember({"memory"}));
  cmd->add_option("--report-svg", o->reportSvg, "Where --report memory writes its SVG (default: OUT.memory.svg)");
  addBackendOptions(*cmd, o->backend);
  o->train.addTo(*cmd);
  addPassOptions(*cmd, o->passes);
  return [o] { return compileCmd(*o); };
}

}  // namespace graphc::tool
