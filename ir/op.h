// Op kinds, traits and attribute specs, all generated from ops.def.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <optional>
#include <vector>

#include "ir/attr.h"
#include "ir/diag.h"
#include "ir/types.h"

namespace graphc {

enum class OpKind : uint16_t {
#define OP(Id, name, minOps, maxOps, traits, attrs, infer) Id,
#include "ir/ops.def"
#undef OP
};

enum OpTrait : uint32_t {
  kNone = 0,
  kElementwise = 1u << 0,
  kUnary = 1u << 1,
  kBinary = 1u << 2,
  kCommutative = 1u << 3,
  kReduction = 1u << 4,
  kMovement = 1u << 5,
  kFloatOnly = 1u << 6,
  kNonDifferentiable = 1u << 7,
  kFused = 1u << 8,     // carries an activation (and maybe a residual) folded in by fusion
  kStateful = 1u << 9,  // writes one of its operands in place (optimizer updates)
  kInPlace = 1u << 10,  // result 0 may be written over operand 0 of the same size (ops.def)
  kBf16Operands = 1u << 11,  // takes bf16 operands and computes in f32 (passes/precision_bf16.cpp)
  kSideEffect = 1u << 12,  // communicates with other processes (collectives): never dropped, merged or folded
};

struct AttrSpec {
  std::string name;
  AttrKind kind;
  std::optional<Attr> defaultValue;  // nullopt: required
};

struct Node;
struct OpCtx;
using InferFn = Result<std::vector<TensorType>> (*)(const OpCtx&);

struct OpInfo {
  OpKind kind;
  std::string_view name;
  int minOperands;
  int maxOperands;  // -1: variadic
  uint32_t traits;
  std::vector<AttrSpec> attrs;
  InferFn infer;

  bool has(uint32_t t) const { return (traits & t) == t; }
  const AttrSpec* findAttr(std::string_view attr) const;
};

const OpInfo& opInfo(OpKind kind);
std::optional<OpKind> opByName(std::string_view name);
std::span<const OpInfo> allOps();
inline std::string_view opName(OpKind kind) { return opInfo(kind).name; }

// Whether a node of this op matters beyond its results (writes state, or communicates): DCE
// keeps it, CSE does not merge two, constant folding does not run it.
inline bool hasSideEffects(const OpInfo& info) { return (info.traits & (kStateful | kSideEffect)) != 0; }

// Whether the op table lets the op compute in dtype t (kFloatOnly ops: floating point only).
inline bool acceptsDType(const OpInfo& info, DType t) { return !info.has(kFloatOnly) || isFloat(t); }
// A storage type (bf16, f16, i8, u8, i16, u16) is read only by casts, the bytewise data
// movement ops and, for bf16, the kBf16Operands ops (which compute in f32); other types always.
inline bool acceptsStorageType(const OpInfo& info, DType t) {
  if (!isStorageType(t) || info.kind == OpKind::Cast || (info.has(kMovement) && info.kind != OpKind::Pad)) return true;
  return t == DType::bf16 && info.has(kBf16Operands);
}
inline bool acceptsBf16(const OpInfo& info) { return acceptsStorageType(info, DType::bf16); }

// Whether result `result` of an op may take the buffer of operand `operand` (the kInPlace and
// kStateful traits of ops.def); the caller checks that the two have the same type and size and
// that the operand dies at the op.
inline bool mayOverwrite(const OpInfo& info, size_t result, size_t operand) {
  if (info.has(kStateful)) return operand == (result == 0 ? 0 : result + 1);
  if (!info.has(kInPlace) || result != 0) return false;
  return operand == 0 || (operand == 1 && info.has(kCommutative));
}

// What shape inference sees: operand types and the attributes (with defaults filled in).
struct OpCtx {
  const OpInfo& info;
  std::span<const TensorType> operands;
  const AttrMap& attrs;

  int64_t i(std::string_view name) const;
  double f(std::string_view name) const;
  const std::string& s(std::string_view name) const;
  const std::vector<int64_t>& ints(std::string_view name) const;
  const std::vector<double>& floats(std::string_view name) const;
  const Attr& attr(std::string_view name) const;
};

// A slice (ONNX semantics: negative indices count from the end, out-of-range ones clamp)
// resolved against the input shape: per input axis, the first index read, the step, and the
// output extent. Shared by shape inference and every backend so that they agree. A window
// axis of extent 0 has start 0 and step 1, and one of extent 1 has step 1, so that the start
// is always a valid index when anything is read and start + step * (extent - 1) and
// stride * step never overflow.
struct SliceWindow {
  Shape start, step, shape;
};
// From the attributes of a slice or slice_grad node.
Result<SliceWindow> resolveSlice(const Shape& input, const OpCtx& c);

// One axis of extent dim sliced by any int64 start, end and step != 0, as ONNX Slice
// specifies; {start, step, count} normalized as in SliceWindow.
struct SliceAxis {
  int64_t start, step, count;
};
SliceAxis resolveSliceAxis(int64_t dim, int64_t start, int64_t end, int64_t step);

// The `shapes` attribute of allreduce_wait: each shape as its rank, then its dims.
std::vector<int64_t> encodeShapes(std::span<const Shape> shapes);
Result<std::vector<Shape>> decodeShapes(std::span<const int64_t> encoded);

// Activations a fused op (dense, conv2d) may carry.
enum class Activation { None, Relu, LeakyRelu, Gelu, Sigmoid, Tanh, Clip, Elu, Silu };
// gelu's and silu's derivatives need the pre-activation; the others' follow from the output.
inline bool derivativeNeedsInput(Activation a) { return a == Activation::Gelu || a == Activation::Silu; }
std::optional<Activation> parseActivation(std::string_view name);
std::string_view activationName(Activation a);

}  // namespace graphc
