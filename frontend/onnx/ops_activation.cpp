// Importers of the ONNX activations graphc composes from IR ops: PRelu, Softplus, Softsign,
// Selu, Celu and Shrink. Each follows ONNX's definition, NaN included, and gets its gradient
// from the ops it is made of. (Mish is an op of opset 18; below it torch exports Mish as
// Softplus, Tanh and Mul.)
#include <fmt/format.h>

#include <cmath>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

Status requireFloat(ImportCtx& c) {
  if (!isFloat(c.type(0).dtype)) return c.unsupported(fmt::format("{} of {}", c.node().opType, c.type(0).str()));
  return ok();
}

// PRelu: x where x >= 0 (or NaN), slope * x below; the slope broadcasts to x.
Status preluOp(ImportCtx& c) {
  const TensorType x = c.type(0);
  if (!isFloat(x.dtype) && !isInteger(x.dtype)) return c.unsupported(fmt::format("PRelu of {}", x.str()));
  if (c.type(1).dtype != x.dtype) return c.malformed(fmt::format("slope is {}, x is {}", c.type(1).str(), x.str()));
  GRAPHC_ASSIGN(ValueId negative, c.emit(OpKind::Less, {c.in(0), scalarLike(c, x.dtype, 0)}));
  GRAPHC_ASSIGN(ValueId scaled, c.emit(OpKind::Mul, {c.in(0), c.in(1)}));
  if (c.graph().type(scaled).shape != x.shape) return c.malformed(fmt::format("slope {} does not broadcast to x {}", c.type(1).str(), x.str()));
  GRAPHC_ASSIGN(ValueId y, c.emit(OpKind::Where, {negative, scaled, c.in(0)}));
  c.setOut(0, y);
  return ok();
}

// softplus(x) = log(1 + exp(x)), as relu(x) + log(1 + exp(-|x|)): equal to it, and finite where
// exp(x) would overflow (x = 100 gives 100, not inf).
Result<ValueId> softplus(ImportCtx& c, ValueId x) {
  DType t = c.graph().type(x).dtype;
  GRAPHC_ASSIGN(ValueId positive, c.emit(OpKind::Relu, {x}));
  GRAPHC_ASSIGN(ValueId size, c.emit(OpKind::Abs, {x}));
  GRAPHC_ASSIGN(ValueId negated, c.emit(OpKind::Neg, {size}));
  GRAPHC_ASSIGN(ValueId e, c.emit(OpKind::Exp, {negated}));
  GRAPHC_ASSIGN(ValueId shifted, c.emit(OpKind::Add, {e, scalarLike(c, t, 1)}));
  GRAPHC_ASSIGN(ValueId logs, c.emit(OpKind::Log, {shifted}));
  return c.emit(OpKind::Add, {positive, logs});
}

Status softplusOp(ImportCtx& c) {
  GRAPHC_TRY(requireFloat(c));
  GRAPHC_ASSIGN(ValueId y, softplus(c, c.in(0)));
  c.setOut(0, y);
  return ok();
}

// Softsign: x / (1 + |x|).
Status softsignOp(ImportCtx& c) {
  GRAPHC_TRY(requireFloat(c));
  GRAPHC_ASSIGN(ValueId size, c.emit(OpKind::Abs, {c.in(0)}));
  GRAPHC_ASSIGN(ValueId denominator, c.emit(OpKind::Add, {size, scalarLike(c, c.type(0).dtype, 1)}));
  GRAPHC_ASSIGN(ValueId y, c.emit(OpKind::Div, {c.in(0), denominator}));
  c.setOut(0, y);
  return ok();
}

