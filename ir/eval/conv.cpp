// Convolution and pooling, NCHW. Pads are [top, left, bottom, right]; conv weights are OIHW.
#include <algorithm>
#include <limits>

#include "ir/eval/kernels.h"

namespace graphc::eval {

// out[n,o,oh,ow] = act(b[o] + sum_{c,kh,kw} x[n, g*C/G + c, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw]
//                                         * w[o, c, kh, kw]) [+ residual], zero padding.
template <class T>
static Tensor conv2dTyped(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  const Tensor &x = in[0], &w = in[1], &b = in[2];
  const T* res = in.size() == 4 ? in[3].data<T>() : nullptr;
  Window win = Window::of(c, true);
  int64_t batch = x.shape()[0], cin = x.shape()[1], ih = x.shape()[2], iw = x.shape()[3];
  int64_t cout = w.shape()[0], cg = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
  int64_t oh = out.shape[2], ow = out.shape[3], group = c.i("group"), coutPerGroup = cout / group;
  Epilogue epi = Epilogue::of(c);
  const T *src = x.data<T>(), *wt = w.data<T>(), *bias = b.data<T>();
  Tensor y(out);
  T* dst = y.data<T>();
  std::vector<Acc<T>> acc((size_t)(oh * ow));
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t o = 0; o < cout; ++o) {
      int64_t g = o / coutPerGroup;
      std::fill(acc.begin(), acc.end(), (Acc<T>)bias[o]);
      for (int64_t ci = 0; ci < cg; ++ci) {
        const T* plane = src + (n * cin + g * cg + ci) * ih * iw;
        for (int64_t r = 0; r < kh; ++r) {
          for (int64_t s = 0; s < kw; ++s) {
            Acc<T> wv = wt[((o * cg + ci) * kh + r) * kw + s];
            for (int64_t y0 = 0; y0 < oh; ++y0) {
              int64_t yi = y0 * win.sh - win.pt + r * win.dh;
              if (yi < 0 || yi >= ih) continue;
              for (int64_t x0 = 0; x0 < ow; ++x0) {
                int64_t xi = x0 * win.sw - win.pl + s * win.dw;
                if (xi >= 0 && xi < iw) acc[y0 * ow + x0] += wv * (Acc<T>)plane[yi * iw + xi];
              }
            }
          }
        }
      }
      int64_t base = (n * cout + o) * oh * ow;
      for (int64_t i = 0; i < oh * ow; ++i) {
        Acc<T> v = (Acc<T>)epi((double)acc[i]);
        dst[base + i] = (T)(res ? v + (Acc<T>)res[base + i] : v);
      }
    }
  }
  return y;
}

Result<Tensor> evalConv2d(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return conv2dTyped<double>(c, in, out);
  return conv2dTyped<float>(c, in, out);
}

// Max or average over each window; padded positions are never read. The average divides by
// the number of real elements, or with count_include_pad by the window's extent clipped to the
// padded input (PyTorch's rule, which matters when ceil_mode lets a window overhang).
template <class T>
static Tensor poolTyped(const OpCtx& c, const Tensor& x, const TensorType& out, bool isMax) {
  Window win = Window::of(c, isMax);
  int64_t kh = c.ints("kernel")[0], kw = c.ints("kernel")[1];
  bool includePad = !isMax && c.i("count_include_pad") != 0;
  int64_t planes = x.shape()[0] * x.shape()[1], ih = x.shape()[2], iw = x.shape()[3];
  int64_t oh = out.shape[2], ow = out.shape[3];
  const T* src = x.data<T>();
  Tensor y(out);
  T* dst = y.data<T>();
  for (int64_t p = 0; p < planes; ++p) {
    const T* plane = src + p * ih * iw;
    for (int64_t y0 = 0; y0 < oh; ++y0) {
      for (int64_t x0 = 0; x0 < ow; ++x0) {
        double best = -INFINITY, sum = 0;
        int64_t count = 0;
        win.forEachTap(y0, x0, kh, kw, ih, iw, [&](int64_t yi, int64_t xi) {
          double v = (double)plane[yi * iw + xi];
          if (v > best || v != v) best = best != best ? best : v;  // NaN wins, as in NumPy
          sum += v;
          ++count;
        });
        count = win.avgDivisor(y0, x0, kh, kw, ih, iw, includePad, count);
        dst[(p * oh + y0) * ow + x0] = (T)(isMax ? best : sum / (double)count);
      }
    }
  }
  return y;
}

Result<Tensor> evalMaxPool2d(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return poolTyped<double>(c, in[0], out, true);
  return poolTyped<float>(c, in[0], out, true);
}

Result<Tensor> evalAvgPool2d(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return poolTyped<double>(c, in[0], out, false);
  return poolTyped<float>(c, in[0], out, false);
}

template <class T>
static Tensor globalAvgPoolTyped(const Tensor& x, const TensorType& out) {
  int64_t planes = x.shape()[0] * x.shape()[1], area = x.shape()[2] * x.shape()[3];
  const T* src = x.data<T>();
  Tensor y(out);
  for (int64_t p = 0; p < planes; ++p) {
    double sum = 0;
    for (int64_t i = 0; i < area; ++i) sum += (double)src[p * area + i];
    y.data<T>()[p] = (T)(sum / (double)area);
  }
  return y;
}

Result<Tensor> evalGlobalAvgPool(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return globalAvgPoolTyped<double>(in[0], out);
  return globalAvgPoolTyped<float>(in[0], out);
}

}  // namespace graphc::eval
