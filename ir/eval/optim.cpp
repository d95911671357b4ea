// Optimizer updates with PyTorch's definitions, in the weight's element type as PyTorch
// computes them (scalars such as Adam's bias corrections in double).
#include "ir/eval/kernels.h"

namespace graphc::eval {

template <class T>
static Tensor sgdTyped(const OpCtx& c, const Tensor& w, const Tensor& g) {
  Tensor out(w.type());
  T step = (T)-c.f("lr");
  for (int64_t i = 0; i < w.numel(); ++i) out.data<T>()[i] = w.data<T>()[i] + step * g.data<T>()[i];
  return out;
}

Result<Tensor> evalSgdUpdate(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return sgdTyped<double>(c, in[0], in[1]);
  return sgdTyped<float>(c, in[0], in[1]);
}

// buf' = momentum * buf + g (dampening 0; a zero buffer makes the first step buf' = g exactly,
// as PyTorch's clone does), w' = w - lr * buf'.
template <class T>
static std::vector<Tensor> momentumTyped(const OpCtx& c, std::span<const Tensor> in) {
  const T *w = in[0].data<T>(), *g = in[1].data<T>(), *buf = in[2].data<T>();
  Tensor wOut(in[0].type()), bufOut(in[0].type());
  T mom = (T)c.f("momentum"), step = (T)-c.f("lr");
  for (int64_t i = 0; i < in[0].numel(); ++i) {
    T b = buf[i] * mom + g[i];
    bufOut.data<T>()[i] = b;
    wOut.data<T>()[i] = w[i] + step * b;
  }
  return {wOut, bufOut};
}

Result<std::vector<Tensor>> evalMomentumUpdate(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out) {
  if (in[0].dtype() == DType::f64) return momentumTyped<double>(c, in);
  return momentumTyped<float>(c, in);
}

// torch.optim.Adam (no weight decay, not amsgrad): step is this step's count, from 1.
template <class T>
static std::vector<Tensor> adamTyped(const OpCtx& c, std::span<const Tensor> in) {
  const T *w = in[0].data<T>(), *g = in[1].data<T>(), *m = in[2].data<T>(), *v = in[3].data<T>();
  double step = in[4].at(0), b1 = c.f("beta1"), b2 = c.f("beta2");
  double stepSize = c.f("lr") / (1 - std::pow(b1, step));
  T bc2Sqrt = (T)std::sqrt(1 - std::pow(b2, step)), eps = (T)c.f("epsilon");
  Tensor wOut(in[0].type()), mOut(in[0].type()), vOut(in[0].type());
  for (int64_t i = 0; i < in[0].numel(); ++i) {
    T mi = m[i] * (T)b1 + g[i] * (T)(1 - b1);
    T vi = v[i] * (T)b2 + g[i] * g[i] * (T)(1 - b2);
    T denom = std::sqrt(vi) / bc2Sqrt + eps;
    mOut.data<T>()[i] = mi;
    vOut.data<T>()[i] = vi;
    wOut.data<T>()[i] = w[i] + (T)-stepSize * (mi / denom);
  }
  return {wOut, mOut, vOut};
}

Result<std::vector<Tensor>> evalAdamUpdate(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out) {
  if (in[4].at(0) < 1) return kernelError(c, "step must count from 1");
  if (in[0].dtype() == DType::f64) return adamTyped<double>(c, in);
  return adamTyped<float>(c, in);
}

}  // namespace graphc::eval
