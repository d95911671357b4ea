// Our elementwise kernels: unary, binary with broadcasting, comparisons, where and cast.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "backend/dnnl/kernels.h"
#include "ir/convert.h"
#include "ir/math_fns.h"

namespace graphc::dnnl {
namespace {

// Below this many elements a parallel region costs more than it saves.
constexpr int64_t kParallelMin = 1 << 15;

template <class T> T wrapAdd(T a, T b) { using U = std::make_unsigned_t<T>; return T(U(a) + U(b)); }
template <class T> T wrapSub(T a, T b) { using U = std::make_unsigned_t<T>; return T(U(a) - U(b)); }
template <class T> T wrapMul(T a, T b) { using U = std::make_unsigned_t<T>; return T(U(a) * U(b)); }

template <class T, class F>
void mapN(const T* x, T* y, int64_t n, F f) {
#pragma omp parallel for if (n > kParallelMin) schedule(static)
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

template <class T>
class Unary final : public Kernel {
 public:
  Unary(OpKind op, double alpha, double beta, int64_t n, int in, int out)
      : op_(op), alpha_(alpha), beta_(beta), n_(n), in_(in), out_(out) {}
  static bool supports(OpKind op) {
    if constexpr (std::is_floating_point_v<T>) return true;
    else return op == OpKind::Neg || op == OpKind::Abs || op == OpKind::Relu || op == OpKind::Clip || hasMathFn<T>(op);
  }
  Status run(void* const* b) const override {
    const T* x = static_cast<const T*>(b[in_]);
    T* y = static_cast<T*>(b[out_]);
    if (withMathFn<T>(op_, [&](auto f) { mapN(x, y, n_, f); })) return ok();
    if constexpr (std::is_floating_point_v<T>) {
      const T a = (T)alpha_, hi = (T)beta_;
      switch (op_) {
        case OpKind::Neg: mapN(x, y, n_, [](T v) { return -v; }); break;
        case OpKind::Abs: mapN(x, y, n_, [](T v) { return std::fabs(v); }); break;
        case OpKind::Sqrt: mapN(x, y, n_, [](T v) { return std::sqrt(v); }); break;
        case OpKind::Exp: mapN(x, y, n_, [](T v) { return std::exp(v); }); break;
        case OpKind::Log: mapN(x, y, n_, [](T v) { return std::log(v); }); break;
        case OpKind::Erf: mapN(x, y, n_, [](T v) { return std::erf(v); }); break;
        case OpKind::Reciprocal: mapN(x, y, n_, [](T v) { return T(1) / v; }); break;
        case OpKind::Relu: mapN(x, y, n_, [](T v) { return v < T(0) ? T(0) : v; }); break;
        case OpKind::LeakyRelu: mapN(x, y, n_, [a](T v) { return v < T(0) ? a * v : v; }); break;
        case OpKind::Elu: mapN(x, y, n_, [a](T v) { return v < T(0) ? a * std::expm1(v) : v; }); break;
        case OpKind::Sigmoid: mapN(x, y, n_, [](T v) { return T(1) / (T(1) + std::exp(-v)); }); break;
        case OpKind::Tanh: mapN(x, y, n_, [](T v) { return std::tanh(v); }); break;
        case OpKind::Gelu:
          mapN(x, y, n_, [](T v) { return T(0.5) * v * (T(1) + std::erf(v * T(0.70710678118654752440))); });
          break;
        case OpKind::Clip: mapN(x, y, n_, [a, hi](T v) { return v < a ? a : v > hi ? hi : v; }); break;
        case OpKind::Silu: mapN(x, y, n_, [](T v) { return v * (T(1) / (T(1) + std::exp(-v))); }); break;
        // ONNX's formulas, as the interpreter computes them (NaN stays NaN).
        case OpKind::HardSigmoid:
          mapN(x, y, n_, [a, b = hi](T v) { T z = a * v + b; return z < T(0) ? T(0) : z > T(1) ? T(1) : z; });
          break;
        case OpKind::HardSwish:
          mapN(x, y, n_, [](T v) { T z = v / T(6) + T(0.5); return v * (z < T(0) ? T(0) : z > T(1) ? T(1) : z); });
          break;
        default: break;
      }
    } else {
      switch (op_) {
        case OpKind::Neg: mapN(x, y, n_, [](T v) { return wrapSub(T(0), v); }); break;
        case OpKind::Abs: mapN(x, y, n_, [](T v) { return v < 0 ? wrapSub(T(0), v) : v; }); break;
        case OpKind::Relu: mapN(x, y, n_, [](T v) { return v < T(0) ? T(0) : v; }); break;
        case OpKind::Clip: {
          // The float bounds are rounded inward and saturate to T, as the interpreter does.
          auto bound = [](double v) {
            constexpr double lo = (double)std::numeric_limits<T>::lowest(), hi = (double)std::numeric_limits<T>::max();
            return v <= lo ? std::numeric_limits<T>::lowest() : v >= hi ? std::numeric_limits<T>::max() : (T)v;
          };
          T lo = bound(std::ceil(alpha_)), hi = bound(std::floor(beta_));
          mapN(x, y, n_, [lo, hi](T v) { return v < lo ? lo : v > hi ? hi : v; });
          break;
        }
        default: break;
      }
    }
    return ok();
  }

 private:
  OpKind op_;
  double alpha_, beta_;
  int64_t n_;
  int in_, out_;
};

// Row-wise walk of an output shape: the last axis is the inner loop, the rest are decomposed
// per row, so each row costs one division chain instead of one per element.
struct Walk {
  Shape lead;
  int64_t cols = 1, rows = 1;
  std::vector<std::vector<int64_t>> strides;  // per source, strides of the lead axes
  std::vector<int64_t> colStride;             // per source, stride of the last axis

  Walk(const Shape& out, const std::vector<Shape>& ins) {
    cols = out.empty() ? 1 : out.back();
    lead = out.empty() ? Shape{} : Shape(out.begin(), out.end() - 1);
    rows = numElements(lead);
    for (const Shape& in : ins) {
      std::vector<int64_t> s = broadcastStrides(in, out.empty() ? Shape{1} : out);
      colStride.push_back(s.back());
      s.pop_back();
      strides.push_back(std::move(s));
    }
  }
  int64_t offset(size_t src, int64_t row) const {
    int64_t off = 0;
    for (size_t d = lead.size(); d-- > 0;) {
      off += (row % lead[d]) * strides[src][d];
      row /= lead[d];
    }
    return off;
  }
};

template <class T, class R, class F>
bool mapBinary(const Walk& w, const T* a, const T* b, R* y, F f) {
  bool bad = false;
#pragma omp parallel for if (w.rows * w.cols > kParallelMin) schedule(static) reduction(|| : bad)
  for (int64_t r = 0; r < w.rows; ++r) {
    const T* pa = a + w.offset(0, r);
    const T* pb = b + w.offset(1, r);
    R* py = y + r * w.cols;
    int64_t sa = w.colStride[0], sb = w.colStride[1];
    for (int64_t j = 0; j < w.cols; ++j) bad |= !f(pa[j * sa], pb[j * sb], py[j]);
  }
  return !bad;
}

template <class T>
class Binary final : public Kernel {
 public:
  Binary(OpKind op, const Shape& a, const Shape& b, const Shape& out, int ia, int ib, int io)
      : op_(op), walk_(out, {a, b}), a_(ia), b_(ib), out_(io) {}
  Status run(void* const* buf) const override {
    const T *a = static_cast<const T*>(buf[a_]), *b = static_cast<const T*>(buf[b_]);
    T* y = static_cast<T*>(buf[out_]);
    bool* yb = static_cast<bool*>(buf[out_]);
    const Walk& w = walk_;
    switch (op_) {
      case OpKind::Equal: mapBinary(w, a, b, yb, [](T x, T z, bool& r) { return r = x == z, true; }); return ok();
      case OpKind::Less: mapBinary(w, a, b, yb, [](T x, T z, bool& r) { return r = x < z, true; }); return ok();
      case OpKind::Greater: mapBinary(w, a, b, yb, [](T x, T z, bool& r) { return r = x > z, true; }); return ok();
      default: break;
    }
    if constexpr (!std::is_same_v<T, bool>) return arith(a, b, y);
    return ok();
  }

 private:
  Status arith(const T* a, const T* b, T* y) const {
    constexpr bool isF = std::is_floating_point_v<T>;
    const Walk& w = walk_;
    switch (op_) {
      case OpKind::Add:
        if constexpr (isF) mapBinary(w, a, b, y, [](T x, T z, T& r) { return r = x + z, true; });
        else mapBinary(w, a, b, y, [](T x, T z, T& r) { return r = wrapAdd(x, z), true; });
        break;
      case OpKind::Sub:
        if constexpr (isF) mapBinary(w, a, b, y, [](T x, T z, T& r) { return r = x - z, true; });
        else mapBinary(w, a, b, y, [](T x, T z, T& r) { return r = wrapSub(x, z), true; });
        break;
      case OpKind::Mul:
        if constexpr (isF) mapBinary(w, a, b, y, [](T x, T z, T& r) { return r = x * z, true; });
        else mapBinary(w, a, b, y, [](T x, T z, T& r) { return r = wrapMul(x, z), true; });
        break;
      case OpKind::Div:
        if constexpr (isF) {
          mapBinary(w, a, b, y, [](T x, T z, T& r) { return r = x / z, true; });
        } else {
          // Truncating division (C, ONNX); lowest / -1 wraps; division by zero is an error.
          bool fine = mapBinary(w, a, b, y, [](T x, T z, T& r) {
            if (z == 0) return r = 0, false;
            return r = z == T(-1) ? wrapSub(T(0), x) : T(x / z), true;
          });
          if (!fine) return Error("div: integer division by zero");
        }
        break;
      case OpKind::Pow:
        if constexpr (isF) mapBinary(w, a, b, y, [](T x, T z, T& r) { return r = std::pow(x, z), true; });
        break;
      case OpKind::Min: mapBinary(w, a, b, y, [](T x, T z, T& r) { return r = x < z || x != x ? x : z, true; }); break;
      case OpKind::Max: mapBinary(w, a, b, y, [](T x, T z, T& r) { return r = x > z || x != x ? x : z, true; }); break;
      default: break;
    }
    return ok();
  }

  OpKind op_;
  Walk walk_;
  int a_, b_, out_;
};

template <size_t N>
struct Bytes {
  unsigned char v[N];
};

class Where final : public Kernel {
 public:
  Where(size_t es, const Shape& c, const Shape& a, const Shape& b, const Shape& out, int ic, int ia, int ib, int io)
      : es_(es), walk_(out, {c, a, b}), c_(ic), a_(ia), b_(ib), out_(io) {}
  Status run(void* const* buf) const override {
    switch (es_) {
      case 1: go<Bytes<1>>(buf); break;
      case 4: go<Bytes<4>>(buf); break;
      default: go<Bytes<8>>(buf); break;
    }
    return ok();
  }

 private:
  template <class E>
  void go(void* const* buf) const {
    const bool* c = static_cast<const bool*>(buf[c_]);
    const E *a = static_cast<const E*>(buf[a_]), *b = static_cast<const E*>(buf[b_]);
    E* y = static_cast<E*>(buf[out_]);
    const Walk& w = walk_;
#pragma omp parallel for if (w.rows * w.cols > kParallelMin) schedule(static)
    for (int64_t r = 0; r < w.rows; ++r) {
      const bool* pc = c + w.offset(0, r);
      const E *pa = a + w.offset(1, r), *pb = b + w.offset(2, r);
      for (int64_t j = 0; j < w.cols; ++j)
        y[r * w.cols + j] = pc[j * w.colStride[0]] ? pa[j * w.colStride[1]] : pb[j * w.colStride[2]];
    }
  }
  size_t es_;
  Walk walk_;
  int c_, a_, b_, out_;
};


template <class From, class To>
class Cast final : public Kernel {
 public:
  Cast(int64_t n, int in, int out) : n_(n), in_(in), out_(out) {}
  Status run(void* const* buf) const override {
    const From* x = static_cast<const From*>(buf[in_]);
    To* y = static_cast<To*>(buf[out_]);
#pragma omp parallel for if (n_ > kParallelMin) schedule(static)
    for (int64_t i = 0; i < n_; ++i) y[i] = convertElement<To>(x[i]);
    return ok();
  }

 private:
  int64_t n_;
  int in_, out_;
};

// A cast from or to a storage type (f16, i8, ...): castElements' conversions, in chunks.
class CastStorage final : public Kernel {
 public:
  CastStorage(DType from, DType to, int64_t n, int in, int out) : from_(from), to_(to), n_(n), in_(in), out_(out) {}
  Status run(void* const* buf) const override {
    constexpr int64_t kChunk = 1 << 14;
    const char* x = static_cast<const char*>(buf[in_]);
    char* y = static_cast<char*>(buf[out_]);
    size_t inSize = dtypeSize(from_), outSize = dtypeSize(to_);
#pragma omp parallel for if (n_ > kParallelMin) schedule(static)
    for (int64_t i = 0; i < n_; i += kChunk)
      castElements(from_, x + (size_t)i * inSize, to_, y + (size_t)i * outSize, std::min(kChunk, n_ - i));
    return ok();
  }

 private:
  DType from_, to_;
  int64_t n_;
  int in_, out_;
};

}  // namespace

std::vector<int64_t> broadcastStrides(const Shape& in, const Shape& out) {
  size_t rank = out.size(), lead = rank - in.size();
  Shape inStrides = stridesOf(in);
  std::vector<int64_t> s(rank, 0);
  for (size_t d = lead; d < rank; ++d) s[d] = in[d - lead] == 1 ? 0 : inStrides[d - lead];
  return s;
}

std::unique_ptr<Kernel> unaryKernel(OpKind op, DType t, double alpha, double beta, int64_t n, int in, int out) {
  return visitDType(t, [&](auto* tag) -> std::unique_ptr<Kernel> {
    using T = std::remove_pointer_t<decltype(tag)>;
    if constexpr (std::is_same_v<T, bool>) return nullptr;
    else {
      if (!Unary<T>::supports(op)) return nullptr;
      return std::make_unique<Unary<T>>(op, alpha, beta, n, in, out);
    }
  });
}

std::unique_ptr<Kernel> binaryKernel(OpKind op, DType t, const Shape& a, const Shape& b, const Shape& out, int ia, int ib,
                                     int io) {
  return visitDType(t, [&](auto* tag) -> std::unique_ptr<Kernel> {
    using T = std::remove_pointer_t<decltype(tag)>;
    if constexpr (std::is_same_v<T, bool>) {
      if (op != OpKind::Equal && op != OpKind::Less && op != OpKind::Greater) return nullptr;
    }
    return std::make_unique<Binary<T>>(op, a, b, out, ia, ib, io);
  });
}

std::unique_ptr<Kernel> whereKernel(DType t, const Shape& c, const Shape& a, const Shape& b, const Shape& out, int ic,
                                    int ia, int ib, int io) {
  return std::make_unique<Where>(dtypeSize(t), c, a, b, out, ic, ia, ib, io);
}

std::unique_ptr<Kernel> castKernel(DType from, DType to, int64_t n, int in, int out) {
  if (isStorageType(from) || isStorageType(to)) return std::make_unique<CastStorage>(from, to, n, in, out);
  return visitDType(from, [&](auto* f) {
    return visitDType(to, [&](auto* t) -> std::unique_ptr<Kernel> {
      return std::make_unique<Cast<std::remove_pointer_t<decltype(f)>, std::remove_pointer_t<decltype(t)>>>(n, in, out);
    });
  });
}

}  // namespace graphc::dnnl
