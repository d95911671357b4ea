// Backward kernels: relu, convolution, pooling and layer norm gradients, softmax cross-entropy and one_hot.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "ir/eval/kernels.h"

namespace graphc::eval {

template <class T>
static Tensor reluGradTyped(const Tensor& dy, const Tensor& y) {
  Tensor dx(dy.type());
  for (int64_t i = 0; i < dy.numel(); ++i) dx.data<T>()[i] = y.data<T>()[i] > T(0) ? dy.data<T>()[i] : T(0);
  return dx;
}

Result<Tensor> evalReluGrad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return reluGradTyped<double>(in[0], in[1]);
  return reluGradTyped<float>(in[0], in[1]);
}

// Visits every (input position, weight position, output position) triple of a convolution,
// the same loops as the forward kernel, so both backward ops agree with it exactly.
template <class F>
static void forEachTap(const OpCtx& c, const Shape& xs, const Shape& ws, const Shape& ys, F&& f) {
  Window win = Window::of(c, true);
  int64_t batch = xs[0], cin = xs[1], ih = xs[2], iw = xs[3];
  int64_t cout = ws[0], cg = ws[1], kh = ws[2], kw = ws[3], oh = ys[2], ow = ys[3];
  int64_t perGroup = cout / c.i("group");
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t o = 0; o < cout; ++o)
      for (int64_t ci = 0; ci < cg; ++ci)
        for (int64_t r = 0; r < kh; ++r)
          for (int64_t s = 0; s < kw; ++s)
            for (int64_t y0 = 0; y0 < oh; ++y0) {
              int64_t yi = y0 * win.sh - win.pt + r * win.dh;
              if (yi < 0 || yi >= ih) continue;
              for (int64_t x0 = 0; x0 < ow; ++x0) {
                int64_t xi = x0 * win.sw - win.pl + s * win.dw;
                if (xi < 0 || xi >= iw) continue;
                f(((n * cin + o / perGroup * cg + ci) * ih + yi) * iw + xi, ((o * cg + ci) * kh + r) * kw + s,
                  ((n * cout + o) * oh + y0) * ow + x0);
              }
            }
}

template <class T>
static Tensor roundFrom(const std::vector<Acc<T>>& acc, const TensorType& type) {
  Tensor t(type);
  for (size_t i = 0; i < acc.size(); ++i) t.data<T>()[i] = (T)acc[i];
  return t;
}

// dx[i] = sum over taps reading x[i] of w * dy.
template <class T>
static Tensor convGradInputTyped(const OpCtx& c, const Tensor& dy, const Tensor& w, const TensorType& out) {
  std::vector<Acc<T>> dx((size_t)out.numel(), 0);
  const T *dys = dy.data<T>(), *ws = w.data<T>();
  forEachTap(c, out.shape, w.shape(), dy.shape(), [&](int64_t xi, int64_t wi, int64_t yi) {
    dx[xi] += (Acc<T>)ws[wi] * (Acc<T>)dys[yi];
  });
  return roundFrom<T>(dx, out);
}

template <class T>
static Tensor convGradWeightTyped(const OpCtx& c, const Tensor& dy, const Tensor& x, const TensorType& out) {
  std::vector<Acc<T>> dw((size_t)out.numel(), 0);
  const T *dys = dy.data<T>(), *xs = x.data<T>();
  forEachTap(c, x.shape(), out.shape, dy.shape(), [&](int64_t xi, int64_t wi, int64_t yi) {
    dw[wi] += (Acc<T>)xs[xi] * (Acc<T>)dys[yi];
  });
  return roundFrom<T>(dw, out);
}

Result<Tensor> evalConv2dGradInput(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return convGradInputTyped<double>(c, in[0], in[1], out);
  return convGradInputTyped<float>(c, in[0], in[1], out);
}

Result<Tensor> evalConv2dGradWeight(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return convGradWeightTyped<double>(c, in[0], in[1], out);
  return convGradWeightTyped<float>(c, in[0], in[1], out);
}

// Pooling backward: max sends dy to the window's first maximum (the element the forward kernel
// picked, NaN first), avg spreads dy / count over the window's real elements.
template <class T>
static Tensor poolGradTyped(const OpCtx& c, const Tensor& dy, const T* x, const TensorType& out, bool isMax) {
  Window win = Window::of(c, isMax);
  int64_t kh = c.ints("kernel")[0], kw = c.ints("kernel")[1];
  bool includePad = !isMax && c.i("count_include_pad") != 0;
  int64_t planes = out.shape[0] * out.shape[1], ih = out.shape[2], iw = out.shape[3];
  int64_t oh = dy.shape()[2], ow = dy.shape()[3];
  std::vector<Acc<T>> dx((size_t)out.numel(), 0);
  const T* dys = dy.data<T>();
  for (int64_t p = 0; p < planes; ++p) {
    for (int64_t y0 = 0; y0 < oh; ++y0) {
      for (int64_t x0 = 0; x0 < ow; ++x0) {
        Acc<T> g = dys[(p * oh + y0) * ow + x0];
        if (isMax) {
          double best = -INFINITY;
          int64_t arg = -1;
          win.forEachTap(y0, x0, kh, kw, ih, iw, [&](int64_t yi, int64_t xi) {
            int64_t at = (p * ih + yi) * iw + xi;
            double v = (double)x[at];
            if (best == best && (v > best || v != v || arg < 0)) best = v, arg = at;
          });
          if (arg >= 0) dx[arg] += g;
          continue;
        }
        int64_t taps = 0;
        win.forEachTap(y0, x0, kh, kw, ih, iw, [&](int64_t, int64_t) { ++taps; });
        Acc<T> share = g / (Acc<T>)win.avgDivisor(y0, x0, kh, kw, ih, iw, includePad, taps);
        win.forEachTap(y0, x0, kh, kw, ih, iw, [&](int64_t yi, int64_t xi) { dx[(p * ih + yi) * iw + xi] += share; });
      }
    }
  }
  return roundFrom<T>(dx, out);
}