// Selu: gamma * elu(x, alpha).
Status seluOp(ImportCtx& c) {
  GRAPHC_TRY(requireFloat(c));
  GRAPHC_ASSIGN(double alpha, c.attrFloat("alpha", 1.67326319217681884765625));
  GRAPHC_ASSIGN(double gamma, c.attrFloat("gamma", 1.05070102214813232421875));
  GRAPHC_ASSIGN(ValueId e, c.emit(OpKind::Elu, {c.in(0)}, attrs(std::pair{"alpha", alpha})));
  GRAPHC_ASSIGN(ValueId y, c.emit(OpKind::Mul, {e, scalarLike(c, c.type(0).dtype, gamma)}));
  c.setOut(0, y);
  return ok();
}

// Celu: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)), as x where x > 0 and the exponential
// elsewhere (NaN included), which holds for a negative alpha too and never divides a positive x.
Status celuOp(ImportCtx& c) {
  GRAPHC_TRY(requireFloat(c));
  GRAPHC_ASSIGN(double alpha, c.attrFloat("alpha", 1.0));
  if (alpha == 0) return c.malformed("alpha is 0 (Celu divides by it)");
  DType t = c.type(0).dtype;
  ValueId x = c.in(0);
  GRAPHC_ASSIGN(ValueId positive, c.emit(OpKind::Greater, {x, scalarLike(c, t, 0)}));
  GRAPHC_ASSIGN(ValueId scaled, c.emit(OpKind::Div, {x, scalarLike(c, t, alpha)}));
  GRAPHC_ASSIGN(ValueId e, c.emit(OpKind::Exp, {scaled}));
  GRAPHC_ASSIGN(ValueId shifted, c.emit(OpKind::Sub, {e, scalarLike(c, t, 1)}));
  GRAPHC_ASSIGN(ValueId negative, c.emit(OpKind::Mul, {shifted, scalarLike(c, t, alpha)}));
  GRAPHC_ASSIGN(ValueId y, c.emit(OpKind::Where, {positive, x, negative}));
  c.setOut(0, y);
  return ok();
}

// Shrink: x + bias below -lambd, x - bias above lambd, 0 between (and for NaN, as ONNX's
// reference gives).
Status shrinkOp(ImportCtx& c) {
  const TensorType x = c.type(0);
  if (!isFloat(x.dtype) && !isInteger(x.dtype)) return c.unsupported(fmt::format("Shrink of {}", x.str()));
  GRAPHC_ASSIGN(double lambd, c.attrFloat("lambd", 0.5));
  GRAPHC_ASSIGN(double bias, c.attrFloat("bias", 0.0));
  if (isInteger(x.dtype) && bias != std::trunc(bias))  // ONNX adds it in float, then casts back
    return c.unsupported(fmt::format("Shrink of {} with a fractional bias {}", x.str(), bias));
  ValueId in = c.in(0);
  GRAPHC_ASSIGN(ValueId below, c.emit(OpKind::Less, {in, scalarLike(c, x.dtype, -lambd)}));
  GRAPHC_ASSIGN(ValueId above, c.emit(OpKind::Greater, {in, scalarLike(c, x.dtype, lambd)}));
  GRAPHC_ASSIGN(ValueId raised, c.emit(OpKind::Add, {in, scalarLike(c, x.dtype, bias)}));
  GRAPHC_ASSIGN(ValueId lowered, c.emit(OpKind::Sub, {in, scalarLike(c, x.dtype, bias)}));
  GRAPHC_ASSIGN(ValueId upper, c.emit(OpKind::Where, {above, lowered, scalarLike(c, x.dtype, 0)}));
  GRAPHC_ASSIGN(ValueId y, c.emit(OpKind::Where, {below, raised, upper}));
  c.setOut(0, y);
  return ok();
}

}  // namespace

void registerActivation(OpTable& t) {
  t["PRelu"] = {preluOp, 2, 2};
  t["Softplus"] = {softplusOp, 1, 1};
  t["Softsign"] = {softsignOp, 1, 1};
  t["Selu"] = {seluOp, 1, 1};
  t["Celu"] = {celuOp, 1, 1};
  t["Shrink"] = {shrinkOp, 1, 1};
}

}  // namespace graphc::onnxfe
