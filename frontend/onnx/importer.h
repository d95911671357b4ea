// The import context shared by the op importers, and the op table {ONNX op type -> importer}.
#pragma once

#include <functional>
#include <map>
#include <unordered_map>

#include "frontend/onnx/model.h"
#include "frontend/onnx/onnx_import.h"
#include "ir/builder.h"

namespace graphc::onnxfe {

class ImportCtx {
 public:
  ImportCtx(Graph& g, const OnnxModel& m);

  Graph& graph() { return g_; }
  const OnnxModel& model() const { return model_; }
  const OnnxNode& node() const { return *node_; }
  void setNode(const OnnxNode* n) { node_ = n; }
  bool isTransposedWeight(const std::string& name) const { return transposed_.count(name) > 0; }
  void setTransposed(std::set<std::string> t) { transposed_ = std::move(t); }

  // ONNX value names -> graph values.
  ValueId lookup(const std::string& name) const;
  void define(const std::string& name, ValueId v) { names_[name] = v; }

  // Inputs of the current node. Optional inputs may be absent (missing or "").
  size_t numInputs() const;
  bool hasInput(size_t i) const;
  ValueId in(size_t i) const;
  const TensorType& type(size_t i) const { return g_.type(in(i)); }
  // The ONNX dtype of input i: its storage type (f16, bf16, u8, ...) where the graph computes it
  // in a wider one (storage_types.h), else the graph's dtype.
  DType onnxType(size_t i) const;
  void setStorageTypes(const std::map<std::string, DType>* types) { storageTypes_ = types; }
  // The data of input i when it is a known constant (Const; Params too when allowParam).
  const Tensor* constIn(size_t i, bool allowParam = false) const;
  // Constant integer input as a list, or an "unsupported" error when it is not constant (saying
  // why when its producer was too big to fold).
  Result<std::vector<int64_t>> intsIn(size_t i, std::string_view what) const;
  bool outputUsed(size_t i) const;

  // Attributes with ONNX defaults; a kind mismatch is a malformed-model error.
  bool hasAttr(const std::string& name) const { return node_->attrs.count(name) > 0; }
  Result<int64_t> attrInt(const std::string& name, int64_t def) const;
  Result<double> attrFloat(const std::string& name, double def) const;
  Result<std::string> attrStr(const std::string& name, std::string def) const;
  Result<std::vector<int64_t>> attrInts(const std::string& name, std::vector<int64_t> def) const;
  Result<std::vector<std::string>> attrStrs(const std::string& name, std::vector<std::string> def) const;

  // Creates an IR op, folding it into a constant when every operand is a Const.
  Result<ValueId> emit(OpKind op, std::vector<ValueId> operands, AttrMap attrs = {}, std::string hint = {});
  ValueId constant(Tensor t, std::string hint = "c");
  // Binds output i of the current node.
  void setOut(size_t i, ValueId v) { if (i < node_->outputs.size() && !node_->outputs[i].empty()) define(node_->outputs[i], v); }
  std::string outName(size_t i = 0) const { return i < node_->outputs.size() ? node_->outputs[i] : std::string(); }

  // "This model uses something graphc does not support" (ErrorCode::Unsupported), as opposed to
  // a malformed model (ErrorCode::Parse): the walk records it, skips the node and goes on, to
  // report them all.
  Error unsupported(std::string what) const;
  Error malformed(std::string what) const;

 private:
  Graph& g_;
  Builder b_;
  const OnnxModel& model_;
  const OnnxNode* node_ = nullptr;
  std::unordered_map<std::string, ValueId> names_;
  std::set<std::string> transposed_;
  const std::map<std::string, DType>* storageTypes_ = nullptr;
  std::set<std::string> used_;  // names some node or graph output reads
  std::unordered_map<ValueId, std::string> unfolded_;  // constant-valued results above the fold cap: why
};

// Helpers of the importers that compose an ONNX op from several IR ops.
// attrs(std::pair{"axis", int64_t{1}}, ...): an attribute map from name-value pairs.
template <class... Kv>
AttrMap attrs(Kv&&... kv) {
  AttrMap m;
  (m.set(std::string(kv.first), kv.second), ...);
  return m;
}
// A scalar constant of the given dtype, named after the node's first output.
inline ValueId scalarLike(ImportCtx& c, DType dtype, double v) { return c.constant(Tensor::scalar(dtype, v), c.outName() + ".k"); }

// v viewed with another shape of the same element count.
inline Result<ValueId> reshaped(ImportCtx& c, ValueId v, Shape shape) {
  return c.emit(OpKind::Reshape, {v}, attrs(std::pair{"shape", std::move(shape)}));
}

// A tensor of one value, as an expand of a scalar: folded into a constant below the folding cap,
// and above it left to run, so that a declared size is never allocated at import (the memory
// limit is checked later, against every size; fuzz_onnx_import found a 5 GB LayerNormalization bias).
Result<ValueId> filled(ImportCtx& c, double value, DType dtype, Shape shape, const std::string& hint);

// The constant 0, 1, ..., extent-1 along `axis` of a rank-`rank` shape of ones, to compare
// against (one-hot, argmax); refused above the folding cap (ctx.cpp).
Result<ValueId> positionsAlong(ImportCtx& c, int64_t rank, int64_t axis, int64_t extent, DType dtype = DType::i64);

// An index operand as i64 (a float one truncated), a negative index counted back from extent.
Result<ValueId> indexFromEnd(ImportCtx& c, ValueId index, int64_t extent);

using Importer = Status (*)(ImportCtx&);
// One row of the op table: the importer and how many inputs the op takes. The walk checks that
// inputs [0, minInputs) are present before calling the importer; later ones are optional.
struct OpEntry {
  Importer fn = nullptr;
  int minInputs = 1;
  int maxInputs = 1;  // -1: variadic
};
using OpTable = std::unordered_map<std::string, OpEntry>;
// Each family registers its importers here; the table is built from them on first use.
void registerElementwise(OpTable& t);
void registerMovement(OpTable& t);
void registerNN(OpTable& t);
void registerLoss(OpTable& t);
void registerScan(OpTable& t);
void registerSelect(OpTable& t);
void registerResize(OpTable& t);
void registerConvTranspose(OpTable& t);
void registerRecurrent(OpTable& t);
void registerActivation(OpTable& t);
void registerRearrange(OpTable& t);
void registerNorm(OpTable& t);
void registerConv(OpTable& t);
void registerEinsum(OpTable& t);
const OpTable& importerTable();

// The walk over a read model (import.cpp).
Result<Graph> importModel(const OnnxModel& m, const OnnxImportOptions& options);

// Static checks of one node's attributes that need no operand types (auto_pad values, ...),
// each problem as one message. Run on every node before the walk.
std::vector<std::string> checkStaticAttrs(const OnnxNode& n);

}  // namespace graphc::onnxfe
