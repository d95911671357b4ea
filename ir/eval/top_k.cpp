// top_k: the indices of the k best elements along an axis, best first. The order is total: NaN
// above +inf, then the lower index on a tie, so the k chosen never depend on the algorithm.
#include <algorithm>
#include <numeric>

#include "ir/eval/kernels.h"

namespace graphc::eval {

template <class T>
static Tensor topKTyped(const OpCtx& c, const Tensor& x, const TensorType& out) {
  int64_t axis = *normalizeAxis(c.i("axis"), x.type().rank()), k = c.i("k");
  bool largest = c.i("largest") != 0;
  const Shape& s = x.shape();
  int64_t outer = 1, len = s[axis], inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= s[d];
  for (int64_t d = axis + 1; d < (int64_t)s.size(); ++d) inner *= s[d];
  Tensor y(out);
  int64_t* dst = y.data<int64_t>();
  const T* src = x.data<T>();
  std::vector<int64_t> order((size_t)len);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const T* row = src + o * len * inner + i;
      // a before b: a ranks higher (lower for smallest), or ties with b at a lower index.
      auto before = [&](int64_t a, int64_t b) {
        T va = row[a * inner], vb = row[b * inner];
        if constexpr (std::is_floating_point_v<T>) {
          bool na = va != va, nb = vb != vb;
          if (na || nb) return na != nb ? (na == largest) : a < b;
        }
        if (va != vb) return largest ? va > vb : va < vb;
        return a < b;
      };
      std::iota(order.begin(), order.end(), int64_t{0});
      std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
      for (int64_t j = 0; j < k; ++j) dst[(o * k + j) * inner + i] = order[(size_t)j];
    }
  return y;
}

Result<Tensor> evalTopK(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  return visitDType(in[0].dtype(), [&](auto* tag) -> Result<Tensor> {
    using T = std::remove_pointer_t<decltype(tag)>;
    if constexpr (std::is_same_v<T, bool>) return kernelError(c, "no kernel for bool");
    else return topKTyped<T>(c, in[0], out);
  });
}

}  // namespace graphc::eval
