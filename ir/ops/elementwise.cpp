// Elementwise ops: shape inference (NumPy broadcasting for binary ops).
#include "ir/ops/infer.h"

namespace graphc {

Types inferUnary(const OpCtx& c) {
  if (c.info.kind == OpKind::Clip && c.f("min") > c.f("max"))
    return inferError("clip min {} is greater than max {}", c.f("min"), c.f("max"));
  if (c.operands[0].dtype == DType::boolean) return inferError("'{}' does not take bool", c.info.name);
  return single(c.operands[0]);
}

static Result<Shape> broadcastOrError(const TensorType& a, const TensorType& b) {
  auto s = broadcastShapes(a.shape, b.shape);
  if (!s) return inferError("operand shapes {} and {} do not broadcast", a.str(), b.str());
  return *s;
}

Types inferBinary(const OpCtx& c) {
  const TensorType &a = c.operands[0], &b = c.operands[1];
  if (a.dtype != b.dtype) return inferError("operand dtypes differ: {} and {}", a.str(), b.str());
  if (a.dtype == DType::boolean) return inferError("'{}' does not take bool", c.info.name);
  GRAPHC_ASSIGN(Shape s, broadcastOrError(a, b));
  return single({a.dtype, s});
}

Types inferCompare(const OpCtx& c) {
  const TensorType &a = c.operands[0], &b = c.operands[1];
  if (a.dtype != b.dtype) return inferError("operand dtypes differ: {} and {}", a.str(), b.str());
  GRAPHC_ASSIGN(Shape s, broadcastOrError(a, b));
  return single({DType::boolean, s});
}

Types inferWhere(const OpCtx& c) {
  const TensorType &cond = c.operands[0], &a = c.operands[1], &b = c.operands[2];
  if (cond.dtype != DType::boolean) return inferError("condition must be bool, got {}", cond.str());
  if (a.dtype != b.dtype) return inferError("value dtypes differ: {} and {}", a.str(), b.str());
  GRAPHC_ASSIGN(Shape s, broadcastOrError(a, b));
  GRAPHC_ASSIGN(Shape s2, broadcastOrError(cond, TensorType{a.dtype, s}));
  return single({a.dtype, s2});
}

Types inferCast(const OpCtx& c) {
  auto to = parseDType(c.s("to"));
  if (!to || *to == DType::bf16) return inferError("cannot cast to '{}'", c.s("to"));
  return single({*to, c.operands[0].shape});
}

}  // namespace graphc
