// ImportCtx: operand lookup, ONNX attributes with defaults, and op creation with constant folding.
#include <fmt/format.h>

#include "frontend/onnx/importer.h"
#include "ir/eval/fold_limit.h"
#include "ir/eval/interpreter.h"

namespace graphc::onnxfe {

ImportCtx::ImportCtx(Graph& g, const OnnxModel& m) : g_(g), b_(g), model_(m) {
  for (const OnnxNode& n : m.nodes)
    for (const std::string& i : n.inputs) used_.insert(i);
  for (const std::string& o : m.outputs) used_.insert(o);
}

ValueId ImportCtx::lookup(const std::string& name) const {
  auto it = names_.find(name);
  return it == names_.end() ? UINT32_MAX : it->second;
}

size_t ImportCtx::numInputs() const { return node_->inputs.size(); }
bool ImportCtx::hasInput(size_t i) const { return i < node_->inputs.size() && !node_->inputs[i].empty(); }
ValueId ImportCtx::in(size_t i) const { return lookup(node_->inputs[i]); }
DType ImportCtx::onnxType(size_t i) const {
  if (storageTypes_)
    if (auto it = storageTypes_->find(node_->inputs[i]); it != storageTypes_->end()) return it->second;
  return type(i).dtype;
}
bool ImportCtx::outputUsed(size_t i) const {
  return i < node_->outputs.size() && !node_->outputs[i].empty() && used_.count(node_->outputs[i]);
}

const Tensor* ImportCtx::constIn(size_t i, bool allowParam) const {
  if (!hasInput(i)) return nullptr;
  const Value& v = g_.value(in(i));
  if (v.kind == ValueKind::Const || (allowParam && v.kind == ValueKind::Param)) return &v.data;
  return nullptr;
}

Result<std::vector<int64_t>> ImportCtx::intsIn(size_t i, std::string_view what) const {
  const Tensor* t = constIn(i, true);
  if (!t) {
    auto big = unfolded_.find(in(i));
    return unsupported(fmt::format("{} (input '{}') is not a constant{}", what, node_->inputs[i],
                                   big == unfolded_.end() ? "" : ": " + big->second));
  }
  if (!isInteger(t->dtype())) return malformed(fmt::format("{} must be integers, got {}", what, t->type().str()));
  auto values = t->ints();  // exact: INT64_MAX, the usual "to the end", must not pass through double
  if (!values) return malformed(fmt::format("{} (input '{}'): {}", what, node_->inputs[i], values.error().message()));
  return std::move(*values);
}

static const char* kindName(OnnxAttr::Kind k) {
  switch (k) {
    case OnnxAttr::Kind::Int: return "an int";
    case OnnxAttr::Kind::Float: return "a float";
    case OnnxAttr::Kind::Str: return "a string";
    case OnnxAttr::Kind::Ints: return "a list of ints";
    case OnnxAttr::Kind::Floats: return "a list of floats";
    case OnnxAttr::Kind::Strs: return "a list of strings";
    case OnnxAttr::Kind::Tensor: return "a tensor";
    default: return "something else";
  }
}

#define ATTR_GETTER(Fn, T, KIND, FIELD)                                                               \
  Result<T> ImportCtx::Fn(const std::string& name, T def) const {                                  \
    auto it = node_->attrs.find(name);                                                              \
    if (it == node_->attrs.end()) return def;                                                       \
    if (it->second.kind != OnnxAttr::Kind::KIND)                                                    \
      return malformed(fmt::format("attribute '{}' must be {}, got {}", name, kindName(OnnxAttr::Kind::KIND), \
                                   kindName(it->second.kind)));                                     \
    return T(it->second.FIELD);                                                                     \
  }
ATTR_GETTER(attrInt, int64_t, Int, i)
ATTR_GETTER(attrStr, std::string, Str, s)
ATTR_GETTER(attrInts, std::vector<int64_t>, Ints, ints)
ATTR_GETTER(attrStrs, std::vector<std::string>, Strs, strs)
#undef ATTR_GETTER

Result<double> ImportCtx::attrFloat(const std::string& name, double def) const {
  auto it = node_->attrs.find(name);
  if (it == node_->attrs.end()) return def;
  if (it->second.kind == OnnxAttr::Kind::Int) return (double)it->second.i;
  if (it->second.kind != OnnxAttr::Kind::Float)
    return malformed(fmt::format("attribute '{}' must be a float, got {}", name, kindName(it->second.kind)));
  return it->second.f;
}

ValueId ImportCtx::constant(Tensor t, std::string hint) {
  return g_.addConstant(g_.uniqueName(hint), std::move(t), ValueKind::Const);
}

Result<ValueId> ImportCtx::emit(OpKind op, std::vector<ValueId> operands, AttrMap attrs, std::string hint) {
  if (hint.empty()) hint = outName();
  // Constant in value: every operand is a Const, or a result left unfolded (whose reason carries on).
  bool constValued = !operands.empty();
  std::string unfoldedWhy;
  for (ValueId v : operands) {
    if (g_.value(v).kind == ValueKind::Const) continue;
    auto it = unfolded_.find(v);
    constValued = constValued && it != unfolded_.end();
    if (it != unfolded_.end()) unfoldedWhy = it->second;
  }
  // Shape sub-graphs fold away here, on ir/eval's kernels, so that shapes are static. A result
  // above the folding cap stays a node, so that a small file cannot make the importer allocate
  // gigabytes; a consumer that needs its value at compile time says why it has none (intsIn).
  if (constValued && unfoldedWhy.empty()) {
    GRAPHC_ASSIGN(std::vector<TensorType> types, inferTypes(op, g_.types(operands), attrs));
    int64_t elements = eval::foldedElements(types);
    if (elements <= eval::kMaxFoldedElements) {
      std::vector<Tensor> data;
      for (ValueId v : operands) data.push_back(g_.value(v).data);
      Node node{op, operands, {}, attrs, {}, false};
      GRAPHC_ASSIGN(auto folded, eval::evalNode(node, data, types));
      return constant(std::move(folded.at(0)), hint);
    }
    unfoldedWhy = fmt::format("{} makes {} elements, more than import-time folding materialises ({})",
                              describe(*node_), elements, eval::kMaxFoldedElements);
  }
  GRAPHC_ASSIGN(auto results, b_.tryCreate(op, std::move(operands), std::move(attrs), hint));
  if (constValued) unfolded_[results.at(0)] = std::move(unfoldedWhy);
  return results.at(0);
}

Error ImportCtx::unsupported(std::string what) const { return Error(ErrorCode::Unsupported, std::move(what)); }
Error ImportCtx::malformed(std::string what) const { return Error(ErrorCode::Parse, std::move(what)); }

}  // namespace graphc::onnxfe

