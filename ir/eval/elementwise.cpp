// Elementwise kernels: unary, binary (NumPy broadcasting), comparisons, where and cast.
#include <limits>
#include <optional>

#include "ir/convert.h"
#include "ir/eval/kernels.h"
#include "ir/math_fns.h"

namespace graphc::eval {

std::vector<int64_t> stridedOffsets(const Shape& shape, std::span<const int64_t> strides, int64_t start) {
  size_t rank = shape.size();
  std::vector<int64_t> offsets((size_t)numElements(shape)), pos(rank, 0);
  int64_t offset = start;
  for (size_t i = 0; i < offsets.size(); ++i) {
    offsets[i] = offset;
    // Odometer increment of the position, keeping the offset in step.
    for (size_t d = rank; d-- > 0;) {
      offset += strides[d];
      if (++pos[d] < shape[d]) break;
      offset -= strides[d] * pos[d];
      pos[d] = 0;
    }
  }
  return offsets;
}

std::vector<int64_t> broadcastIndex(const Shape& in, const Shape& out) {
  // Strides of `in` aligned to the trailing axes of `out`; a broadcast axis has stride 0.
  size_t rank = out.size(), lead = rank - in.size();
  Shape inStrides = stridesOf(in), strides(rank, 0);
  for (size_t d = lead; d < rank; ++d) strides[d] = in[d - lead] == 1 ? 0 : inStrides[d - lead];
  return stridedOffsets(out, strides);
}

// Integer arithmetic wraps around like NumPy instead of being undefined behaviour.
template <class T> T wrapAdd(T a, T b) { using U = std::make_unsigned_t<T>; return T(U(a) + U(b)); }
template <class T> T wrapSub(T a, T b) { using U = std::make_unsigned_t<T>; return T(U(a) - U(b)); }
template <class T> T wrapMul(T a, T b) { using U = std::make_unsigned_t<T>; return T(U(a) * U(b)); }

template <class T, class F>
static Tensor mapUnary(const Tensor& x, const TensorType& out, F f) {
  Tensor y(out);
  const T* src = x.data<T>();
  T* dst = y.data<T>();
  for (int64_t i = 0; i < y.numel(); ++i) dst[i] = f(src[i]);
  return y;
}

template <class T>
static Result<Tensor> unaryTyped(const OpCtx& c, const Tensor& x, const TensorType& out) {
  OpKind k = c.info.kind;
  std::optional<Tensor> math;
  if (withMathFn<T>(k, [&](auto f) { math = mapUnary<T>(x, out, f); })) return std::move(*math);
  if constexpr (std::is_floating_point_v<T>) {
    switch (k) {
      case OpKind::Neg: return mapUnary<T>(x, out, [](T v) { return -v; });
      case OpKind::Abs: return mapUnary<T>(x, out, [](T v) { return std::fabs(v); });
      case OpKind::Sqrt: return mapUnary<T>(x, out, [](T v) { return std::sqrt(v); });
      case OpKind::Exp: return mapUnary<T>(x, out, [](T v) { return std::exp(v); });
      case OpKind::Log: return mapUnary<T>(x, out, [](T v) { return std::log(v); });
      case OpKind::Erf: return mapUnary<T>(x, out, [](T v) { return std::erf(v); });
      case OpKind::Reciprocal: return mapUnary<T>(x, out, [](T v) { return T(1) / v; });
      case OpKind::Relu: return mapUnary<T>(x, out, [](T v) { return relu(v); });
      case OpKind::LeakyRelu: {
        T a = (T)c.f("alpha");
        return mapUnary<T>(x, out, [a](T v) { return leakyRelu(v, a); });
      }
      case OpKind::Elu: {
        T a = (T)c.f("alpha");
        return mapUnary<T>(x, out, [a](T v) { return elu(v, a); });
      }
      case OpKind::Sigmoid: return mapUnary<T>(x, out, [](T v) { return sigmoid(v); });
      case OpKind::Tanh: return mapUnary<T>(x, out, [](T v) { return std::tanh(v); });
      case OpKind::Gelu: return mapUnary<T>(x, out, [](T v) { return gelu(v); });
      case OpKind::Silu: return mapUnary<T>(x, out, [](T v) { return silu(v); });
      case OpKind::Clip: {
        T lo = (T)c.f("min"), hi = (T)c.f("max");
        return mapUnary<T>(x, out, [lo, hi](T v) { return clip(v, lo, hi); });
      }
      case OpKind::HardSigmoid: {
        T a = (T)c.f("alpha"), b = (T)c.f("beta");
        return mapUnary<T>(x, out, [a, b](T v) { return hardSigmoid(v, a, b); });
      }
      case OpKind::HardSwish: return mapUnary<T>(x, out, [](T v) { return hardSwish(v); });
      default: break;
    }
  } else if constexpr (!std::is_same_v<T, bool>) {
    switch (k) {
      case OpKind::Neg: return mapUnary<T>(x, out, [](T v) { return wrapSub(T(0), v); });
      case OpKind::Abs: return mapUnary<T>(x, out, [](T v) { return v < 0 ? wrapSub(T(0), v) : v; });
      case OpKind::Relu: return mapUnary<T>(x, out, [](T v) { return relu(v); });
      case OpKind::Clip: {
        // Integer clip keeps the integers inside [min, max]; the float bounds saturate to T.
        auto bound = [](double b) {
          constexpr double lo = (double)std::numeric_limits<T>::lowest(), hi = (double)std::numeric_limits<T>::max();
          return b <= lo ? std::numeric_limits<T>::lowest() : b >= hi ? std::numeric_limits<T>::max() : (T)b;
        };
        T lo = bound(std::ceil(c.f("min"))), hi = bound(std::floor(c.f("max")));
        return mapUnary<T>(x, out, [lo, hi](T v) { return clip(v, lo, hi); });
      }
      default: break;
    }
  }
  return kernelError(c, "no kernel for " + x.type().str());
}

Result<Tensor> evalUnary(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  return visitDType(in[0].dtype(), [&](auto* tag) {
    return unaryTyped<std::remove_pointer_t<decltype(tag)>>(c, in[0], out);
  });
}

// Applies f(a[ia], b[ib]) over the broadcast output; f returns Result-free values or throws nothing.
template <class T, class R, class F>
static Tensor mapBinary(const Tensor& a, const Tensor& b, const TensorType& out, F f) {
  Tensor y(out);
  auto ia = broadcastIndex(a.shape(), out.shape), ib = broadcastIndex(b.shape(), out.shape);
  const T *pa = a.data<T>(), *pb = b.data<T>();
  R* dst = y.data<R>();
  for (int64_t i = 0; i < y.numel(); ++i) dst[i] = f(pa[ia[i]], pb[ib[i]]);
  return y;
}

template <class T>
static Result<Tensor> binaryTyped(const OpCtx& c, const Tensor& a, const Tensor& b, const TensorType& out) {
  constexpr bool isF = std::is_floating_point_v<T>;
  switch (c.info.kind) {
    case OpKind::Add:
      if constexpr (isF) return mapBinary<T, T>(a, b, out, [](T x, T y) { return x + y; });
      else return mapBinary<T, T>(a, b, out, [](T x, T y) { return wrapAdd(x, y); });
    case OpKind::Sub:
      if constexpr (isF) return mapBinary<T, T>(a, b, out, [](T x, T y) { return x - y; });
      else return mapBinary<T, T>(a, b, out, [](T x, T y) { return wrapSub(x, y); });
    case OpKind::Mul:
      if constexpr (isF) return mapBinary<T, T>(a, b, out, [](T x, T y) { return x * y; });
      else return mapBinary<T, T>(a, b, out, [](T x, T y) { return wrapMul(x, y); });
    case OpKind::Div:
      if constexpr (isF) {
        return mapBinary<T, T>(a, b, out, [](T x, T y) { return x / y; });
      } else {
        // Integer division truncates toward zero (C, ONNX and LLVM sdiv), not NumPy's floor.
        bool byZero = false;
        Tensor y = mapBinary<T, T>(a, b, out, [&byZero](T x, T y) {
          if (y == 0) return byZero = true, T(0);
          // lowest / -1 overflows (and traps on x86); wrap like NumPy does.
          return y == T(-1) ? wrapSub(T(0), x) : T(x / y);
        });
        if (byZero) return kernelError(c, "integer division by zero");
        return y;
      }
    case OpKind::Pow:
      if constexpr (isF) return mapBinary<T, T>(a, b, out, [](T x, T y) { return std::pow(x, y); });
      break;
    case OpKind::Min: return mapBinary<T, T>(a, b, out, [](T x, T y) { return x < y || x != x ? x : y; });
    case OpKind::Max: return mapBinary<T, T>(a, b, out, [](T x, T y) { return x > y || x != x ? x : y; });
    default: break;
  }
  return kernelError(c, "no kernel for " + a.type().str());
}

Result<Tensor> evalBinary(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  return visitDType(in[0].dtype(), [&](auto* tag) -> Result<Tensor> {
    using T = std::remove_pointer_t<decltype(tag)>;
    if constexpr (std::is_same_v<T, bool>) return kernelError(c, "no kernel for bool");
    else return binaryTyped<T>(c, in[0], in[1], out);
  });
}

Result<Tensor> evalCompare(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  return visitDType(in[0].dtype(), [&](auto* tag) -> Result<Tensor> {
    using T = std::remove_pointer_t<decltype(tag)>;
    switch (c.info.kind) {
      case OpKind::Equal: return mapBinary<T, bool>(in[0], in[1], out, [](T x, T y) { return x == y; });
      case OpKind::Less: return mapBinary<T, bool>(in[0], in[1], out, [](T x, T y) { return x < y; });
      case OpKind::Greater: return mapBinary<T, bool>(in[0], in[1], out, [](T x, T y) { return x > y; });
      default: return kernelError(c, "not a comparison");
    }
  });
}

Result<Tensor> evalWhere(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  Tensor y(out);
  auto ic = broadcastIndex(in[0].shape(), out.shape), ia = broadcastIndex(in[1].shape(), out.shape),
       ib = broadcastIndex(in[2].shape(), out.shape);
  const bool* cond = in[0].data<bool>();
  size_t es = dtypeSize(out.dtype);
  auto* dst = static_cast<char*>(y.raw());
  auto *pa = static_cast<const char*>(in[1].raw()), *pb = static_cast<const char*>(in[2].raw());
  for (int64_t i = 0; i < y.numel(); ++i)
    std::memcpy(dst + i * es, cond[ic[i]] ? pa + ia[i] * es : pb + ib[i] * es, es);
  return y;
}


Result<Tensor> evalCast(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  Tensor y = Tensor::uninitialized(out);
  castElements(in[0].dtype(), in[0].raw(), out.dtype, y.raw(), y.numel());
  return y;
}

}  // namespace graphc::eval
