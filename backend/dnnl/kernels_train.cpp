// Our training kernels: optimizer updates (sgd, momentum, adam), one_hot, gather_grad and
// slice_grad. The updates follow the interpreter's (PyTorch's) arithmetic order exactly.
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <fmt/format.h>

#include "backend/dnnl/kernels.h"
#include "backend/dnnl/kernels_common.h"
#include "ir/convert.h"

namespace graphc::dnnl {
namespace {

constexpr int64_t kParallelMin = 1 << 15;

struct AdamConsts {
  float step, invBc2Sqrt, eps, b1, b2, c1, c2;
};

// Writes newWeight(i) over [i0, i1) to wo and, where the step keeps a bf16 copy of the weight
// (wb not null), its rounding to wb in the same loop.
template <class NewWeight>
[[gnu::always_inline]] inline void storeWeights(float* wo, uint16_t* wb, int64_t i0, int64_t i1, NewWeight newWeight) {
  if (wb) {
#pragma omp simd
    for (int64_t i = i0; i < i1; ++i) {
      float x = newWeight(i);
      wo[i] = x, wb[i] = bf16FromFloat(x);
    }
  } else {
#pragma omp simd
    for (int64_t i = i0; i < i1; ++i) wo[i] = newWeight(i);
  }
}

// Adam over [i0, i1), in the interpreter's (PyTorch's) arithmetic order, except that
// sqrt(v') / sqrt(1 - b2^step) multiplies by the reciprocal (within an ulp).
GRAPHC_CLONES void adamRange(const float* w, const float* g, const float* m, const float* v, float* wo, float* mo, float* vo,
                             uint16_t* wb, int64_t i0, int64_t i1, AdamConsts k) {
  storeWeights(wo, wb, i0, i1, [&](int64_t i) {
    float mi = m[i] * k.b1 + g[i] * k.c1;
    float vi = v[i] * k.b2 + g[i] * g[i] * k.c2;
    float denom = std::sqrt(vi) * k.invBc2Sqrt + k.eps;  // a multiply: divisions bound this loop
    mo[i] = mi, vo[i] = vi;
    return w[i] + k.step * (mi / denom);
  });
}

GRAPHC_CLONES void momentumRange(const float* w, const float* g, const float* buf, float* wo, float* bo, uint16_t* wb,
                                 int64_t i0, int64_t i1, float mom, float step) {
  storeWeights(wo, wb, i0, i1, [&](int64_t i) {
    float v = buf[i] * mom + g[i];
    bo[i] = v;
    return w[i] + step * v;
  });
}

GRAPHC_CLONES void sgdRange(const float* w, const float* g, float* wo, uint16_t* wb, int64_t i0, int64_t i1, float step) {
  storeWeights(wo, wb, i0, i1, [&](int64_t i) { return w[i] + step * g[i]; });
}

// This thread's share [i0, i1) of n elements: contiguous, in multiples of 64 bytes.
std::pair<int64_t, int64_t> threadShare(int64_t n) {
  int threads = omp_get_num_threads(), t = omp_get_thread_num();
  int64_t chunk = ((n + threads - 1) / threads + 15) / 16 * 16;
  int64_t i0 = std::min(n, t * chunk);
  return {i0, std::min(n, i0 + chunk)};
}

// One step updates every tensor of a run of same-kind updates (their hyperparameters and Adam
// step count are shared): one OpenMP region for them all, none below kParallelMin elements.
// Results may alias their operands (in-place updates): each element is read before it is written.
class Optimizer final : public Kernel {
 public:
  Optimizer(OpKind op, const OpCtx& c, DType stepType) : op_(op), stepType_(stepType) {
    lr_ = c.f("lr");
    if (op == OpKind::MomentumUpdate) momentum_ = c.f("momentum");
    if (op == OpKind::AdamUpdate) b1_ = c.f("beta1"), b2_ = c.f("beta2"), eps_ = c.f("epsilon");
  }
  bool sameKind(OpKind op, const OpCtx& c, DType stepType, const std::vector<int>& ins) const {
    if (op != op_ || stepType != stepType_ || c.f("lr") != lr_) return false;
    if (op == OpKind::MomentumUpdate) return c.f("momentum") == momentum_;
    if (op == OpKind::AdamUpdate)
      return c.f("beta1") == b1_ && c.f("beta2") == b2_ && c.f("epsilon") == eps_ && ins[4] == tensors_[0].ins[4];
    return true;
  }
  void add(int64_t n, std::vector<int> ins, std::vector<int> outs) {
    size_t results = op_ == OpKind::SgdUpdate ? 1 : op_ == OpKind::MomentumUpdate ? 2 : 3;
    int copy = outs.size() > results ? outs.back() : -1;
    tensors_.push_back({n, std::move(ins), std::move(outs), copy});
    total_ += n;
  }
  Status run(void* const* b) const override {
    float step = (float)-lr_, mom = (float)momentum_;
    float invBc2Sqrt = 0, eps = (float)eps_, b1 = (float)b1_, b2 = (float)b2_, c1 = (float)(1 - b1_), c2 = (float)(1 - b2_);
    if (op_ == OpKind::AdamUpdate) {
      double count = 0;
      visitDType(stepType_, [&](auto* tag) {
        count = (double)static_cast<const std::remove_pointer_t<decltype(tag)>*>(b[tensors_[0].ins[4]])[0];
      });
      if (count < 1) return Error("adam_update: step must count from 1");
      step = (float)-(lr_ / (1 - std::pow(b1_, count)));
      invBc2Sqrt = (float)(1 / std::sqrt(1 - std::pow(b2_, count)));
    }
    AdamConsts k{step, invBc2Sqrt, eps, b1, b2, c1, c2};
    auto update = [&](bool parallel) {
      for (const Slot& t : tensors_) {
        auto in = [&](int i) { return static_cast<const float*>(b[t.ins[i]]); };
        auto out = [&](int i) { return static_cast<float*>(b[t.outs[i]]); };
        uint16_t* copy = t.copy < 0 ? nullptr : static_cast<uint16_t*>(b[t.copy]);
        auto [i0, i1] = parallel ? threadShare(t.n) : std::pair<int64_t, int64_t>{0, t.n};
        if (op_ == OpKind::SgdUpdate) sgdRange(in(0), in(1), out(0), copy, i0, i1, step);
        else if (op_ == OpKind::MomentumUpdate) momentumRange(in(0), in(1), in(2), out(0), out(1), copy, i0, i1, mom, step);
        else adamRange(in(0), in(1), in(2), in(3), out(0), out(1), out(2), copy, i0, i1, k);
      }
    };
    // One region for all tensors; each thread takes its share of each, with no barrier between.
    if (total_ > kParallelMin) {
#pragma omp parallel
      {
        FlushSubnormals ftz;
        update(true);
      }
    } else {
      FlushSubnormals ftz;
      update(false);
    }
    return ok();
  }

