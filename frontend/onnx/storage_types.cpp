// ONNX's storage dtypes at import: widened after the inputs, initializers and the nodes that make
// them, small integers wrapped after each node that computes them, cast back at the outputs.
#include "frontend/onnx/storage_types.h"

#include <fmt/format.h>

#include "ir/convert.h"

namespace graphc::onnxfe {
namespace {

Result<ValueId> castTo(ImportCtx& c, ValueId v, DType to, const std::string& hint) {
  AttrMap a;
  a.set("to", std::string(dtypeName(to)));
  return c.emit(OpKind::Cast, {v}, std::move(a), hint);
}

// The input whose ONNX dtype a node's results share (Where's values, OneHot's values, ...), or
// -1 for ops whose result dtype is an attribute or another input's.
int dtypeSourceInput(const std::string& op) {
  if (op == "Where" || op == "CastLike") return 1;
  if (op == "OneHot") return 2;
  if (op == "Cast" || op == "EyeLike" || op == "RandomNormalLike" || op == "RandomUniformLike" || op == "Bernoulli" ||
      op == "MatMulInteger" || op == "ConvInteger")  // u8 or i8 in, i32 out
    return -1;
  return 0;
}

}  // namespace

Tensor widenedTensor(const Tensor& t) {
  if (!isStorageType(t.dtype())) return t;
  Tensor wide = Tensor::uninitialized({computeType(t.dtype()), t.shape()});
  castElements(t.dtype(), t.raw(), wide.dtype(), wide.raw(), t.numel());
  return wide;
}

Result<ValueId> widened(ImportCtx& c, ValueId v, const std::string& hint) {
  DType t = c.graph().type(v).dtype;
  if (!isStorageType(t)) return v;
  return castTo(c, v, computeType(t), hint);
}

Status afterNode(ImportCtx& c, StorageTypes& types) {
  const OnnxNode& n = c.node();
  int source = dtypeSourceInput(n.opType);
  auto sourceType = source >= 0 && (size_t)source < n.inputs.size() ? types.find(n.inputs[source]) : types.end();
  for (const std::string& name : n.outputs) {
    if (name.empty()) continue;
    ValueId v = c.lookup(name);
    if (v == UINT32_MAX) continue;
    DType t = c.graph().type(v).dtype;
    if (isStorageType(t)) {
      GRAPHC_ASSIGN(ValueId wide, widened(c, v, name));
      c.define(name, wide);
      types[name] = t;
    } else if (sourceType != types.end() && t == computeType(sourceType->second)) {
      DType onnxType = sourceType->second;
      types[name] = onnxType;
      if (!isSmallInt(onnxType)) continue;
      GRAPHC_ASSIGN(ValueId narrow, castTo(c, v, onnxType, name));
      GRAPHC_ASSIGN(ValueId wrapped, castTo(c, narrow, DType::i32, name));
      c.define(name, wrapped);
    }
  }
  return ok();
}

Result<ValueId> outputValue(ImportCtx& c, const std::string& name, int32_t elemType, const StorageTypes& types) {
  ValueId v = c.lookup(name);
  std::optional<DType> declared = elemType ? dtypeFromOnnx(elemType) : std::nullopt;
  if (!declared) {
    auto it = types.find(name);
    if (it == types.end()) return v;
    declared = it->second;
  }
  if (!isStorageType(*declared) || c.graph().type(v).dtype == *declared) return v;
  return castTo(c, v, *declared, name + ".out");
}

}  // namespace graphc::onnxfe
