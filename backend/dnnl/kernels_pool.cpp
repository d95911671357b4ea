// Max pooling, ours: oneDNN 2.6's pooling_max drops a NaN (vmaxps keeps its second operand) and
// starts from -FLT_MAX, so a window of -inf gave -3.4e38. This one keeps NaN (any NaN in the
// window wins, as NumPy's max and the interpreter have it) and -inf. It runs on plain NCHW and on
// oneDNN's channel-blocked nChw8c/nChw16c alike, seen as [N, C/b, H, W, b] with b = 1 for
// plain, so a CNN keeps its blocked layout through the pool; the b lanes vectorize.
#include <algorithm>
#include <cmath>

#include "backend/dnnl/kernels.h"
#include "backend/dnnl/kernels_common.h"

namespace graphc::dnnl {
namespace {

constexpr int64_t kParallelMin = 1 << 15;

class MaxPool final : public Kernel {
 public:
  MaxPool(const PoolGeometry& g, int in, int out) : g_(g), in_(in), out_(out) {}
  Status run(void* const* buf) const override {
    const PoolGeometry& g = g_;
    const float* x = static_cast<const float*>(buf[in_]);
    float* y = static_cast<float*>(buf[out_]);
    const int64_t b = g.block, blocks = g.channelBlocks(), planes = g.n * blocks;
#pragma omp parallel for collapse(2) if (planes * g.oh * g.ow * b > kParallelMin) schedule(static)
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t i = 0; i < g.oh; ++i) {
        // The last block's lanes past the channels are padding, which oneDNN wants zero.
        int64_t lanes = std::min(b, g.channels - (p % blocks) * b);
        pool(x + p * g.ih * g.iw * b, y + (p * g.oh + i) * g.ow * b, i, b, lanes);
      }
    return ok();
  }

 private:
  GRAPHC_CLONES void pool(const float* plane, float* row, int64_t i, int64_t b, int64_t lanes) const {
    const PoolGeometry& g = g_;
    for (int64_t j = 0; j < g.ow; ++j) {
      float best[16];
      for (int64_t l = 0; l < b; ++l) best[l] = -INFINITY;
      for (int64_t a = 0; a < g.kh; ++a) {
        int64_t hi = i * g.sh + a * g.dh - g.pt;
        if (hi < 0 || hi >= g.ih) continue;  // padding is never read
        for (int64_t c = 0; c < g.kw; ++c) {
          int64_t wi = j * g.sw + c * g.dw - g.pl;
          if (wi < 0 || wi >= g.iw) continue;
          const float* v = plane + (hi * g.iw + wi) * b;
#pragma omp simd
          for (int64_t l = 0; l < b; ++l) best[l] = (v[l] > best[l] || v[l] != v[l]) ? v[l] : best[l];
        }
      }
      for (int64_t l = 0; l < b; ++l) row[j * b + l] = l < lanes ? best[l] : 0.0f;
    }
  }

  PoolGeometry g_;
  int in_, out_;
};

// Its gradient, plain NCHW: dy goes to the element the forward pass picked, the window's first
// maximum or first NaN, as the interpreter's rule (oneDNN's workspace records another one).
class MaxPoolGrad final : public Kernel {
 public:
  MaxPoolGrad(const PoolGeometry& g, int dy, int x, int dx) : g_(g), dy_(dy), x_(x), dx_(dx) {}
  Status run(void* const* buf) const override {
    const PoolGeometry& g = g_;
    const float* dy = static_cast<const float*>(buf[dy_]);
    const float* x = static_cast<const float*>(buf[x_]);
    float* dx = static_cast<float*>(buf[dx_]);
    const int64_t planes = g.n * g.channels;
#pragma omp parallel for if (planes * g.ih * g.iw > kParallelMin) schedule(static)
    for (int64_t p = 0; p < planes; ++p) scatter(dy + p * g.oh * g.ow, x + p * g.ih * g.iw, dx + p * g.ih * g.iw);
    return ok();
  }

 private:
  void scatter(const float* dy, const float* x, float* dx) const {
    const PoolGeometry& g = g_;
    for (int64_t k = 0; k < g.ih * g.iw; ++k) dx[k] = 0;
    for (int64_t i = 0; i < g.oh; ++i)
      for (int64_t j = 0; j < g.ow; ++j) {
        float best = -INFINITY;
        int64_t arg = -1;
        for (int64_t a = 0; a < g.kh; ++a) {
          int64_t hi = i * g.sh + a * g.dh - g.pt;
          if (hi < 0 || hi >= g.ih) continue;
          for (int64_t c = 0; c < g.kw; ++c) {
            int64_t wi = j * g.sw + c * g.dw - g.pl;
            if (wi < 0 || wi >= g.iw) continue;
            float v = x[hi * g.iw + wi];
            if (best == best && (v > best || v != v || arg < 0)) best = v, arg = hi * g.iw + wi;
          }
        }
        if (arg >= 0) dx[arg] += dy[i * g.ow + j];
      }
  }

  PoolGeometry g_;
  int dy_, x_, dx_;
};

}  // namespace

std::unique_ptr<Kernel> maxPoolGradKernel(const PoolGeometry& g, int dy, int x, int dx) {
  return std::make_unique<MaxPoolGrad>(g, dy, x, dx);
}

std::unique_ptr<Kernel> maxPoolKernel(const PoolGeometry& g, int in, int out) {
  if (g.block < 1 || g.block > 16) return nullptr;
  return std::make_unique<MaxPool>(g, in, out);
}

}  // namespace graphc::dnnl