 private:
  struct Slot {
    int64_t n;
    std::vector<int> ins, outs;
    int copy;  // the buffer of the new weight's bf16 copy, or -1
  };
  OpKind op_;
  DType stepType_;
  std::vector<Slot> tensors_;
  int64_t total_ = 0;
  double lr_ = 0, momentum_ = 0, b1_ = 0, b2_ = 0, eps_ = 0;
};

// Over the columns [j0, j1): dz = dy, or dy * (y > 0) (relu), written when dz is given (rounded
// to bf16 for the bf16 products), and db = the column sums of the unrounded dz.
template <class Dz>
[[gnu::always_inline]] inline void maskAndSumRange(const float* dy, const float* y, Dz* dz, float* db, int64_t m, int64_t n,
                                                   int64_t j0, int64_t j1) {
  auto store = [](float v) {
    if constexpr (std::is_same_v<Dz, uint16_t>) return bf16FromFloat(v);
    else return v;
  };
  for (int64_t j = j0; j < j1; ++j) db[j] = 0;
  for (int64_t i = 0; i < m; ++i) {
    const float* g = dy + i * n;
    const float* yr = y ? y + i * n : nullptr;
    Dz* zr = dz ? dz + i * n : nullptr;
    if constexpr (std::is_same_v<Dz, uint16_t>) {
      if (yr) {
        // GCC does not vectorize the mask (a float compare may trap) and the rounding in one
        // loop: the masked row goes through a buffer in L1 to the cast's loop.
        constexpr int64_t kChunk = 256;
        float masked[kChunk];
        for (int64_t c0 = j0; c0 < j1; c0 += kChunk) {
          int64_t c1 = std::min(j1, c0 + kChunk);
#pragma omp simd
          for (int64_t j = c0; j < c1; ++j) {
            float v = g[j] * (yr[j] > 0 ? 1.f : 0.f);
            masked[j - c0] = v;
            db[j] += v;
          }
          castElements(DType::f32, masked, DType::bf16, zr + c0, c1 - c0);
        }
        continue;
      }
    }
    if (yr) {
#pragma omp simd
      for (int64_t j = j0; j < j1; ++j) {
        float v = g[j] * (yr[j] > 0 ? 1.f : 0.f);  // a product, as the interpreter's: NaN or inf in dy stays NaN
        zr[j] = store(v);
        db[j] += v;
      }
    } else if (zr) {
#pragma omp simd
      for (int64_t j = j0; j < j1; ++j) {
        zr[j] = store(g[j]);
        db[j] += g[j];
      }
    } else {
#pragma omp simd
      for (int64_t j = j0; j < j1; ++j) db[j] += g[j];
    }
  }
}
GRAPHC_CLONES void maskAndSum(const float* dy, const float* y, float* dz, float* db, int64_t m, int64_t n, int64_t j0, int64_t j1) {
  maskAndSumRange(dy, y, dz, db, m, n, j0, j1);
}
GRAPHC_CLONES void maskAndSumBf16(const float* dy, const float* y, uint16_t* dz, float* db, int64_t m, int64_t n, int64_t j0,
                                  int64_t j1) {
  maskAndSumRange(dy, y, dz, db, m, n, j0, j1);
}

// dx[i, :] = sum_j z[i, j] * w^T[j, :] for z [m, n] and w^T [n, k].
GRAPHC_CLONES void dxLoops(const float* z, const float* wt, float* dx, int64_t m, int64_t k, int64_t n) {
  for (int64_t i = 0; i < m; ++i) {
    float* row = dx + i * k;
    for (int64_t c = 0; c < k; ++c) row[c] = 0;
    for (int64_t j = 0; j < n; ++j) {
      float zv = z[i * n + j];
#pragma omp simd
      for (int64_t c = 0; c < k; ++c) row[c] += zv * wt[j * k + c];
    }
  }
}

// dw = x^T.z for x [m, k], z [m, n]; the innermost loop runs along the longer of k and n
// (dw^T[j, :] += z[i, j] * x[i, :] in the k x n scratch t when that is k).
GRAPHC_CLONES void dwLoops(const float* z, const float* x, float* dw, float* t, int64_t m, int64_t k, int64_t n) {
  bool transposed = n < k;
  float* acc = transposed ? t : dw;
  std::memset(acc, 0, (size_t)(k * n) * sizeof(float));
  for (int64_t i = 0; i < m; ++i) {
    if (transposed) {
      for (int64_t j = 0; j < n; ++j) {
        float zv = z[i * n + j];
        float* row = acc + j * k;
#pragma omp simd
        for (int64_t c = 0; c < k; ++c) row[c] += zv * x[i * k + c];
      }
    } else {
      for (int64_t c = 0; c < k; ++c) {
        float xv = x[i * k + c];
        float* row = acc + c * n;
#pragma omp simd
        for (int64_t j = 0; j < n; ++j) row[j] += xv * z[i * n + j];
      }
    }
  }
  if (transposed)
    for (int64_t c = 0; c < k; ++c)
      for (int64_t j = 0; j < n; ++j) dw[c * n + j] = t[j * k + c];
}

// dx = z.w^T (unless dx is null) and dw = x^T.z for z [m, n], x [m, k], w [k, n]; t is k x n
// scratch (w^T for dx first).
void smallGradGemms(const float* z, const float* x, const float* w, float* dx, float* dw, float* t, int64_t m, int64_t k,
                    int64_t n) {
  if (dx) {
    for (int64_t c = 0; c < k; ++c)
      for (int64_t j = 0; j < n; ++j) t[j * k + c] = w[c * n + j];
    if (!narrowGemm({z, n, 1, t, k, dx, k, m, n, k, nullptr, false})) dxLoops(z, t, dx, m, k, n);
  }
  if (!narrowGemm({x, 1, k, z, n, dw, n, k, m, n, nullptr, false})) dwLoops(z, x, dw, t, m, k, n);
}

// dense_grad for relu (mask from the output y) or no activation, without oneDNN: dz = dy where
// y > 0, db = the column sums of dz in one pass (threads own column ranges); with `gemms` (small
// shapes, where a primitive's overhead outweighs its work) also dx = dz.w^T and dw = x^T.dz. With
// bf16 products, dz is written in bf16 (for the primitives' GEMMs) and db summed unrounded.
class DenseGrad final : public Kernel {
 public:
  DenseGrad(const DenseGradBuffers& b, DenseGradMode mode, int64_t m, int64_t k, int64_t n) : b_(b), mode_(mode), m_(m), k_(k), n_(n) {}
  Status run(void* const* b) const override {
    const int64_t m = m_, n = n_;
    const float* dy = static_cast<const float*>(b[b_.dy]);
    const float* y = mode_.relu ? static_cast<const float*>(b[b_.y]) : nullptr;
    void* dz = mode_.relu || mode_.bf16Dz ? b[b_.dz] : nullptr;
    float* db = static_cast<float*>(b[b_.db]);
    auto columns = [&](int64_t j0, int64_t j1) {
      if (mode_.bf16Dz) maskAndSumBf16(dy, y, static_cast<uint16_t*>(dz), db, m, n, j0, j1);
      else maskAndSum(dy, y, static_cast<float*>(dz), db, m, n, j0, j1);
    };
    FlushSubnormals ftz;
    if (m * n > kParallelMin) {
#pragma omp parallel
      {
        FlushSubnormals ftzWorker;
        auto [j0, j1] = threadShare(n);
        columns(j0, j1);
      }
    } else {
      columns(0, n);
    }
    if (mode_.gemms)
      smallGradGemms(mode_.relu ? static_cast<const float*>(dz) : dy, static_cast<const float*>(b[b_.x]),
                     static_cast<const float*>(b[b_.w]), b_.dx >= 0 ? static_cast<float*>(b[b_.dx]) : nullptr,
                     static_cast<float*>(b[b_.dw]), static_cast<float*>(b[b_.scratch]), m, k_, n);
    return ok();
  }

