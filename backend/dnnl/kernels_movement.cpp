// Our data-movement kernels: strided copies (transpose, slice, expand), concat and gather.
// They move elements bytewise, so one kernel serves every dtype.
#include <cstring>
#include <fmt/format.h>

#include "backend/dnnl/kernels.h"

namespace graphc::dnnl {
namespace {

constexpr int64_t kParallelMin = 1 << 15;

template <size_t N>
struct Elem {
  unsigned char v[N];
};

class StridedCopy final : public Kernel {
 public:
  StridedCopy(size_t es, const Shape& out, const std::vector<int64_t>& strides, int64_t offset, int in, int o)
      : es_(es), offset_(offset), in_(in), out_(o) {
    Shape shape = out.empty() ? Shape{1} : out;
    std::vector<int64_t> st = strides.empty() ? std::vector<int64_t>{0} : strides;
    cols_ = shape.back(), colStride_ = st.back();
    lead_.assign(shape.begin(), shape.end() - 1);
    leadStrides_.assign(st.begin(), st.end() - 1);
    rows_ = numElements(lead_);
  }
  Status run(void* const* buf) const override {
    switch (es_) {
      case 1: go<Elem<1>>(buf); break;
      case 2: go<Elem<2>>(buf); break;
      case 4: go<Elem<4>>(buf); break;
      default: go<Elem<8>>(buf); break;
    }
    return ok();
  }

 private:
  template <class E>
  void go(void* const* buf) const {
    const E* src = static_cast<const E*>(buf[in_]) + offset_;
    E* dst = static_cast<E*>(buf[out_]);
#pragma omp parallel for if (rows_ * cols_ > kParallelMin) schedule(static)
    for (int64_t r = 0; r < rows_; ++r) {
      int64_t off = 0, rest = r;
      for (size_t d = lead_.size(); d-- > 0;) {
        off += (rest % lead_[d]) * leadStrides_[d];
        rest /= lead_[d];
      }
      const E* s = src + off;
      E* y = dst + r * cols_;
      if (colStride_ == 1) std::memcpy(y, s, (size_t)cols_ * sizeof(E));
      else
        for (int64_t j = 0; j < cols_; ++j) y[j] = s[j * colStride_];
    }
  }
  size_t es_;
  int64_t offset_, cols_ = 1, colStride_ = 1, rows_ = 1;
  Shape lead_;
  std::vector<int64_t> leadStrides_;
  int in_, out_;
};

class Concat final : public Kernel {
 public:
  Concat(size_t es, int64_t outer, const std::vector<int64_t>& inner, const std::vector<int>& ins, int out)
      : outer_(outer), ins_(ins), out_(out) {
    for (int64_t n : inner) rowBytes_.push_back((size_t)n * es), outRow_ += (size_t)n * es;
  }
  Status run(void* const* buf) const override {
    char* dst = static_cast<char*>(buf[out_]);
#pragma omp parallel for if ((size_t)outer_ * outRow_ > kParallelMin) schedule(static)
    for (int64_t o = 0; o < outer_; ++o) {
      size_t at = 0;
      for (size_t i = 0; i < ins_.size(); ++i) {
        std::memcpy(dst + o * outRow_ + at, static_cast<const char*>(buf[ins_[i]]) + o * rowBytes_[i], rowBytes_[i]);
        at += rowBytes_[i];
      }
    }
    return ok();
  }

 private:
  int64_t outer_;
  std::vector<size_t> rowBytes_;
  size_t outRow_ = 0;
  std::vector<int> ins_;
  int out_;
};

// A copy of `bytes` bytes that does nothing where the memory plan gave in and out one buffer.
class CopyBytes final : public Kernel {
 public:
  CopyBytes(size_t bytes, int in, int out) : bytes_(bytes), in_(in), out_(out) {}
  Status run(void* const* buf) const override {
    const char* src = static_cast<const char*>(buf[in_]);
    char* dst = static_cast<char*>(buf[out_]);
    if (src == dst) return ok();
    constexpr size_t kChunk = 1 << 16;
    int64_t chunks = (int64_t)((bytes_ + kChunk - 1) / kChunk);
#pragma omp parallel for if (bytes_ > 4 * (size_t)kParallelMin) schedule(static)
    for (int64_t c = 0; c < chunks; ++c) {
      size_t at = (size_t)c * kChunk;
      std::memcpy(dst + at, src + at, std::min(kChunk, bytes_ - at));
    }
    return ok();
  }

 private:
  size_t bytes_;
  int in_, out_;
};

class Gather final : public Kernel {
 public:
  Gather(size_t es, DType it, int64_t outer, int64_t dim, int64_t inner, int64_t count, int data, int index, int out)
      : block_((size_t)inner * es), i64_(it == DType::i64), outer_(outer), dim_(dim), count_(count), data_(data),
        index_(index), out_(out) {}
  Status run(void* const* buf) const override {
    // Indices are checked before anything is copied; negative ones count from the end.
    for (int64_t j = 0; j < count_; ++j) {
      int64_t k = index(buf, j);
      if (k < -dim_ || k >= dim_)
        return Error(fmt::format("gather: index {} is out of range for an axis of size {}", k, dim_));
    }
    const char* src = static_cast<const char*>(buf[data_]);
    char* dst = static_cast<char*>(buf[out_]);
#pragma omp parallel for collapse(2) if ((size_t)(outer_ * count_) * block_ > kParallelMin) schedule(static)
    for (int64_t o = 0; o < outer_; ++o)
      for (int64_t j = 0; j < count_; ++j) {
        int64_t k = index(buf, j);
        if (k < 0) k += dim_;
        std::memcpy(dst + (o * count_ + j) * block_, src + (o * dim_ + k) * block_, block_);
      }
    return ok();
  }

 private:
  int64_t index(void* const* buf, int64_t j) const {
    return i64_ ? static_cast<const int64_t*>(buf[index_])[j] : static_cast<const int32_t*>(buf[index_])[j];
  }
  size_t block_;
  bool i64_;
  int64_t outer_, dim_, count_;
  int data_, index_, out_;
};

}  // namespace

std::unique_ptr<Kernel> stridedCopyKernel(size_t elemSize, const Shape& outShape, const std::vector<int64_t>& strides,
                                          int64_t offset, int in, int out) {
  return std::make_unique<StridedCopy>(elemSize, outShape, strides, offset, in, out);
}

std::unique_ptr<Kernel> copyKernel(size_t bytes, int in, int out) { return std::make_unique<CopyBytes>(bytes, in, out); }

std::unique_ptr<Kernel> concatKernel(size_t elemSize, int64_t outer, const std::vector<int64_t>& inner,
                                     const std::vector<int>& ins, int out) {
  return std::make_unique<Concat>(elemSize, outer, inner, ins, out);
}

std::unique_ptr<Kernel> gatherKernel(size_t elemSize, DType indexType, int64_t outer, int64_t dim, int64_t inner,
                                     int64_t count, int data, int index, int out) {
  return std::make_unique<Gather>(elemSize, indexType, outer, dim, inner, count, data, index, out);
}

}  // namespace graphc::dnnl