Result<Tensor> evalMaxPool2dGrad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return poolGradTyped<double>(c, in[0], in[1].data<double>(), out, true);
  return poolGradTyped<float>(c, in[0], in[1].data<float>(), out, true);
}

Result<Tensor> evalAvgPool2dGrad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return poolGradTyped<double>(c, in[0], (const double*)nullptr, out, false);
  return poolGradTyped<float>(c, in[0], (const float*)nullptr, out, false);
}

// Per row of n normalized elements, with xhat = (x - mean) * inv and g = dy * scale:
// dx = inv * (g - mean(g) - xhat * mean(g * xhat)), dscale = sum dy * xhat, dbias = sum dy.
template <class T>
static std::vector<Tensor> layerNormGradTyped(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out) {
  const Tensor &dy = in[0], &x = in[1];
  int64_t axis = *normalizeAxis(c.i("axis"), x.type().rank());
  int64_t n = 1;
  for (int64_t d = axis; d < x.type().rank(); ++d) n *= x.shape()[d];
  int64_t rows = n ? x.numel() / n : 0;
  const T *dys = dy.data<T>(), *xs = x.data<T>(), *scale = in[2].data<T>();
  std::vector<double> dscale((size_t)n, 0), dbias((size_t)n, 0), xhat((size_t)n);
  Tensor dx(out[0]);
  for (int64_t r = 0; r < rows; ++r) {
    const T *xr = xs + r * n, *dyr = dys + r * n;
    double mean = 0, var = 0;
    for (int64_t i = 0; i < n; ++i) mean += (double)xr[i];
    mean /= (double)n;
    for (int64_t i = 0; i < n; ++i) var += ((double)xr[i] - mean) * ((double)xr[i] - mean);
    double inv = 1.0 / std::sqrt(var / (double)n + c.f("epsilon"));
    double meanG = 0, meanGX = 0;
    for (int64_t i = 0; i < n; ++i) {
      xhat[i] = ((double)xr[i] - mean) * inv;
      double g = (double)dyr[i] * (double)scale[i];
      meanG += g, meanGX += g * xhat[i];
      dscale[i] += (double)dyr[i] * xhat[i];
      dbias[i] += (double)dyr[i];
    }
    meanG /= (double)n, meanGX /= (double)n;
    for (int64_t i = 0; i < n; ++i)
      dx.data<T>()[r * n + i] = (T)(inv * ((double)dyr[i] * (double)scale[i] - meanG - xhat[i] * meanGX));
  }
  Tensor ds(out[1]), dbT(out[2]);
  for (int64_t i = 0; i < n; ++i) ds.data<T>()[i] = (T)dscale[i], dbT.data<T>()[i] = (T)dbias[i];
  return {dx, ds, dbT};
}

Result<std::vector<Tensor>> evalLayerNormGrad(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out) {
  if (in[0].dtype() == DType::f64) return layerNormGradTyped<double>(c, in, out);
  return layerNormGradTyped<float>(c, in, out);
}

// In double, per row: the log-sum-exp of the logits, then the loss and the gradient.
Result<std::vector<Tensor>> evalSoftmaxCrossEntropy(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out) {
  const Tensor &z = in[0], &t = in[1];
  int64_t rows = z.shape()[0], cols = z.shape()[1];
  Tensor loss(out[0]), dz(out[1]);
  double total = 0;
  for (int64_t i = 0; i < rows; ++i) {
    double mx = -INFINITY, sum = 0, tsum = 0;
    for (int64_t j = 0; j < cols; ++j) mx = std::max(mx, z.at(i * cols + j));
    for (int64_t j = 0; j < cols; ++j) sum += std::exp(z.at(i * cols + j) - mx), tsum += t.at(i * cols + j);
    double lse = mx + std::log(sum);
    for (int64_t j = 0; j < cols; ++j) {
      double zj = z.at(i * cols + j), tj = t.at(i * cols + j);
      total -= tj * (zj - lse);
      dz.set(i * cols + j, (std::exp(zj - lse) * tsum - tj) / (double)rows);
    }
  }
  loss.set(0, total / (double)rows);
  return std::vector<Tensor>{std::move(loss), std::move(dz)};
}

Result<Tensor> evalOneHot(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  const Tensor& labels = in[0];
  int64_t depth = c.i("depth");
  Tensor y(out);
  for (int64_t i = 0; i < labels.numel(); ++i) {
    int64_t k = labels.dtype() == DType::i32 ? labels.data<int32_t>()[i] : labels.data<int64_t>()[i];
    if (k < 0 || k >= depth) return kernelError(c, fmt::format("label {} at position {} is outside [0, {})", k, i, depth));
    y.set(i * depth + k, 1.0);
  }
  return y;
}

}  // namespace graphc::eval
