// f32 exp, erf and tanh as inline, branch-free polynomials, so that a fused loop that uses them
// stays one vector loop: a libmvec call spills the loop's live vectors around every call, and
// its erf, tanh and exp took 60 % of W6's chain. f64 keeps libm (and libmvec).
//
// The coefficients are near-minimax fits (Lawson-weighted least squares against mpmath, then
// rounded to f32 and checked in f32 arithmetic). Accuracy against correctly rounded results,
// measured over dense sweeps (tests/llvm/math.cpp checks it against glibc): exp 1 ulp, tanh 5 ulp,
// erf 6 ulp (just below 1). NaN stays NaN, +-Inf and the saturated ranges give exact limits,
// -0 stays -0.
#include <llvm/IR/Intrinsics.h>

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
  // x < lo ? lo : x > hi ? hi : x, which keeps NaN.
  Value* clamp(Value* x, double lo, double hi) {
    return b.CreateSelect(b.CreateFCmpOLT(x, k(lo)), k(lo), b.CreateSelect(b.CreateFCmpOGT(x, k(hi)), k(hi), x));
  }
  // x P(x^2) / Q(x^2), the odd rational form of erf and tanh, clamped to [-1, 1].
  Value* oddRational(Value* x, std::span<const float> p, std::span<const float> q) {
    Value* z = b.CreateFMul(x, x);
    return clamp(b.CreateFMul(x, b.CreateFDiv(horner(z, p), horner(z, q))), -1, 1);
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
  // exp(x) = 2^n exp(r), x = n ln2 + r. Outside [-104, 89] the result is 0 or +Inf; the clamp
  // maps NaN to -104 (its compares are false), so the conversion below never sees NaN.
  Value* xc = b.CreateSelect(b.CreateFCmpOGT(x, m.k(-104)), x, m.k(-104));
  xc = b.CreateSelect(b.CreateFCmpOLT(xc, m.k(89)), xc, m.k(89));
  // n = round-to-even(x log2 e) by adding and subtracting 1.5 * 2^23 (|n| <= 150): plain adds on
  // every x86 (llvm.roundeven is a libm call per lane without SSE4.1, as for --target-cpu x86-64).
  Value* magic = m.k(12582912.0);
  Value* n = b.CreateFSub(b.CreateFAdd(b.CreateFMul(xc, m.k(1.44269504088896341)), magic), magic);
  // ln2 in two parts (Cody and Waite): n * 0.693145751953125 (15 significant bits) is exact for
  // |n| < 2^9.
  Value* r = m.fma(n, m.k(-0.693145751953125), xc);
  r = m.fma(n, m.k(-1.428606765330187e-06), r);
  Value* p = b.CreateFAdd(m.fma(b.CreateFMul(r, r), m.horner(r, kExpS), r), m.k(1));
  // 2^n in two factors, so that n in [-150, 128] (subnormal results, overflow to Inf) needs no
  // exponent outside the normal range.
  Value* ni = b.CreateFPToSI(n, m.t->getWithNewType(b.getInt32Ty()));
  Value* n1 = b.CreateAShr(ni, llvm::ConstantInt::get(ni->getType(), 1));
  Value* y = b.CreateFMul(b.CreateFMul(p, m.pow2(n1)), m.pow2(b.CreateSub(ni, n1)));
  return b.CreateSelect(b.CreateFCmpUNO(x, x), x, y);
}

Value* emitErf(Emitter& e, Value* x) {
  if (!x->getType()->getScalarType()->isFloatTy()) return e.callMath("erff", "erf", {x});
  Math m(e, x);
  return m.oddRational(m.clamp(x, -4, 4), kErfP, kErfQ);
}

Value* emitTanh(Emitter& e, Value* x) {
  if (!x->getType()->getScalarType()->isFloatTy()) return e.callMath("tanhf", "tanh", {x});
  Math m(e, x);
  return m.oddRational(m.clamp(x, -9.1, 9.1), kTanhP, kTanhQ);
}

}  // namespace graphc::llvmjit
