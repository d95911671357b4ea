// Reductions (sum, mean, max, product over a set of axes) and softmax / log_softmax along one axis.
#include <limits>

#include "ir/eval/kernels.h"

namespace graphc::eval {

// Integers sum and multiply in int64 (wrapping, as unsigned) and are narrowed once at the end.
template <class T>
using SumAcc = std::conditional_t<std::is_integral_v<T>, uint64_t, Acc<T>>;

template <class T>
static Result<Tensor> reduceTyped(const OpCtx& c, const Tensor& x, const TensorType& out) {
  // Each input element lands in the output element it is reduced into: that is broadcasting
  // read backwards, from the input to the keepdims-shaped output.
  std::vector<bool> reduced(x.shape().size(), c.ints("axes").empty());
  for (int64_t a : c.ints("axes")) reduced[*normalizeAxis(a, x.type().rank())] = true;
  Shape kept = x.shape();
  int64_t count = 1;
  for (size_t d = 0; d < kept.size(); ++d)
    if (reduced[d]) count *= kept[d], kept[d] = 1;
  auto dst = broadcastIndex(kept, x.shape());
  const T* src = x.data<T>();
  Tensor y(out);
  T* res = y.data<T>();
  if (c.info.kind == OpKind::ReduceMax) {
    if (count == 0 && y.numel() > 0) return kernelError(c, "maximum of an empty set of elements");
    std::vector<T> acc((size_t)y.numel(), std::numeric_limits<T>::lowest());
    if constexpr (std::numeric_limits<T>::has_infinity) acc.assign(acc.size(), -std::numeric_limits<T>::infinity());
    for (int64_t i = 0; i < x.numel(); ++i) {
      T v = src[i], &m = acc[dst[i]];
      if (v > m || v != v) m = m != m ? m : v;  // NaN wins, as in NumPy
    }
    for (int64_t i = 0; i < y.numel(); ++i) res[i] = acc[i];
    return y;
  }
  if (c.info.kind == OpKind::ReduceProd) {  // the empty product is 1
    // Floats multiply in their own type, as NumPy does: a product that overflows midway is inf
    // on every backend, not finite here only.
    using ProdAcc = std::conditional_t<std::is_integral_v<T>, uint64_t, T>;
    std::vector<ProdAcc> acc((size_t)y.numel(), 1);
    for (int64_t i = 0; i < x.numel(); ++i) acc[dst[i]] *= (ProdAcc)src[i];
    for (int64_t i = 0; i < y.numel(); ++i) res[i] = (T)acc[i];
    return y;
  }
  std::vector<SumAcc<T>> acc((size_t)y.numel(), 0);
  for (int64_t i = 0; i < x.numel(); ++i) acc[dst[i]] += (SumAcc<T>)src[i];
  bool mean = c.info.kind == OpKind::ReduceMean;
  for (int64_t i = 0; i < y.numel(); ++i) {
    if constexpr (std::is_integral_v<T>) res[i] = (T)acc[i];
    else res[i] = (T)(mean ? acc[i] / (SumAcc<T>)count : acc[i]);
  }
  return y;
}

Result<Tensor> evalReduce(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  return visitDType(in[0].dtype(), [&](auto* tag) -> Result<Tensor> {
    using T = std::remove_pointer_t<decltype(tag)>;
    if constexpr (std::is_same_v<T, bool>) return kernelError(c, "no kernel for bool");
    else return reduceTyped<T>(c, in[0], out);
  });
}

// Along `axis`: outer x len x inner, element (o, k, i) at (o * len + k) * inner + i.
template <class T>
static Tensor softmaxTyped(const OpCtx& c, const Tensor& x) {
  int64_t axis = *normalizeAxis(c.i("axis"), x.type().rank());
  const Shape& s = x.shape();
  int64_t outer = 1, len = s[axis], inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= s[d];
  for (int64_t d = axis + 1; d < (int64_t)s.size(); ++d) inner *= s[d];
  bool logOut = c.info.kind == OpKind::LogSoftmax;
  Tensor y(x.type());
  const T* src = x.data<T>();
  T* dst = y.data<T>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const T* xs = src + o * len * inner + i;
      T* ys = dst + o * len * inner + i;
      // Subtracting the maximum keeps exp from overflowing; it cancels in the ratio.
      double m = -INFINITY;
      for (int64_t k = 0; k < len; ++k) m = std::max(m, (double)xs[k * inner]);
      double sum = 0;
      for (int64_t k = 0; k < len; ++k) sum += std::exp((double)xs[k * inner] - m);
      for (int64_t k = 0; k < len; ++k) {
        double v = (double)xs[k * inner] - m;
        ys[k * inner] = (T)(logOut ? v - std::log(sum) : std::exp(v) / sum);
      }
    }
  }
  return y;
}

Result<Tensor> evalSoftmax(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return softmaxTyped<double>(c, in[0]);
  return softmaxTyped<float>(c, in[0]);
}

}  // namespace graphc::eval
