// Our kernels for small shapes, of inference and training graphs alike, where a oneDNN primitive
// (and its OpenMP region) costs more than the work: narrow GEMMs, dense and a last-axis softmax.
#include <algorithm>
#include <cmath>

#include "backend/dnnl/kernels.h"
#include "backend/dnnl/kernels_common.h"

namespace graphc::dnnl {
namespace {

// GCC 12's _mm512_max_ps passes an undefined vector through, which -Wmaybe-uninitialized flags.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// Relu is max(0, x), in that order: vmaxps returns its second operand when either is NaN, so a
// NaN stays NaN, as in the scalar loops and the interpreter.
__attribute__((target("avx512f"))) void narrowGemmAvx512(const NarrowGemm& g) {
  const int64_t w0 = std::min<int64_t>(g.width, 16), w1 = g.width - w0;
  const __mmask16 m0 = (__mmask16)((1u << w0) - 1), m1 = (__mmask16)((1u << w1) - 1);
  const __m512 i0 = g.init ? _mm512_maskz_loadu_ps(m0, g.init) : _mm512_setzero_ps();
  const __m512 i1 = g.init && w1 ? _mm512_maskz_loadu_ps(m1, g.init + 16) : _mm512_setzero_ps();
  int64_t r = 0;
  for (; r + 4 <= g.rows; r += 4) {
    __m512 acc[4][2];
    for (int q = 0; q < 4; ++q) acc[q][0] = i0, acc[q][1] = i1;
    for (int64_t c = 0; c < g.inner; ++c) {
      const float* brow = g.b + c * g.ldb;
      __m512 b0 = _mm512_maskz_loadu_ps(m0, brow), b1 = w1 ? _mm512_maskz_loadu_ps(m1, brow + 16) : _mm512_setzero_ps();
      for (int q = 0; q < 4; ++q) {
        __m512 av = _mm512_set1_ps(g.a[(r + q) * g.ars + c * g.acs]);
        acc[q][0] = _mm512_fmadd_ps(av, b0, acc[q][0]);
        if (w1) acc[q][1] = _mm512_fmadd_ps(av, b1, acc[q][1]);
      }
    }
    for (int q = 0; q < 4; ++q) {
      if (g.relu) acc[q][0] = _mm512_max_ps(_mm512_setzero_ps(), acc[q][0]), acc[q][1] = _mm512_max_ps(_mm512_setzero_ps(), acc[q][1]);
      _mm512_mask_storeu_ps(g.y + (r + q) * g.ldy, m0, acc[q][0]);
      if (w1) _mm512_mask_storeu_ps(g.y + (r + q) * g.ldy + 16, m1, acc[q][1]);
    }
  }
  for (; r < g.rows; ++r) {
    __m512 a0 = i0, a1 = i1;
    for (int64_t c = 0; c < g.inner; ++c) {
      const float* brow = g.b + c * g.ldb;
      __m512 av = _mm512_set1_ps(g.a[r * g.ars + c * g.acs]);
      a0 = _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(m0, brow), a0);
      if (w1) a1 = _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(m1, brow + 16), a1);
    }
    if (g.relu) a0 = _mm512_max_ps(_mm512_setzero_ps(), a0), a1 = _mm512_max_ps(_mm512_setzero_ps(), a1);
    _mm512_mask_storeu_ps(g.y + r * g.ldy, m0, a0);
    if (w1) _mm512_mask_storeu_ps(g.y + r * g.ldy + 16, m1, a1);
  }
}

#pragma GCC diagnostic pop

}  // namespace

bool narrowGemm(const NarrowGemm& g) {
  if (!avx512Kernels() || g.width > 32 || g.width < 1) return false;
  narrowGemmAvx512(g);
  return true;
}

namespace {

// y[m, n] = act(x[m, k] . w[k, n] + b), act relu or none.
GRAPHC_CLONES void smallDenseLoops(const float* x, const float* w, const float* bias, float* y, int64_t m, int64_t k, int64_t n,
                                   bool relu) {
  for (int64_t i = 0; i < m; ++i) {
    float* row = y + i * n;
    for (int64_t j = 0; j < n; ++j) row[j] = bias[j];
    for (int64_t c = 0; c < k; ++c) {
      float xv = x[i * k + c];
      const float* wr = w + c * n;
#pragma omp simd
      for (int64_t j = 0; j < n; ++j) row[j] += xv * wr[j];
    }
    if (relu)
      for (int64_t j = 0; j < n; ++j) row[j] = std::max(row[j], 0.f);
  }
}

void smallDense(const float* x, const float* w, const float* bias, float* y, int64_t m, int64_t k, int64_t n, bool relu) {
  if (!narrowGemm({x, k, 1, w, n, y, n, m, k, n, bias, relu})) smallDenseLoops(x, w, bias, y, m, k, n, relu);
}

// y = act(x.w + b) for small shapes, act relu or none: one loop nest, single-threaded.
class SmallDense final : public Kernel {
 public:
  SmallDense(bool relu, int64_t m, int64_t k, int64_t n, int x, int w, int bias, int y)
      : relu_(relu), m_(m), k_(k), n_(n), x_(x), w_(w), b_(bias), y_(y) {}
  Status run(void* const* b) const override {
    FlushSubnormals ftz;
    smallDense(static_cast<const float*>(b[x_]), static_cast<const float*>(b[w_]), static_cast<const float*>(b[b_]),
               static_cast<float*>(b[y_]), m_, k_, n_, relu_);
    return ok();
  }

 private:
  bool relu_;
  int64_t m_, k_, n_;
  int x_, w_, b_, y_;
};

// softmax over the last axis of [rows, cols], single-threaded (a training step's small output).
class SmallSoftmax final : public Kernel {
 public:
  SmallSoftmax(int64_t rows, int64_t cols, int x, int y) : rows_(rows), cols_(cols), x_(x), y_(y) {}
  Status run(void* const* b) const override {
    FlushSubnormals ftz;
    const float* x = static_cast<const float*>(b[x_]);
    float* y = static_cast<float*>(b[y_]);
    for (int64_t i = 0; i < rows_; ++i) {
      const float* xr = x + i * cols_;
      float* yr = y + i * cols_;
      float mx = -INFINITY, sum = 0;
      for (int64_t j = 0; j < cols_; ++j) mx = std::max(mx, xr[j]);
      for (int64_t j = 0; j < cols_; ++j) sum += (yr[j] = std::exp(xr[j] - mx));
      float inv = 1.f / sum;
      for (int64_t j = 0; j < cols_; ++j) yr[j] *= inv;
    }
    return ok();
  }

 private:
  int64_t rows_, cols_;
  int x_, y_;
};

}  // namespace

std::unique_ptr<Kernel> smallDenseKernel(bool relu, int64_t m, int64_t k, int64_t n, int x, int w, int bias, int y) {
  return std::make_unique<SmallDense>(relu, m, k, n, x, w, bias, y);
}

std::unique_ptr<Kernel> smallSoftmaxKernel(int64_t rows, int64_t cols, int x, int y) {
  return std::make_unique<SmallSoftmax>(rows, cols, x, y);
}

}  // namespace graphc::dnnl
