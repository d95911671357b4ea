// f32 exp, erf and tanh as inline, branch-free polynomials, so that a fused loop that uses them
// stays one vector loop: a libmvec call spills the loop's live vectors around every call, and
// its erf, tanh and exp took 60 % of W6's chain. f64 keeps libm (and libmvec).
//
// The coefficients are near-minimax fits (Lawson-weighted least squares against mpmath, then
// rounded to f32 and checked in f32 arithmetic). Accuracy against correctly rounded results,
// measured over dense sweeps (tests/llvm/math.cpp checks it against glibc): exp 1 ulp, tanh 5 ulp,
// erf 6 ulp (just below 1); gelu 4 ulp for x >= 0 and, in its left tail, where 1/2 + erf/2
// cancels (as in the interpreter's formula), an absolute error below 2^-22 |x|. NaN stays NaN,
// +-Inf and the saturated ranges give exact limits, -0 stays -0.
#include <llvm/IR/Intrinsics.h>

#include <cmath>
#include <iterator>
#include <span>

#include "backend/llvm/codegen.h"

namespace graphc::llvmjit {
namespace {

using llvm::Value;

// exp(r) = 1 + r + r^2 S(r) on |r| <= ln2/2.
constexpr float kExpS[] = {0.49999994f, 0.16666515f, 0.041668456f, 0.008369413f, 0.0013813054f};
// erf(x) = x P(x^2) / Q(x^2) on |x| <= 4; beyond, erf rounds to +-1.
constexpr float kErfP[] = {1.1283791f, 0.20712431f, 0.051524688f, 0.0039904895f, 0.0001472814f, -1.9422255e-06f, 1.910974e-08f};
constexpr float kErfQ[] = {1.0f, 0.5168904f, 0.117970295f, 0.014957936f, 0.0010210825f};
// tanh(x) = x P(x^2) / Q(x^2) on |x| <= 9.1; beyond, tanh rounds to +-1.
constexpr float kTanhP[] = {1.0f, 0.1307972f, 0.0030991577f, 1.1103877e-05f, -2.0018916e-08f, 5.1775677e-11f, -8.228127e-14f};
constexpr float kTanhQ[] = {1.0f, 0.46413046f, 0.024476089f, 0.00025391442f};

struct Math {
  Emitter& e;
  llvm::IRBuilder<>& b;
  llvm::Type* t;  // float or a vector of float
  // Nothing here may be reassociated: the range reduction and Horner's order are the accuracy.
  llvm::IRBuilderBase::FastMathFlagGuard strict;

  Math(Emitter& em, Value* x) : e(em), b(em.b), t(x->getType()), strict(em.b) {
    b.clearFastMathFlags();
    e.longLatencyBody = true;
  }

