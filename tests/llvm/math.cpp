// llvm backend: the inline f32 exp, erf, tanh, sigmoid and gelu (codegen_math.cpp) against libm, in
// ulps, over dense sweeps of their working ranges, random bit patterns of the whole float range
// and the edges: NaN, +-Inf, +-0, subnormals, overflow and underflow thresholds, the clamps.
#include <bit>
#include <cfloat>
#include <random>

#include "tests/llvm/check.h"

namespace graphc::test {

// Distance in representable floats (0 and -0 are one point).
static int64_t ulpDistance(float a, float b) {
  auto key = [](float f) -> int64_t {
    int32_t i = std::bit_cast<int32_t>(f);
    return i < 0 ? -(int64_t)(i & 0x7fffffff) : i;
  };
  return std::abs(key(a) - key(b));
}

static std::vector<float> mathInputs(double lo, double hi) {
  const float edges[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN, FLT_TRUE_MIN,
                         -FLT_TRUE_MIN, 88.72283f, 88.72284f, 89.0f, 89.5f, -87.33654f, -103.9720f, -103.9721f,
                         -104.0f, -150.0f, 4.0f, -4.0f, 3.9f, 9.1f, -9.1f, 9.0f, 1e-20f, -1e-20f, 1e-3f, 0.5f};
  // The edges first and again in the middle, so that the vector body meets them, not only the
  // loop's scalar remainder.
  std::vector<float> xs(std::begin(edges), std::end(edges));
  for (double x = lo; x < hi; x += (hi - lo) / 200000) xs.push_back((float)x);
  xs.insert(xs.end(), std::begin(edges), std::end(edges));
  std::mt19937 rng(7);
  for (int i = 0; i < 100000; ++i) xs.push_back(std::bit_cast<float>((uint32_t)rng()));
  xs.insert(xs.end(), std::begin(edges), std::end(edges));
  return xs;
}

struct MathCase {
  OpKind op;
  float (*libm)(float);
  int64_t maxUlp;  // the documented bound (codegen_math.cpp)
  double lo, hi;   // the sweep
  // Or an absolute error up to this times |x|: in gelu's left tail, x (1/2 + erf(x / sqrt 2) / 2)
  // cancels in f32 (as in the interpreter's formula), so Phi keeps erf's absolute error, not a
  // relative one.
  double perX = 0;
};

// The interpreter's formula: exp's error can double in 1 + exp(-x) (a tie once exp(-x) > 2^24).
static float sigmoidOfLibm(float x) { return 1.0f / (1.0f + std::exp(-x)); }
// Exact in double: x Phi(x), with erfc for Phi's tail.
static float geluOfLibm(float x) { return (float)(x * 0.5 * std::erfc(-x / std::sqrt(2.0))); }

TEST_CASE("llvm: the inline f32 exp, erf, tanh, sigmoid and gelu stay within their ulp bounds of libm, and exact at the edges") {
  const MathCase cases[] = {
      {OpKind::Exp, [](float x) { return std::exp(x); }, 1, -104, 89},
      {OpKind::Erf, [](float x) { return std::erf(x); }, 6, -4.5, 4.5},
      {OpKind::Tanh, [](float x) { return std::tanh(x); }, 5, -10, 10},
      {OpKind::Sigmoid, sigmoidOfLibm, 4, -90, 90},
      {OpKind::Gelu, geluOfLibm, 4, -7, 7, 0x1p-22},
  };
  for (const MathCase& c : cases) {
    INFO(opName(c.op));
    std::vector<float> xs = mathInputs(c.lo, c.hi);
    Tensor x = Tensor::fromVector<float>(DType::f32, {(int64_t)xs.size()}, xs);
    std::vector<Tensor> out = runLlvm(opGraph(c.op, {{DType::f32, {x.numel()}}}), std::span(&x, 1));
    const float* got = out[0].data<float>();
    int64_t worst = 0, wrong = 0;
    float worstAt = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
      float want = c.libm(xs[i]);
      bool ok = std::isnan(want) ? std::isnan(got[i])
                                 : !std::isnan(got[i]) && (ulpDistance(got[i], want) <= c.maxUlp ||
                                                           std::abs((double)got[i] - want) <= c.perX * std::abs(xs[i]));
      // Signed zeros and infinities are exact.
      if (ok && (want == 0 || std::isinf(want))) ok = got[i] == want && std::signbit(got[i]) == std::signbit(want);
      if (!ok && wrong++ < 5) FAIL_CHECK("x = " << xs[i] << ": got " << got[i] << ", libm " << want);
      if (!std::isnan(want) && !std::isnan(got[i]) && ulpDistance(got[i], want) > worst) {
        worst = ulpDistance(got[i], want);
        worstAt = xs[i];
      }
    }
    CHECK(wrong == 0);
    MESSAGE(opName(c.op), ": worst ", worst, " ulp (x = ", worstAt, ") over ", xs.size(), " inputs");
  }
}

// The vector forms the convolutions' register tiles use (emitActivation on <N x float>) are the
// same code: a fused conv + tanh / gelu agrees with the interpreter.
TEST_CASE("llvm: a convolution's fused tanh, gelu and sigmoid epilogues use the inline functions too") {
  for (const char* act : {"tanh", "gelu", "sigmoid"}) {
    INFO(act);
    AttrMap a = attrs({{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
    a.set("activation", std::string(act));
    Graph g = opGraph(OpKind::Conv2d, {{DType::f32, {1, 3, 9, 9}}, {DType::f32, {16, 3, 3, 3}}, {DType::f32, {16}}}, a);
    checkAgainstRef(g, makeInputs(g, 3, -2, 2, true), 2e-6);
  }
}

}  // namespace graphc::test
