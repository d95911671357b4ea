// Our training kernels: optimizer updates (sgd, momentum, adam), one_hot, gather_grad and
// slice_grad. The updates follow the interpreter's (PyTorch's) arithmetic order exactly.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fmt/format.h>

#include "backend/dnnl/kernels.h"

namespace graphc::dnnl {
namespace {

constexpr int64_t kParallelMin = 1 << 15;

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
    tensors_.push_back({n, std::move(ins), std::move(outs)});
    total_ += n;
  }
  Status run(void* const* b) const override {
    float step = (float)-lr_, mom = (float)momentum_;
    float bc2Sqrt = 0, eps = (float)eps_, b1 = (float)b1_, b2 = (float)b2_, c1 = (float)(1 - b1_), c2 = (float)(1 - b2_);
    if (op_ == OpKind::AdamUpdate) {
      double count = 0;
      visitDType(stepType_, [&](auto* tag) {
        count = (double)static_cast<const std::remove_pointer_t<decltype(tag)>*>(b[tensors_[0].ins[4]])[0];
      });
      if (count < 1) return Error("adam_update: step must count from 1");
      step = (float)-(lr_ / (1 - std::pow(b1_, count)));
      bc2Sqrt = (float)std::sqrt(1 - std::pow(b2_, count));
    }
#pragma omp parallel if (total_ > kParallelMin)
    for (const Slot& t : tensors_) {
      auto in = [&](int i) { return static_cast<const float*>(b[t.ins[i]]); };
      auto out = [&](int i) { return static_cast<float*>(b[t.outs[i]]); };
      const float *w = in(0), *g = in(1);
      float* wo = out(0);
      const int64_t n = t.n;
      if (op_ == OpKind::SgdUpdate) {
#pragma omp for simd schedule(static) nowait
        for (int64_t i = 0; i < n; ++i) wo[i] = w[i] + step * g[i];
      } else if (op_ == OpKind::MomentumUpdate) {
        const float* buf = in(2);
        float* bo = out(1);
#pragma omp for simd schedule(static) nowait
        for (int64_t i = 0; i < n; ++i) {
          float v = buf[i] * mom + g[i];
          bo[i] = v;
          wo[i] = w[i] + step * v;
        }
      } else {  // adam, in the interpreter's (PyTorch's) arithmetic order
        const float *m = in(2), *v = in(3);
        float *mo = out(1), *vo = out(2);
#pragma omp for simd schedule(static) nowait
        for (int64_t i = 0; i < n; ++i) {
          float mi = m[i] * b1 + g[i] * c1;
          float vi = v[i] * b2 + g[i] * g[i] * c2;
          float denom = std::sqrt(vi) / bc2Sqrt + eps;
          mo[i] = mi, vo[i] = vi;
          wo[i] = w[i] + step * (mi / denom);
        }
      }
    }
    return ok();
  }

 private:
  struct Slot {
    int64_t n;
    std::vector<int> ins, outs;
  };
  OpKind op_;
  DType stepType_;
  std::vector<Slot> tensors_;
  int64_t total_ = 0;
  double lr_ = 0, momentum_ = 0, b1_ = 0, b2_ = 0, eps_ = 0;
};

