// The graph walk: static checks, binding of symbolic dimensions, topological order, then one
// importer per node from the op table. Unsupported things are collected and reported together.
#include <fmt/format.h>

#include "frontend/npy/bf16_bits.h"
#include "frontend/npy/mapped_file.h"
#include "frontend/npy/npy.h"
#include "frontend/onnx/importer.h"
#include "frontend/onnx/onnx_import.h"
#include "frontend/onnx/storage_types.h"
#include "ir/verifier.h"

namespace graphc::onnxfe {
namespace {

Error unsupportedModel(const std::string& file, const std::vector<std::string>& issues) {
  std::string msg = fmt::format("{}: unsupported ONNX model ({} problem{}):", file, issues.size(), issues.size() == 1 ? "" : "s");
  for (const std::string& i : issues) msg += "\n  " + i;
  return Error(ErrorCode::Unsupported, msg);
}

// Resolves every input's shape from the model and the caller's bindings.
Result<std::vector<TensorType>> bindInputs(const OnnxModel& m, OnnxImportOptions opt, std::vector<std::string>& issues) {
  for (const auto& [name, value] : opt.constants) {
    auto given = opt.inputShapes.find(name);
    if (given != opt.inputShapes.end() && given->second != value.shape())
      return Error(fmt::format("{}: input '{}' is given the shape {} and a constant of shape {}", m.file, name, shapeStr(given->second),
                               shapeStr(value.shape())));
    opt.inputShapes[name] = value.shape();
  }
  for (const auto& [name, shape] : opt.inputShapes) {
    bool found = false;
    for (const OnnxInput& in : m.inputs) found = found || in.name == name;
    if (!found) return Error(fmt::format("{}: a shape or constant is given for '{}', which is not an input of the model", m.file, name));
  }
  std::map<std::string, int64_t> symbols = opt.dims;  // dim_param -> size, from the bindings and the given shapes
  std::vector<std::string> problems;
  for (const OnnxInput& in : m.inputs) {
    auto given = opt.inputShapes.find(in.name);
    if (given == opt.inputShapes.end()) continue;
    const Shape& s = given->second;
    if (in.hasShape && s.size() != in.dims.size()) {
      problems.push_back(fmt::format("input '{}' has rank {} but the given shape {} has rank {}", in.name, in.dims.size(),
                                     shapeStr(s), s.size()));
      continue;
    }
    for (size_t d = 0; d < s.size() && in.hasShape; ++d) {
      const OnnxDim& dim = in.dims[d];
      if (dim.value >= 0 && dim.value != s[d])
        problems.push_back(fmt::format("input '{}' has size {} on axis {} but the given shape {} says {}", in.name, dim.value, d,
                                       shapeStr(s), s[d]));
      if (dim.value < 0 && !dim.param.empty()) {
        auto [it, inserted] = symbols.emplace(dim.param, s[d]);
        if (!inserted && it->second != s[d])
          problems.push_back(fmt::format("dimension '{}' is bound to both {} and {}", dim.param, it->second, s[d]));
      }
    }
  }
  std::vector<TensorType> types;
  for (const OnnxInput& in : m.inputs) {
    TensorType t;
    auto dtype = dtypeFromOnnx(in.elemType);
    if (!dtype) issues.push_back(fmt::format("input '{}' has element type {}", in.name, onnxTypeName(in.elemType)));
    t.dtype = dtype.value_or(DType::f32);
    auto given = opt.inputShapes.find(in.name);
    if (given != opt.inputShapes.end()) {
      t.shape = given->second;
    } else if (!in.hasShape) {
      problems.push_back(fmt::format("input '{}' has no static shape; give one (--shape {}=D0xD1...)", in.name, in.name));
    } else {
      for (size_t d = 0; d < in.dims.size(); ++d) {
        const OnnxDim& dim = in.dims[d];
        if (dim.value >= 0) {
          t.shape.push_back(dim.value);
        } else if (auto it = symbols.find(dim.param); it != symbols.end()) {
          t.shape.push_back(it->second);
        } else {
          std::string what = dim.param.empty() ? "an unknown dimension" : fmt::format("symbolic dimension '{}'", dim.param);
          problems.push_back(fmt::format("input '{}' has {} on axis {}; bind it with --shape {}=D0xD1...", in.name, what, d, in.name));
          t.shape.push_back(1);
        }
      }
    }
    // Larger shapes are typos; refusing them keeps element counts far from overflow.
    double elements = 1;
    for (int64_t d : t.shape) elements *= (double)d;
    if (elements > double(int64_t{1} << 48))
      problems.push_back(fmt::format("input '{}' as {} would have {:.3g} elements, more than 2^48", in.name, t.str(), elements));
    types.push_back(std::move(t));
  }
  if (!problems.empty()) {
    std::string msg = fmt::format("{}: cannot bind the input shapes:", m.file);
    for (const std::string& p : problems) msg += "\n  " + p;
    return Error(ErrorCode::Shape, msg);
  }
  return types;
}

Status checkInputCount(const OnnxNode& n, const OpEntry& e) {
  int count = (int)n.inputs.size();
  while (count > 0 && n.inputs[count - 1].empty()) --count;  // trailing optional inputs left out
  if (count < e.minInputs || (e.maxInputs >= 0 && count > e.maxInputs)) {
    std::string expected = e.maxInputs < 0 ? fmt::format("at least {}", e.minInputs)
                           : e.minInputs == e.maxInputs ? std::to_string(e.minInputs)
                                                        : fmt::format("{} to {}", e.minInputs, e.maxInputs);
    return Error(ErrorCode::Parse, fmt::format("takes {} input(s), got {}", expected, count));
  }
  for (int i = 0; i < e.minInputs; ++i)
    if (n.inputs[i].empty()) return Error(ErrorCode::Parse, fmt::format("required input #{} is missing", i));
  // A variadic op's inputs are never optional: its importer reads every one listed.
  if (e.maxInputs < 0)
    for (size_t i = 0; i < n.inputs.size(); ++i)
      if (n.inputs[i].empty()) return Error(ErrorCode::Parse, fmt::format("input #{} of a variadic op is empty", i));
  return ok();
}

}  // namespace

const OpTable& importerTable() {
  static const auto table = [] {
    OpTable t;
    registerElementwise(t);
    registerMovement(t);
    registerNN(t);
    registerLoss(t);
    registerScan(t);
    registerSelect(t);
    registerResize(t);
    registerConvTranspose(t);
    registerRecurrent(t);
    registerActivation(t);
    registerRearrange(t);
    registerNorm(t);
    registerConv(t);
    registerEinsum(t);
    return t;
  }();
  return table;
}

Result<Graph> importModel(const OnnxModel& m, const OnnxImportOptions& opt) {
  std::vector<std::string> issues = m.issues;
  const auto& table = importerTable();
  std::set<size_t> badNodes;
  for (const OnnxNode& n : m.nodes) {
    if (!n.domain.empty()) {
      issues.push_back(fmt::format("{}: ops of domain '{}' are not supported", describe(n), n.domain));
      badNodes.insert(n.index);
    } else if (!table.count(n.opType)) {
      issues.push_back(fmt::format("{}: op type '{}' is not supported", describe(n), n.opType));
      badNodes.insert(n.index);
    } else {
      for (const std::string& p : checkStaticAttrs(n)) {
        issues.push_back(fmt::format("{}: {}", describe(n), p));
        badNodes.insert(n.index);
      }
    }
  }
  auto inputTypes = bindInputs(m, opt, issues);
  if (!inputTypes) {
    if (!issues.empty()) return unsupportedModel(m.file, issues);
    return inputTypes.takeError();
  }

  Graph g;
  g.name = "main";
  ImportCtx ctx(g, m);
  std::set<std::string> transposed = transposedWeights(m);
  ctx.setTransposed(transposed);
  std::set<std::string> poisoned = m.skipped;
  StorageTypes storageTypes;  // f16, u8, ... values, computed in f32 or i32
  ctx.setStorageTypes(&storageTypes);
  for (size_t i = 0; i < m.inputs.size(); ++i) {
    const std::string& name = m.inputs[i].name;
    auto constant = opt.constants.find(name);
    if (constant == opt.constants.end()) {
      GRAPHC_ASSIGN(ValueId v, widened(ctx, g.addInput(name, (*inputTypes)[i]), name + ".wide"));
      ctx.define(name, v);
    } else {
      if (constant->second.type() != (*inputTypes)[i] && !holdsBf16Bits(constant->second, (*inputTypes)[i]))
        return Error(ErrorCode::Shape, fmt::format("{}: input '{}' is {}, the constant given for it {}", m.file, name,
                                                   (*inputTypes)[i].str(), constant->second.type().str()));
      ctx.define(name, g.addConstant(name, widenedTensor(bf16FromBits(constant->second, (*inputTypes)[i])), ValueKind::Const));
    }
    if (isStorageType((*inputTypes)[i].dtype)) storageTypes[name] = (*inputTypes)[i].dtype;
  }
  for (const auto& [name, data] : m.initializers) {
    if (isStorageType(data.dtype())) storageTypes[name] = data.dtype();
    Tensor t = widenedTensor(data);
    if (transposed.count(name)) t = t.transposed2d();  // stored as W^T so that dense() reads it as [K, N]
    ValueKind kind = isFloat(t.dtype()) ? ValueKind::Param : ValueKind::Const;
    ctx.define(name, g.addConstant(name, std::move(t), kind));
  }
  GRAPHC_ASSIGN(std::vector<size_t> order, topoOrder(m, definedBeforeNodes(m)));

  for (size_t k : order) {
    const OnnxNode& n = m.nodes[k];
    bool skip = badNodes.count(k) > 0;
    for (const std::string& i : n.inputs) skip = skip || poisoned.count(i);
    if (skip) {
      poisoned.insert(n.outputs.begin(), n.outputs.end());
      continue;
    }
    ctx.setNode(&n);
    const OpEntry& entry = table.at(n.opType);
    Status s = checkInputCount(n, entry);
    if (s) s = entry.fn(ctx);
    if (s) s = afterNode(ctx, storageTypes);
    if (!s) {
      issues.push_back(fmt::format("{}: {}", describe(n), s.error().message()));
      if (s.error().code != ErrorCode::Unsupported) {
        // A malformed node ends the import; with earlier unsupported ones, all are listed.
        if (issues.size() == 1) return Error(s.error().code, fmt::format("{}: {}", m.file, issues[0]));
        return unsupportedModel(m.file, issues);
      }
      poisoned.insert(n.outputs.begin(), n.outputs.end());
      continue;
    }
    for (size_t o = 0; o < n.outputs.size(); ++o)
      if (ctx.outputUsed(o) && ctx.lookup(n.outputs[o]) == UINT32_MAX) {
        issues.push_back(fmt::format("{}: output #{} ('{}') is not supported", describe(n), o, n.outputs[o]));
        poisoned.insert(n.outputs[o]);
      }
  }
  if (!issues.empty()) return unsupportedModel(m.file, issues);

  for (size_t i = 0; i < m.outputs.size(); ++i) {
    GRAPHC_ASSIGN(ValueId v, outputValue(ctx, m.outputs[i], i < m.outputTypes.size() ? m.outputTypes[i] : 0, storageTypes));
    g.addOutput(m.outputs[i], v);
  }
  GRAPHC_TRY(g.finalize());
  if (Status s = verify(g); !s) return s.takeError().prefixed(m.file + ": imported graph is invalid: ");
  return g;
}

}  // namespace graphc::onnxfe

namespace graphc {

Result<Graph> importOnnxBytes(std::string_view bytes, const std::string& name, const OnnxImportOptions& options) {
  GRAPHC_ASSIGN(onnxfe::OnnxModel model, onnxfe::readModel(bytes, name));
  return onnxfe::importModel(model, options);
}

Result<std::vector<std::string>> onnxInputNames(const std::string& path) {
  GRAPHC_ASSIGN(MappedFile file, mapFile(path));
  GRAPHC_ASSIGN(onnxfe::OnnxModel model, onnxfe::readModel(file.bytes(), path));
  std::vector<std::string> names;
  for (const onnxfe::OnnxInput& in : model.inputs) names.push_back(in.name);
  return names;
}

Result<Graph> importOnnx(const std::string& path, const OnnxImportOptions& options) {
  GRAPHC_ASSIGN(MappedFile file, mapFile(path));
  return importOnnxBytes(file.bytes(), path, options);
}

}  // namespace graphc
