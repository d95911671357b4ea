// Our training kernels: optimizer updates (sgd, momentum, adam), one_hot, gather_grad and
// slice_grad. The updates follow the interpreter's (PyTorch's) arithmetic order exactly.
#include <cmath>
#include <cstring>
#include <fmt/format.h>

#include "backend/dnnl/kernels.h"

namespace graphc::dnnl {
namespace {

constexpr int64_t kParallelMin = 1 << 15;

class Optimizer final : public Kernel {
 public:
  Optimizer(OpKind op, const OpCtx& c, DType stepType, int64_t n, std::vector<int> ins, std::vector<int> outs)
      : op_(op), stepType_(stepType), n_(n), ins_(std::move(ins)), outs_(std::move(outs)) {
    lr_ = c.f("lr");
    if (op == OpKind::MomentumUpdate) momentum_ = c.f("momentum");
    if (op == OpKind::AdamUpdate) b1_ = c.f("beta1"), b2_ = c.f("beta2"), eps_ = c.f("epsilon");
  }
  Status run(void* const* b) const override {
    auto in = [&](int i) { return static_cast<const float*>(b[ins_[i]]); };
    auto out = [&](int i) { return static_cast<float*>(b[outs_[i]]); };
    const float *w = in(0), *g = in(1);
    float* wo = out(0);
    const int64_t n = n_;
    if (op_ == OpKind::SgdUpdate) {
      float step = (float)-lr_;
#pragma omp parallel for if (n > kParallelMin) schedule(static)
      for (int64_t i = 0; i < n; ++i) wo[i] = w[i] + step * g[i];
    } else if (op_ == OpKind::MomentumUpdate) {
      const float* buf = in(2);
      float* bo = out(1);
      float mom = (float)momentum_, step = (float)-lr_;
#pragma omp parallel for if (n > kParallelMin) schedule(static)
      for (int64_t i = 0; i < n; ++i) {
        float v = buf[i] * mom + g[i];
        bo[i] = v;
        wo[i] = w[i] + step * v;
      }
    } else {
      const float *m = in(2), *v = in(3);
      float *mo = out(1), *vo = out(2);
      double step = 0;
      visitDType(stepType_, [&](auto* tag) { step = (double)static_cast<const std::remove_pointer_t<decltype(tag)>*>(b[ins_[4]])[0]; });
      if (step < 1) return Error("adam_update: step must count from 1");
      double stepSize = lr_ / (1 - std::pow(b1_, step));
      float bc2Sqrt = (float)std::sqrt(1 - std::pow(b2_, step)), eps = (float)eps_, b1 = (float)b1_, b2 = (float)b2_;
      float c1 = (float)(1 - b1_), c2 = (float)(1 - b2_), neg = (float)-stepSize;
#pragma omp parallel for if (n > kParallelMin) schedule(static)
      for (int64_t i = 0; i < n; ++i) {
        float mi = m[i] * b1 + g[i] * c1;
        float vi = v[i] * b2 + g[i] * g[i] * c2;
        float denom = std::sqrt(vi) / bc2Sqrt + eps;
        mo[i] = mi, vo[i] = vi;
        wo[i] = w[i] + neg * (mi / denom);
      }
    }
    return ok();
  }

 private:
  OpKind op_;
  DType stepType_;
  int64_t n_;
  std::vector<int> ins_, outs_;
  double lr_ = 0, momentum_ = 0, b1_ = 0, b2_ = 0, eps_ = 0;
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
  return std::make_unique<Optimizer>(op, c, stepType, n, std::move(ins), std::move(outs));
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