 private:
  DenseGradBuffers b_;
  DenseGradMode mode_;
  int64_t m_, k_, n_;
};

// softmax_cross_entropy: per row the log-sum-exp, then the loss terms (summed in double) and
// dz = (softmax * rowsum(t) - t) / rows. Single-threaded: rows x classes is small next to the
// GEMMs around it.
class SoftmaxCrossEntropy final : public Kernel {
 public:
  SoftmaxCrossEntropy(int64_t rows, int64_t cols, int z, int t, int loss, int dz)
      : rows_(rows), cols_(cols), z_(z), t_(t), loss_(loss), dz_(dz) {}
  Status run(void* const* b) const override {
    const float *z = static_cast<const float*>(b[z_]), *t = static_cast<const float*>(b[t_]);
    float* dz = static_cast<float*>(b[dz_]);
    const int64_t n = cols_;
    const float invRows = 1.f / (float)rows_;
    FlushSubnormals ftz;
    double total = 0;
    for (int64_t i = 0; i < rows_; ++i) {
      const float *zr = z + i * n, *tr = t + i * n;
      float* dr = dz + i * n;
      float mx = -INFINITY, sum = 0, tsum = 0;
      for (int64_t j = 0; j < n; ++j) mx = std::max(mx, zr[j]);
      for (int64_t j = 0; j < n; ++j) {
        dr[j] = std::exp(zr[j] - mx);
        sum += dr[j], tsum += tr[j];
      }
      float lse = mx + std::log(sum), scale = tsum / sum;
      double row = 0;
      for (int64_t j = 0; j < n; ++j) {
        row += (double)tr[j] * (double)(zr[j] - lse);
        dr[j] = (dr[j] * scale - tr[j]) * invRows;
      }
      total -= row;
    }
    *static_cast<float*>(b[loss_]) = (float)(total / (double)rows_);
    return ok();
  }

