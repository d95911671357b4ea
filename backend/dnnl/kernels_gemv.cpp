// y = act(x . W + b) for a single row x (a dense at batch 1): a matrix-vector product, bound
// by how fast W can be read, not by arithmetic.
//
// W is packed at prepare into panels of 64 columns, each panel K x 64 and contiguous, so that
// one panel is one forward stream. Runs alternate the order of the panels: W1's 2.6 MB of
// weights do not fit a 2 MB L2, and visiting them in the same order every run evicts each
// panel just before it is needed again, while the reverse order starts with the panels the
// previous run left in L2 (W1 at batch 1 on one thread: 0.084-0.094 ms in one order, 0.075
// alternating; oneDNN's matmul took 0.088-0.097). Each output still sums over k in the same
// order, so results do not depend on the direction.
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstring>

#include "backend/dnnl/kernels.h"

namespace graphc::dnnl {
namespace {

constexpr int64_t kPanel = 64;

struct Panel {
  const float *x, *w, *bias;  // w: this panel's K x 64 block; bias: its 64 entries
  float* y;
  int64_t k, width;  // width: the columns of y this panel writes (<= 64)
  bool relu;
};

// GCC 12's _mm512_max_ps passes an undefined vector through, which -Wmaybe-uninitialized flags.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
__attribute__((target("avx512f"))) void panelAvx512(const Panel& p) {
  __m512 a0 = _mm512_loadu_ps(p.bias), a1 = _mm512_loadu_ps(p.bias + 16), a2 = _mm512_loadu_ps(p.bias + 32),
         a3 = _mm512_loadu_ps(p.bias + 48);
  for (int64_t k = 0; k < p.k; ++k) {
    const float* row = p.w + k * kPanel;
    __m512 xk = _mm512_set1_ps(p.x[k]);
    a0 = _mm512_fmadd_ps(xk, _mm512_load_ps(row), a0);
    a1 = _mm512_fmadd_ps(xk, _mm512_load_ps(row + 16), a1);
    a2 = _mm512_fmadd_ps(xk, _mm512_load_ps(row + 32), a2);
    a3 = _mm512_fmadd_ps(xk, _mm512_load_ps(row + 48), a3);
  }
  if (p.relu) {
    __m512 zero = _mm512_setzero_ps();
    a0 = _mm512_max_ps(a0, zero), a1 = _mm512_max_ps(a1, zero), a2 = _mm512_max_ps(a2, zero), a3 = _mm512_max_ps(a3, zero);
  }
  __m512 acc[4] = {a0, a1, a2, a3};
  for (int64_t q = 0; q < 4 && q * 16 < p.width; ++q) {
    int64_t left = std::min<int64_t>(16, p.width - q * 16);
    _mm512_mask_storeu_ps(p.y + q * 16, (__mmask16)((1u << left) - 1), acc[q]);
  }
}
#pragma GCC diagnostic pop

void panelPortable(const Panel& p) {
  float acc[kPanel];
  std::memcpy(acc, p.bias, sizeof acc);
  for (int64_t k = 0; k < p.k; ++k) {
    const float* row = p.w + k * kPanel;
    float xk = p.x[k];
#pragma omp simd
    for (int64_t j = 0; j < kPanel; ++j) acc[j] += xk * row[j];
  }
  for (int64_t j = 0; j < p.width; ++j) p.y[j] = p.relu ? std::max(acc[j], 0.f) : acc[j];
}

class Gemv final : public Kernel {
 public:
  Gemv(bool relu, int64_t k, int64_t n, int x, int w, int bias, int y)
      : relu_(relu), k_(k), n_(n), panels_((n + kPanel - 1) / kPanel), x_(x), w_(w), bias_(bias), y_(y) {}

  Status run(void* const* b) const override {
    static const auto panel = __builtin_cpu_supports("avx512f") ? panelAvx512 : panelPortable;
    const float *x = static_cast<const float*>(b[x_]), *w = static_cast<const float*>(b[w_]);
    const float* bias = static_cast<const float*>(b[bias_]);
    float* y = static_cast<float*>(b[y_]);
    // Shared by every context that runs this executable: a race only changes the cache luck.
    bool reverse = runs_.fetch_add(1, std::memory_order_relaxed) & 1;
    // Each thread keeps its own panels from run to run, so that they stay in its core's L2.
    auto work = [&](int64_t first, int64_t last) {
      for (int64_t i = first; i < last; ++i) {
        int64_t p = reverse ? first + last - 1 - i : i;
        panel({x, w + p * k_ * kPanel, bias + p * kPanel, y + p * kPanel, k_, std::min(kPanel, n_ - p * kPanel), relu_});
      }
    };
    // Small weights are read faster than a team of threads forks and joins (LeNet's 400x120).
    bool small = k_ * panels_ * kPanel * (int64_t)sizeof(float) < (256 << 10);
    int threads = small ? 1 : (int)std::min<int64_t>(omp_get_max_threads(), panels_);
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
  bool relu_;
  int64_t k_, n_, panels_;
  int x_, w_, bias_, y_;
  mutable std::atomic<uint64_t> runs_{0};
};

}  // namespace

Tensor packGemvWeights(const Tensor& w) {
  int64_t k = w.shape()[0], n = w.shape()[1], panels = (n + kPanel - 1) / kPanel;
  Tensor packed(TensorType{DType::f32, {panels * k * kPanel}});  // zero-filled: the padding columns
  const float* src = w.data<float>();
  float* dst = packed.data<float>();
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t r = 0; r < k; ++r)
      std::copy_n(src + r * n + p * kPanel, std::min(kPanel, n - p * kPanel), dst + (p * k + r) * kPanel);
  return packed;
}

Tensor padGemvBias(const Tensor& bias) {
  int64_t n = bias.numel(), panels = (n + kPanel - 1) / kPanel;
  Tensor padded(TensorType{DType::f32, {panels * kPanel}});
  std::copy_n(bias.data<float>(), n, padded.data<float>());
  return padded;
}

std::unique_ptr<Kernel> gemvKernel(bool relu, int64_t k, int64_t n, int x, int w, int bias, int y) {
  return std::make_unique<Gemv>(relu, k, n, x, w, bias, y);
}

}  // namespace graphc::dnnl
