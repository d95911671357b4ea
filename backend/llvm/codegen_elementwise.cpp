// Elementwise ops: one loop nest over the output with NumPy broadcasting strides per operand;
// the scalar semantics (NaN rules, integer wrapping and division, cast) are the interpreter's.
#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>

#include <cmath>
#include <limits>

#include "backend/llvm/codegen.h"

namespace graphc::llvmjit {
namespace {

using llvm::Value;

// NaN in either operand (either is unordered with itself).
Value* isNaN(Emitter& e, Value* x) { return e.b.CreateFCmpUNO(x, x); }

Value* negate(Emitter& e, DType t, Value* x) { return isFloat(t) ? e.b.CreateFNeg(x) : e.b.CreateSub(e.constant(t, 0), x); }

// x < lo ? lo : x > hi ? hi : x, which keeps NaN (both comparisons are false).
Value* clip(Emitter& e, DType t, Value* x, Value* lo, Value* hi) {
  auto& b = e.b;
  Value* below = isFloat(t) ? b.CreateFCmpOLT(x, lo) : b.CreateICmpSLT(x, lo);
  Value* above = isFloat(t) ? b.CreateFCmpOGT(x, hi) : b.CreateICmpSGT(x, hi);
  return b.CreateSelect(below, lo, b.CreateSelect(above, hi, x));
}

// NumPy's sign: x > 0 ? 1 : x < 0 ? -1 : x, which keeps NaN; -0 gives +0 and integers 0.
Value* sign(Emitter& e, DType t, Value* x) {
  auto& b = e.b;
  Value* above = isFloat(t) ? b.CreateFCmpOGT(x, e.constant(t, 0)) : b.CreateICmpSGT(x, e.constant(t, 0));
  Value* below = isFloat(t) ? b.CreateFCmpOLT(x, e.constant(t, 0)) : b.CreateICmpSLT(x, e.constant(t, 0));
  Value* rest = isFloat(t) ? b.CreateSelect(isNaN(e, x), x, e.constant(t, 0)) : e.constant(t, 0);
  return b.CreateSelect(above, e.constant(t, 1), b.CreateSelect(below, e.constant(t, -1), rest));
}

// The integer bound that clip's float attribute gives: rounded inwards, saturated to T.
int64_t integerBound(DType t, double v, bool lower) {
  double r = lower ? std::ceil(v) : std::floor(v);
  double lo = t == DType::i32 ? (double)std::numeric_limits<int32_t>::lowest() : (double)std::numeric_limits<int64_t>::lowest();
  double hi = t == DType::i32 ? (double)std::numeric_limits<int32_t>::max() : (double)std::numeric_limits<int64_t>::max();
  if (r <= lo) return t == DType::i32 ? std::numeric_limits<int32_t>::lowest() : std::numeric_limits<int64_t>::lowest();
  if (r >= hi) return t == DType::i32 ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max();
  return (int64_t)r;
}

Value* unary(Emitter& e, const Node& n, DType t, Value* x) {
  auto& b = e.b;
  OpCtx c{n.info(), {}, n.attrs};
  switch (n.op) {
    case OpKind::Neg: return negate(e, t, x);
    case OpKind::Abs:
      if (isFloat(t)) return e.intrinsic(llvm::Intrinsic::fabs, {x});
      return b.CreateSelect(b.CreateICmpSLT(x, e.constant(t, 0)), negate(e, t, x), x);
    case OpKind::Sqrt: return e.intrinsic(llvm::Intrinsic::sqrt, {x});
    case OpKind::Exp: return emitExp(e, x);
    case OpKind::Log: return e.intrinsic(llvm::Intrinsic::log, {x});
    case OpKind::Erf: return emitErf(e, x);
    case OpKind::Reciprocal: return b.CreateFDiv(e.constant(t, 1), x);
    case OpKind::Relu: return emitActivation(e, Activation::Relu, 0, 0, t, x);
    case OpKind::LeakyRelu: return emitActivation(e, Activation::LeakyRelu, c.f("alpha"), 0, t, x);
    case OpKind::Elu: return emitActivation(e, Activation::Elu, c.f("alpha"), 0, t, x);
    case OpKind::Sigmoid: return emitActivation(e, Activation::Sigmoid, 0, 0, t, x);
    case OpKind::Tanh: return emitActivation(e, Activation::Tanh, 0, 0, t, x);
    case OpKind::Gelu: return emitActivation(e, Activation::Gelu, 0, 0, t, x);
    case OpKind::Silu: return emitActivation(e, Activation::Silu, 0, 0, t, x);
    // As the interpreter computes them: clip(alpha*x + beta, 0, 1) and x * clip(x/6 + 1/2, 0, 1).
    case OpKind::HardSigmoid:
      return emitActivation(e, Activation::Clip, 0, 1, t,
                            b.CreateFAdd(b.CreateFMul(e.constant(t, c.f("alpha")), x), e.constant(t, c.f("beta"))));
    case OpKind::HardSwish:
      return b.CreateFMul(x, emitActivation(e, Activation::Clip, 0, 1, t,
                                            b.CreateFAdd(b.CreateFDiv(x, e.constant(t, 6)), e.constant(t, 0.5))));
    // LLVM intrinsics where it has them (libmvec vectorizes sin and cos), libm otherwise.
    case OpKind::Sin: return e.intrinsic(llvm::Intrinsic::sin, {x});
    case OpKind::Cos: return e.intrinsic(llvm::Intrinsic::cos, {x});
    case OpKind::Tan: return e.callMath("tanf", "tan", {x});
    case OpKind::Asin: return e.callMath("asinf", "asin", {x});
    case OpKind::Acos: return e.callMath("acosf", "acos", {x});
    case OpKind::Atan: return e.callMath("atanf", "atan", {x});
    case OpKind::Sinh: return e.callMath("sinhf", "sinh", {x});
    case OpKind::Cosh: return e.callMath("coshf", "cosh", {x});
    case OpKind::Asinh: return e.callMath("asinhf", "asinh", {x});
    case OpKind::Acosh: return e.callMath("acoshf", "acosh", {x});
    case OpKind::Atanh: return e.callMath("atanhf", "atanh", {x});
    case OpKind::Floor: return e.intrinsic(llvm::Intrinsic::floor, {x});
    case OpKind::Ceil: return e.intrinsic(llvm::Intrinsic::ceil, {x});
    case OpKind::Round: return e.intrinsic(llvm::Intrinsic::roundeven, {x});  // halves to even
    case OpKind::Sign: return sign(e, t, x);
    case OpKind::Clip:
      if (isFloat(t)) return emitActivation(e, Activation::Clip, c.f("min"), c.f("max"), t, x);
      return clip(e, t, x, llvm::ConstantInt::get(e.type(t), (uint64_t)integerBound(t, c.f("min"), true), true),
                  llvm::ConstantInt::get(e.type(t), (uint64_t)integerBound(t, c.f("max"), false), true));
    default: return nullptr;
  }
}

Value* binary(Emitter& e, OpKind op, DType t, Value* x, Value* y) {
  auto& b = e.b;
  bool f = isFloat(t);
  switch (op) {
    case OpKind::Add: return f ? b.CreateFAdd(x, y) : b.CreateAdd(x, y);  // integers wrap: no nsw
    case OpKind::Sub: return f ? b.CreateFSub(x, y) : b.CreateSub(x, y);
    case OpKind::Mul: return f ? b.CreateFMul(x, y) : b.CreateMul(x, y);
    case OpKind::Div: {
      if (f) return b.CreateFDiv(x, y);
      // Truncating division; lowest / -1 wraps. Zero divisors were refused before the loop, so
      // the divisor is replaced only to keep the (speculated) sdiv from trapping.
      Value* minusOne = b.CreateICmpEQ(y, e.constant(t, -1));
      Value* safe = b.CreateSelect(b.CreateOr(minusOne, b.CreateICmpEQ(y, e.constant(t, 0))), e.constant(t, 1), y);
      return b.CreateSelect(minusOne, negate(e, t, x), b.CreateSDiv(x, safe));
    }
    case OpKind::Pow: return e.intrinsic(llvm::Intrinsic::pow, {x, y});
    case OpKind::Min:
      if (!f) return b.CreateSelect(b.CreateICmpSLT(x, y), x, y);
      return b.CreateSelect(b.CreateOr(b.CreateFCmpOLT(x, y), isNaN(e, x)), x, y);  // NaN wins
    case OpKind::Max:
      if (!f) return b.CreateSelect(b.CreateICmpSGT(x, y), x, y);
      return b.CreateSelect(b.CreateOr(b.CreateFCmpOGT(x, y), isNaN(e, x)), x, y);
    default: return nullptr;
  }
}

Value* compare(Emitter& e, OpKind op, DType t, Value* x, Value* y) {
  auto& b = e.b;
  Value* r = nullptr;
  bool f = isFloat(t), u = t == DType::boolean;
  switch (op) {
    case OpKind::Equal: r = f ? b.CreateFCmpOEQ(x, y) : b.CreateICmpEQ(x, y); break;
    case OpKind::Less: r = f ? b.CreateFCmpOLT(x, y) : u ? b.CreateICmpULT(x, y) : b.CreateICmpSLT(x, y); break;
    default: r = f ? b.CreateFCmpOGT(x, y) : u ? b.CreateICmpUGT(x, y) : b.CreateICmpSGT(x, y); break;
  }
  return b.CreateZExt(r, b.getInt8Ty());
}

// graphc's cast (ir/convert.h): float to integer truncates, saturates and maps NaN to 0, which
// is exactly llvm.fptosi.sat (fptoui.sat to u8, u16); to bool is x != 0; bool, u8 and u16 read
// as unsigned; integer narrowing wraps.
Value* cast(Emitter& e, DType from, DType to, Value* x) {
  auto& b = e.b;
  // bf16 and f16 load widened and store rounded (Emitter::load, store): in between it is f32.
  // An f64 bound for f16 is rounded to odd in f32, so that the store's rounding is its only one.
  if (from == DType::f64 && to == DType::f16) return e.roundToOddF32(x);
  bool fromFloat = isFloat(from), toFloat = isFloat(to), fromUnsigned = isUnsigned(from);
  from = accumulationType(from == DType::f16 ? DType::f32 : from);
  to = accumulationType(to == DType::f16 ? DType::f32 : to);
  llvm::Type* target = e.type(to);
  if (from == to) return x;
  if (to == DType::boolean) {
    Value* nonzero = fromFloat ? b.CreateFCmpUNE(x, llvm::ConstantFP::get(x->getType(), 0))
                               : b.CreateICmpNE(x, llvm::ConstantInt::get(x->getType(), 0));
    return b.CreateZExt(nonzero, target);
  }
  if (fromFloat && toFloat) return b.CreateFPCast(x, target);
  if (fromFloat)
    return b.CreateIntrinsic(isUnsigned(to) ? llvm::Intrinsic::fptoui_sat : llvm::Intrinsic::fptosi_sat, {target, x->getType()}, {x});
  if (toFloat) return fromUnsigned ? b.CreateUIToFP(x, target) : b.CreateSIToFP(x, target);
  return fromUnsigned ? b.CreateZExtOrTrunc(x, target) : b.CreateSExtOrTrunc(x, target);
}

// Which dtypes each op has a kernel for, as in the interpreter.
bool supports(const Node& n, DType t) {
  bool f = t == DType::f32 || t == DType::f64, i = isInteger(t);
  if (n.info().has(kFloatOnly)) return f;
  switch (n.op) {
    case OpKind::Equal: case OpKind::Less: case OpKind::Greater: case OpKind::Where:
      return f || i || t == DType::boolean;
    case OpKind::Cast:
      return true;  // every pair of dtypes
    default: return f || i;
  }
}

}  // namespace

Value* emitActivation(Emitter& e, Activation a, double alpha, double beta, DType t, Value* x) {
  auto& b = e.b;
  // Constants of x's type: scalars, or splats when x is a vector (a conv's register tile).
  auto k = [&](double v) -> Value* { return isFloat(t) ? llvm::ConstantFP::get(x->getType(), v) : e.constant(t, v); };
  Value* zero = k(0);
  Value* negative = isFloat(t) ? b.CreateFCmpOLT(x, zero) : b.CreateICmpSLT(x, zero);
  switch (a) {
    case Activation::None: return x;
    case Activation::Relu: return b.CreateSelect(negative, zero, x);
    case Activation::LeakyRelu: return b.CreateSelect(negative, b.CreateFMul(k(alpha), x), x);
    case Activation::Elu:
      return b.CreateSelect(negative, b.CreateFMul(k(alpha), e.callMath("expm1f", "expm1", {x})), x);
    case Activation::Sigmoid: {
      Value* one = k(1);
      return b.CreateFDiv(one, b.CreateFAdd(one, emitExp(e, b.CreateFNeg(x))));
    }
    case Activation::Tanh: return emitTanh(e, x);
    case Activation::Gelu: return emitGelu(e, x);
    case Activation::Silu: return b.CreateFMul(x, emitActivation(e, Activation::Sigmoid, 0, 0, t, x));
    case Activation::Clip: return clip(e, t, x, k(alpha), k(beta));
  }
  return x;
}

Status checkElementwise(const Graph& g, const Node& n) {
  DType t = g.type(n.operands[n.op == OpKind::Where ? 1 : 0]).dtype, to = g.type(n.results[0]).dtype;
  if (!supports(n, t)) return Error(fmt::format("no kernel for {}", dtypeName(t)));
  if (n.op == OpKind::Cast && !supports(n, to)) return Error(fmt::format("no kernel for {}", dtypeName(to)));
  return ok();
}

void emitDivisorCheck(Emitter& e, ValueId divisor) {
  DType t = e.graph.type(divisor).dtype;
  e.loop(e.graph.type(divisor).numel(), [&](Value* i) {
    e.failIf(e.b.CreateICmpEQ(e.load(divisor, i), e.constant(t, 0)), "div: integer division by zero");
  });
}

Value* emitElementwiseScalar(Emitter& e, const Node& n, std::span<Value* const> x) {
  const Graph& g = e.graph;
  DType t = g.type(n.operands[n.op == OpKind::Where ? 1 : 0]).dtype;
  if (n.op == OpKind::Where) return e.b.CreateSelect(e.b.CreateICmpNE(x[0], e.b.getInt8(0)), x[1], x[2]);
  if (n.op == OpKind::Cast) return cast(e, t, g.type(n.results[0]).dtype, x[0]);
  if (n.op == OpKind::Equal || n.op == OpKind::Less || n.op == OpKind::Greater) return compare(e, n.op, t, x[0], x[1]);
  if (n.info().has(kBinary)) return binary(e, n.op, t, x[0], x[1]);
  return unary(e, n, t, x[0]);
}

Status emitElementwise(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId result = n.results[0];
  const Shape& out = g.type(result).shape;
  GRAPHC_TRY(checkElementwise(g, n));
  // Every divisor is read when the output is not empty: refuse a zero one up front, as the
  // interpreter does, and keep the main loop free of exits (so it vectorizes).
  if (n.op == OpKind::Div && isInteger(g.type(n.operands[0]).dtype) && g.type(result).numel() > 0)
    emitDivisorCheck(e, n.operands[1]);
  LoopNest nest(out);
  nest.add(stridesOf(out));
  for (ValueId v : n.operands) nest.add(broadcastStrides(g.type(v).shape, out));
  nest.coalesce();
  e.nest(nest, [&](std::span<Value* const> at) {
    std::vector<Value*> x;
    for (size_t k = 0; k < n.operands.size(); ++k) x.push_back(e.load(n.operands[k], at[k + 1]));
    e.store(result, at[0], emitElementwiseScalar(e, n, x));
  }, true);
  return ok();
}

}  // namespace graphc::llvmjit
