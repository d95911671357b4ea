// y = act(x . W + b) for a single row x (a dense at batch 1): a matrix-vector product, bound
// by how fast W can be read, not by arithmetic. AVX-512 only (gemvAvailable); elsewhere oneDNN's
// matmul does it.
//
// W is packed at prepare into panels of up to 64 columns, each panel K rows of its width and
// contiguous, so that one panel is one forward stream. The last panel is only as wide as the
// columns left, rounded up to 16, so that a narrow output (W1's 10 classes) reads no padding.
// Runs alternate the order of the panels: W1's 2.6 MB of weights do not fit a 2 MB L2, and
// visiting them in the same order every run evicts each panel just before it is needed again,
// while the reverse order starts with the panels the previous run left in L2 (W1 at batch 1 on
// one thread: 0.084-0.094 ms in one order, 0.075 alternating; oneDNN's matmul took
// 0.088-0.097). Each output still sums over k in the same order, so results do not depend on
// the direction.
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cstdint>

#include "backend/dnnl/kernels.h"

namespace graphc::dnnl {
namespace {

constexpr int64_t kPanel = 64, kVector = 16;

// Panel p's first column, and its width rounded up to whole vectors.
int64_t panelStart(int64_t p) { return p * kPanel; }
int64_t panelStride(int64_t n, int64_t p) {
  return std::min(kPanel, (n - panelStart(p) + kVector - 1) / kVector * kVector);
}

struct Panel {
  const float *x, *w, *bias;  // w: this panel's K x stride block; bias: its stride entries
  float* y;
  int64_t k, width;  // width: the columns of y this panel writes (<= its stride)
  bool relu;
};

// GCC 12's _mm512_max_ps passes an undefined vector through, which -Wmaybe-uninitialized flags.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// V vectors of 16 columns; the accumulators stay in registers over the whole of K.
template <int V>
__attribute__((target("avx512f"))) void panelKernel(const Panel& p) {
  __m512 acc[V];
  for (int q = 0; q < V; ++q) acc[q] = _mm512_loadu_ps(p.bias + q * kVector);
  for (int64_t k = 0; k < p.k; ++k) {
    const float* row = p.w + k * V * kVector;
    __m512 xk = _mm512_set1_ps(p.x[k]);
    for (int q = 0; q < V; ++q) acc[q] = _mm512_fmadd_ps(xk, _mm512_load_ps(row + q * kVector), acc[q]);
  }
  for (int q = 0; q < V && q * kVector < p.width; ++q) {
    // max(0, a) returns a when a is NaN (vmaxps returns its second operand), as relu does in
    // the interpreter.
    __m512 v = p.relu ? _mm512_max_ps(_mm512_setzero_ps(), acc[q]) : acc[q];
    int64_t left = std::min(kVector, p.width - q * kVector);
    _mm512_mask_storeu_ps(p.y + q * kVector, (__mmask16)((1u << left) - 1), v);
  }
}

#pragma GCC diagnostic pop

void panel(const Panel& p, int64_t stride) {
  switch (stride / kVector) {
    case 1: return panelKernel<1>(p);
    case 2: return panelKernel<2>(p);
    case 3: return panelKernel<3>(p);
    default: return panelKernel<4>(p);
  }
}

class Gemv final : public Kernel {
 public:
  Gemv(bool relu, int64_t k, int64_t n, const GemvBuffers& b)
      : relu_(relu),
        // Small weights are read faster than a team of threads forks and joins (LeNet's 400x120).
        split_(k * n * (int64_t)sizeof(float) >= (256 << 10)),
        k_(k), n_(n), panels_((n + kPanel - 1) / kPanel), b_(b) {}

  Status run(void* const* b) const override {
    const float *x = static_cast<const float*>(b[b_.x]), *w = static_cast<const float*>(b[b_.w]);
    const float* bias = static_cast<const float*>(b[b_.bias]);
    float* y = static_cast<float*>(b[b_.y]);
    // The context's own count: one context runs on one thread at a time, so no atomic, and
    // contexts running side by side keep their own alternation.
    bool reverse = (*static_cast<uint64_t*>(b[b_.runs]))++ & 1;
    // Each thread keeps its own panels from run to run, so that they stay in its core's L2.
    auto work = [&](int64_t first, int64_t last) {
      for (int64_t i = first; i < last; ++i) {
        int64_t p = reverse ? first + last - 1 - i : i;
        int64_t start = panelStart(p);  // every panel before p is a full one: w is start * k in
        panel({x, w + start * k_, bias + start, y + start, k_, std::min(kPanel, n_ - start), relu_}, panelStride(n_, p));
      }
    };
    int threads = split_ ? (int)std::min<int64_t>(omp_get_max_threads(), panels_) : 1;
    if (threads <= 1) {
      work(0, panels_);
      return ok();
    }
#pragma omp parallel num_threads(threads)
    {
      int64_t t = omp_get_thread_num(), count = omp_get_num_threads();
      work(panels_ * t / count, panels_ * (t + 1) / count);
    }
    return ok();
  }

 private:
  bool relu_, split_;
  int64_t k_, n_, panels_;
  GemvBuffers b_;
};

}  // namespace

bool gemvAvailable() { return avx512Kernels(); }

Tensor packGemvWeights(const Tensor& w) {
  int64_t k = w.shape()[0], n = w.shape()[1], panels = (n + kPanel - 1) / kPanel;
  int64_t padded = panelStart(panels - 1) + panelStride(n, panels - 1);
  Tensor packed(TensorType{DType::f32, {k * padded}});  // zero-filled: the padding columns
  const float* src = w.data<float>();
  float* dst = packed.data<float>();
  for (int64_t p = 0; p < panels; ++p) {
    int64_t start = panelStart(p), stride = panelStride(n, p), width = std::min(kPanel, n - start);
    for (int64_t r = 0; r < k; ++r) std::copy_n(src + r * n + start, width, dst + start * k + r * stride);
  }
  return packed;
}

Tensor padGemvBias(const Tensor& bias) {
  int64_t n = bias.numel(), panels = (n + kPanel - 1) / kPanel;
  Tensor padded(TensorType{DType::f32, {panelStart(panels - 1) + panelStride(n, panels - 1)}});
  std::copy_n(bias.data<float>(), n, padded.data<float>());
  return padded;
}

std::unique_ptr<Kernel> gemvKernel(bool relu, int64_t k, int64_t n, const GemvBuffers& b) {
  return std::make_unique<Gemv>(relu, k, n, b);
}

}  // namespace graphc::dnnl