 private:
  int64_t rows_, cols_;
  int z_, t_, loss_, dz_;
};

int64_t readIndex(const void* p, bool i64, int64_t j) {
  return i64 ? static_cast<const int64_t*>(p)[j] : static_cast<const int32_t*>(p)[j];
}

class OneHot final : public Kernel {
 public:
  OneHot(DType labels, DType out, int64_t count, int64_t depth, int in, int o)
      : i64_(labels == DType::i64), out_(out), count_(count), depth_(depth), in_(in), o_(o) {}
  Status run(void* const* b) const override {
    for (int64_t i = 0; i < count_; ++i) {
      int64_t k = readIndex(b[in_], i64_, i);
      if (k < 0 || k >= depth_) return Error(fmt::format("one_hot: label {} at position {} is outside [0, {})", k, i, depth_));
    }
    visitDType(out_, [&](auto* tag) {
      using T = std::remove_pointer_t<decltype(tag)>;
      T* y = static_cast<T*>(b[o_]);
      std::memset(y, 0, (size_t)(count_ * depth_) * sizeof(T));
      for (int64_t i = 0; i < count_; ++i) y[i * depth_ + readIndex(b[in_], i64_, i)] = T(1);
    });
    return ok();
  }

 private:
  bool i64_;
  DType out_;
  int64_t count_, depth_;
  int in_, o_;
};

// dx[o, idx[j], i] += dy[o, j, i]; each outer index owns its rows, so the outer loop is parallel.
class GatherGrad final : public Kernel {
 public:
  GatherGrad(DType it, int64_t outer, int64_t dim, int64_t inner, int64_t count, int dy, int idx, int out)
      : i64_(it == DType::i64), outer_(outer), dim_(dim), inner_(inner), count_(count), dy_(dy), idx_(idx), out_(out) {}
  Status run(void* const* b) const override {
    for (int64_t j = 0; j < count_; ++j) {
      int64_t k = readIndex(b[idx_], i64_, j);
      if (k < -dim_ || k >= dim_) return Error(fmt::format("gather_grad: index {} is out of range for an axis of size {}", k, dim_));
    }
    const float* dy = static_cast<const float*>(b[dy_]);
    float* dx = static_cast<float*>(b[out_]);
    std::memset(dx, 0, (size_t)(outer_ * dim_ * inner_) * sizeof(float));
#pragma omp parallel for if (outer_ * count_ * inner_ > kParallelMin) schedule(static)
    for (int64_t o = 0; o < outer_; ++o)
      for (int64_t j = 0; j < count_; ++j) {
        int64_t k = readIndex(b[idx_], i64_, j);
        if (k < 0) k += dim_;
        float* row = dx + (o * dim_ + k) * inner_;
        const float* src = dy + (o * count_ + j) * inner_;
        for (int64_t i = 0; i < inner_; ++i) row[i] += src[i];
      }
    return ok();
  }

