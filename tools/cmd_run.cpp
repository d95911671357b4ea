// graphc run: compile a model for the shapes of the given inputs, run it once, write outputs.
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <map>

#include "ir/npy.h"
#include "tools/commands.h"
#include "tools/model.h"
#include "tools/pipeline.h"

namespace graphc::tool {
namespace {

struct RunOptions {
  std::string model;
  std::vector<std::string> inputs;
  std::string outputDir = ".";
  std::string backend;
  int threads = 0;
  PipelineFlags flags;
};

// described: each missing input as "'x'" or "'x' (f32[2,3])".
Error missingInputs(const std::vector<std::string>& described) {
  return Error(fmt::format("missing model input(s): {}; give each as --input NAME=FILE.npy", fmt::join(described, ", ")));
}

Result<std::vector<Tensor>> bindInputs(const Graph& g, const std::map<std::string, Tensor>& given) {
  std::vector<Tensor> bound;
  std::vector<std::string> missing;
  for (ValueId v : g.inputs) {
    auto it = given.find(g.value(v).name);
    if (it == given.end())
      missing.push_back(fmt::format("'{}' ({})", g.value(v).name, g.type(v).str()));
    else
      bound.push_back(it->second);
  }
  if (!missing.empty()) return missingInputs(missing);
  for (const auto& [name, t] : given) {
    ValueId v = g.findValue(name);
    if (v == UINT32_MAX || g.value(v).kind != ValueKind::Input) {
      std::string names;
      for (ValueId in : g.inputs) names += (names.empty() ? "" : ", ") + g.value(in).name;
      return Error(fmt::format("--input {}: the model has no input '{}' (its inputs: {})", name, name, names));
    }
    if (g.type(v) != t.type())
      return Error(fmt::format("--input {}: the model expects {}, the file holds {}", name, g.type(v).str(), t.type().str()));
  }
  return bound;
}

int runModel(const RunOptions& o) {
  std::map<std::string, Tensor> given;
  ShapeMap shapes;
  for (const std::string& spec : o.inputs) {
    auto np = parseNamedPath(spec, "--input");
    if (!np) return fail(np.error());
    auto [name, path] = *np;
    if (given.count(name)) return fail(Error(fmt::format("--input {} is given twice", name)));
    auto t = readNpy(path);
    if (!t) return fail(t.error());
    shapes[name] = t->shape();
    given[name] = *t;
  }
  auto exe = compileModel(o.model, shapes, o.backend, o.threads, o.flags);
  if (!exe) {
    // A symbolic dimension of an input not given fails the compile; the missing --input is the
    // cause to report (run has no --shape), as bindInputs does for fixed shapes.
    if (auto names = modelInputNames(o.model)) {
      std::vector<std::string> missing;
      for (const std::string& name : *names)
        if (!given.count(name)) missing.push_back(fmt::format("'{}'", name));
      if (!missing.empty()) return fail(missingInputs(missing));
    }
    return fail(exe.error());
  }
  auto bound = bindInputs((*exe)->graph(), given);
  if (!bound) return fail(bound.error());
  auto ctx = (*exe)->createContext();
  std::vector<Tensor> outputs = (*exe)->makeOutputs();
  if (auto s = (*exe)->run(*ctx, *bound, outputs); !s) return fail(s.error());

  std::error_code ec;
  std::filesystem::create_directories(o.outputDir, ec);
  if (!std::filesystem::is_directory(o.outputDir))
    return fail(Error(fmt::format("--output-dir {}: cannot create the directory", o.outputDir)));
  const Graph& g = (*exe)->graph();
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::string path = (std::filesystem::path(o.outputDir) / (sanitizeFileName(g.outputs[i].name) + ".npy")).string();
    if (auto s = writeNpy(path, outputs[i]); !s) return fail(s.error());
  }
  return 0;
}

}  // namespace

Runner addRunCommand(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Compile a model for the given inputs, run it once, write its outputs");
  cmd->add_option("model", o->model, "Model file (.onnx or textual IR)")->required();
  cmd->add_option("--input", o->inputs, "An input as NAME=FILE.npy (repeat for each input)")->take_all();
  cmd->add_option("--output-dir", o->outputDir, "Directory for the outputs, one NAME.npy each")->capture_default_str();
  addBackendOptions(*cmd, o->backend, o->threads);
  o->flags.addTo(*cmd);
  return [o] { return runModel(*o); };
}

}  // namespace graphc::tool