  Value* k(double v) { return llvm::ConstantFP::get(t, v); }
  Value* fma(Value* a, Value* x, Value* c) { return e.intrinsic(llvm::Intrinsic::fmuladd, {a, x, c}); }
  Value* horner(Value* z, std::span<const float> c) {
    Value* r = k(c.back());
    for (size_t i = c.size() - 1; i-- > 0;) r = fma(r, z, k(c[i]));
    return r;
  }
  // x clamped to [lo, hi], NaN kept. Each select compares the value it passes on, so that on x86
  // it is one vminps/vmaxps (which return their second operand, here x, when either is NaN).
  Value* clamp(Value* x, double lo, double hi) {
    Value* c = b.CreateSelect(b.CreateFCmpOGT(x, k(hi)), k(hi), x);
    return b.CreateSelect(b.CreateFCmpOLT(c, k(lo)), k(lo), c);
  }
  // x P(x^2) / Q(x^2), the odd rational form of erf and tanh. Its rounding can pass +-1 by an
  // ulp or two near the clamp, so each caller clamps the result.
  Value* oddRational(Value* x, std::span<const float> p, std::span<const float> q) {
    return b.CreateFMul(x, evenRational(x, p, q));
  }
  // P(x^2) / Q(x^2).
  Value* evenRational(Value* x, std::span<const float> p, std::span<const float> q) {
    Value* z = b.CreateFMul(x, x);
    return b.CreateFDiv(horner(z, p), horner(z, q));
  }
  // 2^n for integer n in [-126, 127], built in the exponent field.
  Value* pow2(Value* n) {
    llvm::Type* it = n->getType();
    return b.CreateBitCast(b.CreateShl(b.CreateAdd(n, llvm::ConstantInt::get(it, 127)), llvm::ConstantInt::get(it, 23)), t);
  }
};

}  // namespace

Value* emitExp(Emitter& e, Value* x) {
  if (!x->getType()->getScalarType()->isFloatTy()) return e.intrinsic(llvm::Intrinsic::exp, {x});
  Math m(e, x);
  auto& b = m.b;
  // exp(x) = 2^n exp(r), x = n ln2 + r. Outside [-104, 89] the result is 0 or +Inf. NaN passes
  // the clamp and makes p NaN, so y is NaN whatever exponent the conversion of NaN gives.
  Value* xc = m.clamp(x, -104, 89);
  // n = round-to-even(x log2 e) by adding and subtracting 1.5 * 2^23 (|n| <= 150): plain adds on
  // every x86 (llvm.roundeven is a libm call per lane without SSE4.1, as for --target-cpu x86-64).
  Value* magic = m.k(12582912.0);
  Value* shifted = m.fma(xc, m.k(1.44269504088896341), magic);
  Value* n = b.CreateFSub(shifted, magic);
  // ln2 in two parts (Cody and Waite): n * 0.693145751953125 (15 significant bits) is exact for
  // |n| < 2^9.
  Value* r = m.fma(n, m.k(-0.693145751953125), xc);
  r = m.fma(n, m.k(-1.428606765330187e-06), r);
  Value* p = b.CreateFAdd(m.fma(b.CreateFMul(r, r), m.horner(r, kExpS), r), m.k(1));
  // 2^n in two factors, so that n in [-150, 128] (subnormal results, overflow to Inf) needs no
  // exponent outside the normal range.
  // n as an integer from the low bits of 1.5 * 2^23 + n: unlike fptosi, defined (if meaningless)
  // for NaN, whose p then makes y NaN.
  llvm::Type* it = m.t->getWithNewType(b.getInt32Ty());
  Value* ni = b.CreateSub(b.CreateBitCast(shifted, it), b.CreateBitCast(magic, it));
  Value* n1 = b.CreateAShr(ni, llvm::ConstantInt::get(ni->getType(), 1));
  return b.CreateFMul(b.CreateFMul(p, m.pow2(n1)), m.pow2(b.CreateSub(ni, n1)));
}

Value* emitErf(Emitter& e, Value* x) {
  if (!x->getType()->getScalarType()->isFloatTy()) return e.callMath("erff", "erf", {x});
  Math m(e, x);
  return m.clamp(m.oddRational(m.clamp(x, -4, 4), kErfP, kErfQ), -1, 1);
}

Value* emitGelu(Emitter& e, Value* x) {
  auto& b = e.b;
  if (!x->getType()->getScalarType()->isFloatTy()) {
    // Exact (erf) gelu, 0.5 x (1 + erf(x / sqrt 2)), in the interpreter's order.
    Value* erf = emitErf(e, b.CreateFMul(x, llvm::ConstantFP::get(x->getType(), 0.70710678118654752440)));
    Value* half = llvm::ConstantFP::get(x->getType(), 0.5), *one = llvm::ConstantFP::get(x->getType(), 1);
    return b.CreateFMul(b.CreateFMul(half, x), b.CreateFAdd(one, erf));
  }
  // gelu(x) = x Phi(x), Phi(x) = 1/2 + erf(x / sqrt 2) / 2 = 1/2 + x P(x^2/2) / (2 sqrt2 Q(x^2/2)).
  // erf's rational with x^2/2 and 1/(2 sqrt 2) folded into its coefficients saves the scaling of
  // x, the 1 + erf and the halving: three of gelu's multiplies and adds.
  Math m(e, x);
  float p[std::size(kErfP)], q[std::size(kErfQ)];
  for (size_t i = 0; i < std::size(kErfP); ++i) p[i] = (float)std::ldexp(kErfP[i] * 0.35355339059327376220, -(int)i);
  for (size_t i = 0; i < std::size(kErfQ); ++i) q[i] = (float)std::ldexp(kErfQ[i], -(int)i);
  // Beyond |x| = 4 sqrt 2, erf(x / sqrt 2) rounds to +-1, as beyond erf's own clamp.
  Value* xc = m.clamp(x, -5.6568542494923802, 5.6568542494923802);
  Value* phi = m.fma(xc, m.evenRational(xc, p, q), m.k(0.5));
  return b.CreateFMul(x, m.clamp(phi, 0, 1));
}

Value* emitTanh(Emitter& e, Value* x) {
  if (!x->getType()->getScalarType()->isFloatTy()) return e.callMath("tanhf", "tanh", {x});
  Math m(e, x);
  return m.clamp(m.oddRational(m.clamp(x, -9.1, 9.1), kTanhP, kTanhQ), -1, 1);
}

}  // namespace graphc::llvmjit