// dense_grad for relu (mask from the output y) or no activation, without oneDNN: dz = dy where
// y > 0, db = the column sums of dz in one pass (threads own column ranges); with `gemms` (small
// shapes, where a primitive's overhead outweighs its work) also dx = dz.w^T and dw = x^T.dz.
class DenseGrad final : public Kernel {
 public:
  DenseGrad(const DenseGradBuffers& b, bool relu, bool gemms, int64_t m, int64_t k, int64_t n)
      : b_(b), relu_(relu), gemms_(gemms), m_(m), k_(k), n_(n) {}
  Status run(void* const* b) const override {
    const int64_t m = m_, k = k_, n = n_;
    const float* dy = static_cast<const float*>(b[b_.dy]);
    const float* y = relu_ ? static_cast<const float*>(b[b_.y]) : nullptr;
    float* dz = relu_ ? static_cast<float*>(b[b_.dz]) : nullptr;
    float* db = static_cast<float*>(b[b_.db]);
#pragma omp parallel if (m * n > kParallelMin)
    {
      int threads = omp_get_num_threads(), t = omp_get_thread_num();
      int64_t chunk = (n + threads - 1) / threads;
      chunk = (chunk + 15) / 16 * 16;
      int64_t j0 = std::min(n, t * chunk), j1 = std::min(n, j0 + chunk);
      for (int64_t j = j0; j < j1; ++j) db[j] = 0;
      for (int64_t i = 0; i < m; ++i) {
        const float* g = dy + i * n;
        if (relu_) {
          const float* yr = y + i * n;
          float* zr = dz + i * n;
#pragma omp simd
          for (int64_t j = j0; j < j1; ++j) {
            float v = yr[j] > 0 ? g[j] : 0.f;
            zr[j] = v;
            db[j] += v;
          }
        } else {
#pragma omp simd
          for (int64_t j = j0; j < j1; ++j) db[j] += g[j];
        }
      }
    }
    if (!gemms_) return ok();
    const float* z = relu_ ? dz : dy;
    const float* x = static_cast<const float*>(b[b_.x]);
    const float* w = static_cast<const float*>(b[b_.w]);
    float* dx = static_cast<float*>(b[b_.dx]);
    float* dw = static_cast<float*>(b[b_.dw]);
    for (int64_t i = 0; i < m; ++i)  // dx[i, c] = dz[i, :] . w[c, :]
      for (int64_t c = 0; c < k; ++c) {
        float acc = 0;
#pragma omp simd reduction(+ : acc)
        for (int64_t j = 0; j < n; ++j) acc += z[i * n + j] * w[c * n + j];
        dx[i * k + c] = acc;
      }
    std::memset(dw, 0, (size_t)(k * n) * sizeof(float));
    for (int64_t i = 0; i < m; ++i)  // dw[c, :] += x[i, c] * dz[i, :]
      for (int64_t c = 0; c < k; ++c) {
        float xv = x[i * k + c];
        float* row = dw + c * n;
#pragma omp simd
        for (int64_t j = 0; j < n; ++j) row[j] += xv * z[i * n + j];
      }
    return ok();
  }

 private:
  DenseGradBuffers b_;
  bool relu_, gemms_;
  int64_t m_, k_, n_;
};

// y = act(x.w + b) for small shapes, act relu or none: one loop nest, single-threaded.
class SmallDense final : public Kernel {
 public:
  SmallDense(bool relu, int64_t m, int64_t k, int64_t n, int x, int w, int bias, int y)
      : relu_(relu), m_(m), k_(k), n_(n), x_(x), w_(w), b_(bias), y_(y) {}
  Status run(void* const* b) const override {
    const float *x = static_cast<const float*>(b[x_]), *w = static_cast<const float*>(b[w_]), *bias = static_cast<const float*>(b[b_]);
    float* y = static_cast<float*>(b[y_]);
    const int64_t k = k_, n = n_;
    for (int64_t i = 0; i < m_; ++i) {
      float* row = y + i * n;
      for (int64_t j = 0; j < n; ++j) row[j] = bias[j];
      for (int64_t c = 0; c < k; ++c) {
        float xv = x[i * k + c];
        const float* wr = w + c * n;
#pragma omp simd
        for (int64_t j = 0; j < n; ++j) row[j] += xv * wr[j];
      }
      if (relu_)
        for (int64_t j = 0; j < n; ++j) row[j] = std::max(row[j], 0.f);
    }
    return ok();
  }

 private:
  bool relu_;
  int64_t m_, k_, n_;
  int x_, w_, b_, y_;
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

std::unique_ptr<Kernel> denseGradKernel(const DenseGradBuffers& b, bool relu, bool gemms, int64_t m, int64_t k, int64_t n) {
  return std::make_unique<DenseGrad>(b, relu, gemms, m, k, n);
}

std::unique_ptr<Kernel> smallDenseKernel(bool relu, int64_t m, int64_t k, int64_t n, int x, int w, int bias, int y) {
  return std::make_unique<SmallDense>(relu, m, k, n, x, w, bias, y);
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
