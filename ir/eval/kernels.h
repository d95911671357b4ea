// Internal to ir/eval: the kernel signature, one entry point per op family, helpers.
#pragma once

#include <algorithm>
#include <cmath>
#include <span>
#include <type_traits>

#include "ir/op.h"
#include "ir/tensor.h"

namespace graphc::eval {

// Every kernel gets the op context (attributes with defaults filled in, operand types already
// checked by shape inference), the operand tensors and the result type it must produce.
using KernelFn = Result<Tensor> (*)(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);

Result<Tensor> evalUnary(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalBinary(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalCompare(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalWhere(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalCast(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalReduce(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalTopK(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalSoftmax(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalLayerNorm(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalBatchNorm(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalReshape(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalTranspose(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalConcat(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalSlice(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalGather(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalExpand(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalMatMul(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalDense(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalConv2d(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalMaxPool2d(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalAvgPool2d(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalGlobalAvgPool(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalPad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalPadGrad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);

// Backward ops (grad.cpp, movement.cpp) and optimizer updates (optim.cpp).
Result<Tensor> evalReluGrad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalConv2dGradInput(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalConv2dGradWeight(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalMaxPool2dGrad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalAvgPool2dGrad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalGatherGrad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalSliceGrad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalOneHot(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
Result<Tensor> evalSgdUpdate(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);
// Collectives as one rank sees them (collective.cpp): pack a bucket, unpack it.
Result<Tensor> evalAllreduceStart(const OpCtx& c, std::span<const Tensor> in, const TensorType& out);

// Ops with several results.
using MultiKernelFn = Result<std::vector<Tensor>> (*)(const OpCtx& c, std::span<const Tensor> in,
                                                      std::span<const TensorType> out);
Result<std::vector<Tensor>> evalDenseGrad(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out);
Result<std::vector<Tensor>> evalSoftmaxCrossEntropy(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out);
Result<std::vector<Tensor>> evalLayerNormGrad(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out);
Result<std::vector<Tensor>> evalMomentumUpdate(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out);
Result<std::vector<Tensor>> evalAdamUpdate(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out);
Result<std::vector<Tensor>> evalAllreduceWait(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out);

// For every position of `shape` (row-major), start + sum of position[d] * strides[d]: the
// offsets a strided walk over `shape` reads, in order.
std::vector<int64_t> stridedOffsets(const Shape& shape, std::span<const int64_t> strides, int64_t start = 0);

// For every element of `out` (row-major), the flat index of the element of a tensor of shape
// `in` that NumPy broadcasting reads there. `in` must broadcast to `out`.
std::vector<int64_t> broadcastIndex(const Shape& in, const Shape& out);

// Sums and dot products of f32 run in double so that the reference is more accurate than any
// backend it judges; every other dtype accumulates in itself (ints in int64, see reduce.cpp).
template <class T>
using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;

// The activation a fused op (dense, conv2d) applies; alpha/beta as documented in ops.def.
struct Epilogue {
  Activation act = Activation::None;
  double alpha = 0, beta = 0;
  static Epilogue of(const OpCtx& c);
  double operator()(double x) const;
  // The derivative at the pre-activation z, from the output y = act(z); NaN for gelu, whose
  // derivative needs z itself.
  double derivativeFromOutput(double y) const;
};

// The window attributes every conv and pool op shares, with dilations 1 when the op has none.
struct Window {
  int64_t sh, sw, pt, pl, pb, pr, dh = 1, dw = 1;
  static Window of(const OpCtx& c, bool hasDilations) {
    const auto &s = c.ints("strides"), &p = c.ints("pads");
    Window w{s[0], s[1], p[0], p[1], p[2], p[3]};
    if (hasDilations) w.dh = c.ints("dilations")[0], w.dw = c.ints("dilations")[1];
    return w;
  }

  // Calls f(yi, xi) for each tap of the window of output (y0, x0) that lies inside the ih x iw
  // input, in row-major order; padded positions are skipped.
  template <class F>
  void forEachTap(int64_t y0, int64_t x0, int64_t kh, int64_t kw, int64_t ih, int64_t iw, F&& f) const {
    int64_t ys = y0 * sh - pt, xs = x0 * sw - pl;
    for (int64_t r = 0; r < kh; ++r) {
      int64_t yi = ys + r * dh;
      if (yi < 0 || yi >= ih) continue;
      for (int64_t s = 0; s < kw; ++s) {
        int64_t xi = xs + s * dw;
        if (xi >= 0 && xi < iw) f(yi, xi);
      }
    }
  }

  // An average pool's divisor: the real taps, or with count_include_pad the window clipped to
  // the padded input (PyTorch's rule, which matters when ceil_mode lets a window overhang).
  int64_t avgDivisor(int64_t y0, int64_t x0, int64_t kh, int64_t kw, int64_t ih, int64_t iw, bool includePad,
                     int64_t realTaps) const {
    if (!includePad) return realTaps;
    int64_t ys = y0 * sh - pt, xs = x0 * sw - pl;
    return (std::min(ys + kh, ih + pb) - ys) * (std::min(xs + kw, iw + pr) - xs);
  }
};

// Scalar definitions shared by the unary ops and the fused activations, so both agree exactly.
// NaN propagates through relu/clip/min/max as it does in NumPy.
template <class T> T relu(T x) { return x < T(0) ? T(0) : x; }
template <class T> T leakyRelu(T x, T alpha) { return x < T(0) ? alpha * x : x; }
template <class T> T elu(T x, T alpha) { return x < T(0) ? alpha * std::expm1(x) : x; }
template <class T> T sigmoid(T x) { return T(1) / (T(1) + std::exp(-x)); }
// Exact (erf) gelu, not the tanh approximation.
template <class T> T gelu(T x) { return T(0.5) * x * (T(1) + std::erf(x * T(0.70710678118654752440))); }
// As Sigmoid and Mul compute it, so raising them to silu changes no bit.
template <class T> T silu(T x) { return x * sigmoid(x); }
template <class T> T clip(T x, T lo, T hi) { return x < lo ? lo : x > hi ? hi : x; }
// ONNX's formulas as NumPy evaluates them: NaN stays NaN, and hard_swish(-inf) = -inf * 0 = NaN.
template <class T> T hardSigmoid(T x, T alpha, T beta) { return clip(alpha * x + beta, T(0), T(1)); }
template <class T> T hardSwish(T x) { return x * clip(x / T(6) + T(0.5), T(0), T(1)); }

inline Error kernelError(const OpCtx& c, const std::string& what) {
  return Error(std::string(c.info.name) + ": " + what);
}

}  // namespace graphc::eval