namespace graphc::onnxfe {

Result<ValueId> filled(ImportCtx& c, double value, DType dtype, Shape shape, const std::string& hint) {
  return c.emit(OpKind::Expand, {c.constant(Tensor::scalar(dtype, value), hint + ".k")}, attrs(std::pair{"shape", std::move(shape)}), hint);
}

Result<ValueId> positionsAlong(ImportCtx& c, int64_t rank, int64_t axis, int64_t extent, DType dtype) {
  // The constant is allocated here, at import: a declared extent above the folding cap (a model
  // of a few bytes can declare 2^40 classes) is refused before it is.
  if (extent > eval::kMaxFoldedElements)
    return c.unsupported(fmt::format("{} needs the positions 0..{} as a constant, more than import-time folding materialises ({})",
                                     c.node().opType, extent - 1, eval::kMaxFoldedElements));
  Shape shape(rank, 1);
  shape[axis] = extent;
  Tensor positions(TensorType{dtype, shape});
  for (int64_t i = 0; i < extent; ++i) positions.setInt(i, i);
  return c.constant(std::move(positions), c.outName() + ".positions");
}

Result<ValueId> indexFromEnd(ImportCtx& c, ValueId index, int64_t extent) {
  if (c.graph().type(index).dtype != DType::i64) {
    GRAPHC_ASSIGN(index, c.emit(OpKind::Cast, {index}, attrs(std::pair{"to", std::string("i64")})));
  }
  Tensor zero(TensorType{DType::i64, {}}), size(TensorType{DType::i64, {}});
  size.setInt(0, extent);
  GRAPHC_ASSIGN(ValueId negative, c.emit(OpKind::Less, {index, c.constant(zero, c.outName() + ".zero")}));
  GRAPHC_ASSIGN(ValueId wrapped, c.emit(OpKind::Add, {index, c.constant(size, c.outName() + ".extent")}));
  return c.emit(OpKind::Where, {negative, wrapped, index});
}

}  // namespace graphc::onnxfe
