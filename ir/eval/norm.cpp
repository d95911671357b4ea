// Layer normalization over the trailing axes and inference-mode batch normalization.
#include "ir/eval/kernels.h"

namespace graphc::eval {

// y = (x - mean) / sqrt(var + eps) * scale + bias over axes [axis, rank), biased variance,
// both statistics in double and by two passes (no E[x^2] - E[x]^2 cancellation).
template <class T>
static Tensor layerNormTyped(const OpCtx& c, std::span<const Tensor> in) {
  const Tensor& x = in[0];
  int64_t axis = *normalizeAxis(c.i("axis"), x.type().rank());
  int64_t n = 1;
  for (int64_t d = axis; d < x.type().rank(); ++d) n *= x.shape()[d];
  int64_t rows = n ? x.numel() / n : 0;
  double eps = c.f("epsilon");
  const T *src = x.data<T>(), *scale = in[1].data<T>(), *bias = in[2].data<T>();
  Tensor y(x.type());
  T* dst = y.data<T>();
  for (int64_t r = 0; r < rows; ++r) {
    const T* xs = src + r * n;
    double mean = 0, var = 0;
    for (int64_t i = 0; i < n; ++i) mean += (double)xs[i];
    mean /= (double)n;
    for (int64_t i = 0; i < n; ++i) var += ((double)xs[i] - mean) * ((double)xs[i] - mean);
    var /= (double)n;
    double inv = 1.0 / std::sqrt(var + eps);
    for (int64_t i = 0; i < n; ++i) dst[r * n + i] = (T)(((double)xs[i] - mean) * inv * (double)scale[i] + (double)bias[i]);
  }
  return y;
}

Result<Tensor> evalLayerNorm(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return layerNormTyped<double>(c, in);
  return layerNormTyped<float>(c, in);
}

// batch_norm(x, scale, bias, mean, var): per channel (axis 1) with the stored statistics.
template <class T>
static Tensor batchNormTyped(const OpCtx& c, std::span<const Tensor> in) {
  const Tensor& x = in[0];
  const Shape& s = x.shape();
  int64_t channels = s[1], inner = 1;
  for (size_t d = 2; d < s.size(); ++d) inner *= s[d];
  int64_t batch = s[0];
  double eps = c.f("epsilon");
  const T *src = x.data<T>(), *scale = in[1].data<T>(), *bias = in[2].data<T>(), *mean = in[3].data<T>(),
          *var = in[4].data<T>();
  Tensor y(x.type());
  T* dst = y.data<T>();
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t ch = 0; ch < channels; ++ch) {
      double mul = (double)scale[ch] / std::sqrt((double)var[ch] + eps);
      int64_t base = (b * channels + ch) * inner;
      for (int64_t i = 0; i < inner; ++i)
        dst[base + i] = (T)(((double)src[base + i] - (double)mean[ch]) * mul + (double)bias[ch]);
    }
  }
  return y;
}

Result<Tensor> evalBatchNorm(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return batchNormTyped<double>(c, in);
  return batchNormTyped<float>(c, in);
}

}  // namespace graphc::eval
