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
  if (!to) return inferError("cannot cast to '{}'", c.s("to"));
  // Every pair of dtypes: ir/convert.h defines each conversion.
  return single({*to, c.operands[0].shape});
}

}  // namespace graphc

namespace graphc {

Types inferReluGrad(const OpCtx& c) {
  const TensorType &dy = c.operands[0], &y = c.operands[1];
  if (dy != y) return inferError("dy {} and y {} must have the same type", dy.str(), y.str());
  return single(dy);
}

}  // namespace graphc

// Gradient rules. Unary ops take dy times the derivative, from the result where that is cheaper;
// binary ops sum their operand's gradient over the axes it was broadcast along.
#include <cmath>

#include "ir/grad.h"

namespace graphc {

void gradNeg(GradCtx& c) { c.addGrad(0, c.neg(c.dy())); }

void gradAbs(GradCtx& c) {
  ValueId x = c.x(0), zero = c.scalar(0, x);
  ValueId sign = c.where(c.op(OpKind::Greater, {x, zero}), c.scalar(1, x),
                         c.where(c.op(OpKind::Less, {x, zero}), c.scalar(-1, x), zero));
  c.addGrad(0, c.mul(c.dy(), sign));
}

void gradSqrt(GradCtx& c) { c.addGrad(0, c.div(c.dy(), c.mul(c.y(), c.scalar(2, c.y())))); }
void gradExp(GradCtx& c) { c.addGrad(0, c.mul(c.dy(), c.y())); }
void gradLog(GradCtx& c) { c.addGrad(0, c.div(c.dy(), c.x(0))); }

void gradErf(GradCtx& c) {
  ValueId x = c.x(0);
  ValueId e = c.op(OpKind::Exp, {c.neg(c.mul(x, x))});
  c.addGrad(0, c.mul(c.dy(), c.mul(c.scalar(M_2_SQRTPI, x), e)));
}

void gradReciprocal(GradCtx& c) { c.addGrad(0, c.neg(c.mul(c.dy(), c.mul(c.y(), c.y())))); }
void gradRelu(GradCtx& c) { c.addGrad(0, c.op(OpKind::ReluGrad, {c.dy(), c.y()})); }
void gradLeakyRelu(GradCtx& c) { c.addGrad(0, activationGrad(c, Activation::LeakyRelu, c.f("alpha"), 0, c.dy(), c.x(0))); }
void gradElu(GradCtx& c) { c.addGrad(0, activationGrad(c, Activation::Elu, c.f("alpha"), 0, c.dy(), c.x(0))); }
void gradGelu(GradCtx& c) { c.addGrad(0, activationGrad(c, Activation::Gelu, 0, 0, c.dy(), c.x(0))); }
void gradSilu(GradCtx& c) { c.addGrad(0, activationGrad(c, Activation::Silu, 0, 0, c.dy(), c.x(0))); }
void gradClip(GradCtx& c) { c.addGrad(0, activationGrad(c, Activation::Clip, c.f("min"), c.f("max"), c.dy(), c.x(0))); }

// hard_sigmoid = clip(alpha*x + beta, 0, 1): slope alpha strictly inside the clip, 0 outside.
void gradHardSigmoid(GradCtx& c) {
  ValueId x = c.x(0), alpha = c.scalar(c.f("alpha"), x);
  ValueId z = c.add(c.mul(x, alpha), c.scalar(c.f("beta"), x));
  c.addGrad(0, activationGrad(c, Activation::Clip, 0, 1, c.mul(c.dy(), alpha), z));
}

// hard_swish = x * hard_sigmoid(x; 1/6, 1/2): 0 below -3, 1 above 3, x/3 + 1/2 between (PyTorch's).
void gradHardSwish(GradCtx& c) {
  ValueId x = c.x(0), dy = c.dy();
  ValueId inner = c.mul(dy, c.add(c.div(x, c.scalar(3, x)), c.scalar(0.5, x)));
  ValueId upper = c.where(c.op(OpKind::Greater, {x, c.scalar(3, x)}), dy, inner);
  c.addGrad(0, c.where(c.op(OpKind::Less, {x, c.scalar(-3, x)}), c.scalar(0, x), upper));
}

void gradSigmoid(GradCtx& c) {
  ValueId y = c.y();
  c.addGrad(0, c.mul(c.dy(), c.mul(y, c.sub(c.scalar(1, y), y))));
}

void gradTanh(GradCtx& c) {
  ValueId y = c.y();
  c.addGrad(0, c.mul(c.dy(), c.sub(c.scalar(1, y), c.mul(y, y))));
}

void gradSin(GradCtx& c) { c.addGrad(0, c.mul(c.dy(), c.op(OpKind::Cos, {c.x(0)}))); }
void gradCos(GradCtx& c) { c.addGrad(0, c.neg(c.mul(c.dy(), c.op(OpKind::Sin, {c.x(0)})))); }
void gradTan(GradCtx& c) { c.addGrad(0, c.mul(c.dy(), c.add(c.scalar(1, c.y()), c.mul(c.y(), c.y())))); }
void gradSinh(GradCtx& c) { c.addGrad(0, c.mul(c.dy(), c.op(OpKind::Cosh, {c.x(0)}))); }
void gradCosh(GradCtx& c) { c.addGrad(0, c.mul(c.dy(), c.op(OpKind::Sinh, {c.x(0)}))); }

// 1 - x^2 and x^2 + k, the radicands and denominators of the inverse functions' derivatives.
static ValueId oneMinusSquare(GradCtx& c, ValueId x) { return c.sub(c.scalar(1, x), c.mul(x, x)); }
static ValueId squarePlus(GradCtx& c, ValueId x, double k) { return c.add(c.mul(x, x), c.scalar(k, x)); }

void gradAsin(GradCtx& c) { c.addGrad(0, c.div(c.dy(), c.op(OpKind::Sqrt, {oneMinusSquare(c, c.x(0))}))); }
void gradAcos(GradCtx& c) { c.addGrad(0, c.neg(c.div(c.dy(), c.op(OpKind::Sqrt, {oneMinusSquare(c, c.x(0))})))); }
void gradAtan(GradCtx& c) { c.addGrad(0, c.div(c.dy(), squarePlus(c, c.x(0), 1))); }
void gradAsinh(GradCtx& c) { c.addGrad(0, c.div(c.dy(), c.op(OpKind::Sqrt, {squarePlus(c, c.x(0), 1)}))); }
void gradAcosh(GradCtx& c) { c.addGrad(0, c.div(c.dy(), c.op(OpKind::Sqrt, {squarePlus(c, c.x(0), -1)}))); }
void gradAtanh(GradCtx& c) { c.addGrad(0, c.div(c.dy(), oneMinusSquare(c, c.x(0)))); }

// floor, ceil, round and sign are piecewise constant: their gradient is zero (where it exists).
void gradPiecewiseConstant(GradCtx& c) { c.addGrad(0, c.zerosLike(c.x(0))); }

void gradAdd(GradCtx& c) {
  if (c.wants(0)) c.addGradSumTo(0, c.dy());
  if (c.wants(1)) c.addGradSumTo(1, c.dy());
}

void gradSub(GradCtx& c) {
  if (c.wants(0)) c.addGradSumTo(0, c.dy());
  if (c.wants(1)) c.addGradSumTo(1, c.neg(c.dy()));
}

void gradMul(GradCtx& c) {
  if (c.wants(0)) c.addGradSumTo(0, c.mul(c.dy(), c.x(1)));
  if (c.wants(1)) c.addGradSumTo(1, c.mul(c.dy(), c.x(0)));
}

void gradDiv(GradCtx& c) {
  if (c.wants(0)) c.addGradSumTo(0, c.div(c.dy(), c.x(1)));
  if (c.wants(1)) c.addGradSumTo(1, c.neg(c.div(c.mul(c.dy(), c.y()), c.x(1))));  // -dy * a / b^2
}

void gradPow(GradCtx& c) {
  ValueId a = c.x(0), e = c.x(1);
  if (c.wants(0)) {
    ValueId em1 = c.sub(e, c.scalar(1, e));
    c.addGradSumTo(0, c.mul(c.dy(), c.mul(e, c.op(OpKind::Pow, {a, em1}))));
  }
  if (c.wants(1)) c.addGradSumTo(1, c.mul(c.dy(), c.mul(c.y(), c.op(OpKind::Log, {a}))));
}

// min/max: the gradient goes to the chosen operand, split in half at ties (as PyTorch does).
static void gradMinMax(GradCtx& c, OpKind wins) {
  ValueId a = c.x(0), b = c.x(1), dy = c.dy();
  ValueId half = c.mul(dy, c.scalar(0.5, dy)), zero = c.scalar(0, dy);
  ValueId tie = c.op(OpKind::Equal, {a, b});
  ValueId aWins = c.op(wins, {a, b}), bWins = c.op(wins, {b, a});
  if (c.wants(0)) c.addGradSumTo(0, c.where(aWins, dy, c.where(tie, half, zero)));
  if (c.wants(1)) c.addGradSumTo(1, c.where(bWins, dy, c.where(tie, half, zero)));
}

void gradMin(GradCtx& c) { gradMinMax(c, OpKind::Less); }
void gradMax(GradCtx& c) { gradMinMax(c, OpKind::Greater); }

void gradWhere(GradCtx& c) {
  ValueId cond = c.x(0), dy = c.dy(), zero = c.scalar(0, dy);
  if (c.wants(1)) c.addGradSumTo(1, c.where(cond, dy, zero));
  if (c.wants(2)) c.addGradSumTo(2, c.where(cond, zero, dy));
}

// relu_grad(dy, y) is linear in dy with y's mask; y is piecewise constant.
void gradReluGrad(GradCtx& c) {
  if (c.wants(0)) c.addGrad(0, c.op(OpKind::ReluGrad, {c.dy(), c.x(1)}));
}

}  // namespace graphc
