// One run of a model: inputs from .npy files, compile, run, outputs to .npy files.
#include "driver/run.h"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "driver/limits.h"
#include "driver/model.h"
#include "frontend/npy/bf16_bits.h"
#include "frontend/npy/npy.h"

namespace graphc::driver {
namespace {

// described: each missing input as "'x'" or "'x' (f32[2,3])".
Error missingInputs(const std::vector<std::string>& described) {
  return Error(fmt::format("missing model input(s): {}; give each as --input NAME=FILE.npy", fmt::join(described, ", ")));
}

Error unknownInput(const std::string& name, const std::vector<std::string>& inputs) {
  return Error(fmt::format("--input {}: the model has no input '{}' (its inputs: {})", name, name, fmt::join(inputs, ", ")));
}

Result<std::vector<Tensor>> bindInputs(const Graph& g, const std::map<std::string, Tensor>& given) {
  std::vector<Tensor> bound;
  std::vector<std::string> missing;
  for (ValueId v : g.inputs) {
    auto it = given.find(g.value(v).name);
    if (it == given.end())
      missing.push_back(fmt::format("'{}' ({})", g.value(v).name, g.type(v).str()));
    else
      bound.push_back(bf16FromBits(it->second, g.type(v)));
  }
  for (const auto& [name, t] : given) {
    ValueId v = g.findValue(name);
    if (v == UINT32_MAX || g.value(v).kind != ValueKind::Input) {
      std::vector<std::string> names;
      for (ValueId in : g.inputs) names.push_back(g.value(in).name);
      return unknownInput(name, names);
    }
    if (g.type(v) != t.type() && !holdsBf16Bits(t, g.type(v)))
      return Error(ErrorCode::Shape, fmt::format("--input {}: the model expects {}, the file holds {}", name, g.type(v).str(),
                                                 t.type().str()));
  }
  // After the unknown names: a misspelt input is reported as itself, not as the one it missed.
  if (!missing.empty()) return missingInputs(missing);
  return bound;
}

}  // namespace

Result<std::map<std::string, Tensor>> readInputFiles(const std::vector<std::string>& bindings, size_t maxMemory) {
  std::map<std::string, Tensor> given;
  for (const std::string& spec : bindings) {
    GRAPHC_ASSIGN(auto np, parseNamedPath(spec, "--input"));
    auto [name, path] = np;
    if (given.count(name)) return Error(fmt::format("--input {} is given twice", name));
    GRAPHC_TRY(checkFileSize(path, effectiveMaxMemory(maxMemory)));
    GRAPHC_ASSIGN(given[name], readNpy(path));
  }
  return given;
}

Result<RunOutputs> runOnce(const RunRequest& request) {
  ShapeMap shapes;
  for (const auto& [name, t] : request.inputs) shapes[name] = t.shape();
  auto exe = compileModel(request.model, shapes, request.backend, request.passes, {}, request.consts);
  if (!exe) {
    // A symbolic dimension of an input not given fails the compile; the missing input is the
    // cause to report (run has no --shape), as bindInputs does for fixed shapes.
    if (auto names = modelInputNames(request.model)) {
      for (const auto& [name, t] : request.inputs)
        if (std::find(names->begin(), names->end(), name) == names->end())
          return unknownInput(name, *names);
      for (const auto& [name, t] : request.consts)
        if (std::find(names->begin(), names->end(), name) == names->end())
          return Error(fmt::format("--const {}: the model has no input of that name; its inputs are {}", name, fmt::join(*names, ", ")));
      std::vector<std::string> missing;
      for (const std::string& name : *names)
        if (!request.inputs.count(name) && !request.consts.count(name)) missing.push_back(fmt::format("'{}'", name));
      if (!missing.empty()) return missingInputs(missing);
    }
    return exe.takeError();
  }
  const Executable& program = **exe;
  GRAPHC_ASSIGN(std::vector<Tensor> bound, bindInputs(program.graph(), request.inputs));
  GRAPHC_ASSIGN(auto ctx, newContext(program));
  RunOutputs out{{}, program.makeOutputs()};
  GRAPHC_TRY(program.run(*ctx, bound, out.values));
  for (const Output& o : program.graph().outputs) out.names.push_back(o.name);
  return out;
}

Status writeOutputs(const RunOutputs& outputs, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir))
    return Error(ErrorCode::IO, fmt::format("--output-dir {}: cannot create the directory", dir));
  for (size_t i = 0; i < outputs.values.size(); ++i) {
    std::string path = (std::filesystem::path(dir) / (sanitizeFileName(outputs.names[i]) + ".npy")).string();
    GRAPHC_TRY(writeNpy(path, outputs.values[i]));
  }
  return ok();
}

}  // namespace graphc::driver