 private:
  bool i64_;
  int64_t outer_, dim_, inner_, count_;
  int dy_, idx_, out_;
};

// Zeros, then dy written through the slice's strided view (a slice never repeats an element).
class SliceGrad final : public Kernel {
 public:
  SliceGrad(size_t es, size_t outBytes, const Shape& dyShape, const std::vector<int64_t>& strides, int64_t offset, int dy, int out)
      : es_(es), outBytes_(outBytes), shape_(dyShape), strides_(strides), offset_(offset), dy_(dy), out_(out) {}
  Status run(void* const* b) const override {
    char* dst = static_cast<char*>(b[out_]);
    const char* src = static_cast<const char*>(b[dy_]);
    std::memset(dst, 0, outBytes_);
    int64_t total = numElements(shape_);
#pragma omp parallel for if (total > kParallelMin) schedule(static)
    for (int64_t i = 0; i < total; ++i) {
      int64_t off = offset_, rest = i;
      for (size_t d = shape_.size(); d-- > 0;) {
        off += (rest % shape_[d]) * strides_[d];
        rest /= shape_[d];
      }
      std::memcpy(dst + off * (int64_t)es_, src + i * (int64_t)es_, es_);
    }
    return ok();
  }

 private:
  size_t es_, outBytes_;
  Shape shape_;
  std::vector<int64_t> strides_;
  int64_t offset_;
  int dy_, out_;
};

}  // namespace

std::unique_ptr<Kernel> optimizerKernel(OpKind op, const OpCtx& c, DType stepType, int64_t n, std::vector<int> ins,
                                        std::vector<int> outs) {
  auto k = std::make_unique<Optimizer>(op, c, stepType);
  k->add(n, std::move(ins), std::move(outs));
  return k;
}

bool joinOptimizerKernel(Kernel* k, OpKind op, const OpCtx& c, DType stepType, int64_t n, std::vector<int> ins,
                         std::vector<int> outs) {
  auto* opt = dynamic_cast<Optimizer*>(k);
  if (!opt || !opt->sameKind(op, c, stepType, ins)) return false;
  opt->add(n, std::move(ins), std::move(outs));
  return true;
}

std::unique_ptr<Kernel> denseGradKernel(const DenseGradBuffers& b, DenseGradMode mode, int64_t m, int64_t k, int64_t n) {
  assert(!(mode.gemms && mode.bf16Dz));
  return std::make_unique<DenseGrad>(b, mode, m, k, n);
}

std::unique_ptr<Kernel> softmaxCrossEntropyKernel(int64_t rows, int64_t cols, int z, int t, int loss, int dz) {
  return std::make_unique<SoftmaxCrossEntropy>(rows, cols, z, t, loss, dz);
}

std::unique_ptr<Kernel> oneHotKernel(DType labels, DType out, int64_t count, int64_t depth, int in, int o) {
  return std::make_unique<OneHot>(labels, out, count, depth, in, o);
}

std::unique_ptr<Kernel> gatherGradKernel(DType indexType, int64_t outer, int64_t dim, int64_t inner, int64_t count, int dy,
                                         int idx, int out) {
  return std::make_unique<GatherGrad>(indexType, outer, dim, inner, count, dy, idx, out);
}

std::unique_ptr<Kernel> sliceGradKernel(size_t es, size_t outBytes, const Shape& dyShape, const std::vector<int64_t>& strides,
                                        int64_t offset, int dy, int out) {
  return std::make_unique<SliceGrad>(es, outBytes, dyShape, strides, offset, dy, out);
}

}  // namespace graphc::dnnl
