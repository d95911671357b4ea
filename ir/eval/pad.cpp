// pad and pad_grad: every output element of pad reads one input element (or the fill value);
// pad_grad sums dy back along the same map.
#include <cstring>

#include "ir/eval/kernels.h"
#include "ir/pad.h"

namespace graphc::eval {

// For every element of pad's output (row-major), the flat index of the input element it copies,
// or -1 for the fill value.
static std::vector<int64_t> padIndex(const Shape& in, const std::vector<int64_t>& pads, PadMode mode) {
  size_t rank = in.size();
  Shape out = in, inStrides = stridesOf(in);
  std::vector<std::vector<int64_t>> maps(rank);
  for (size_t d = 0; d < rank; ++d) {
    maps[d] = padSourceMap(mode, pads[d], in[d], pads[d + rank]);
    out[d] = (int64_t)maps[d].size();
  }
  std::vector<int64_t> index((size_t)numElements(out)), pos(rank, 0);
  for (size_t i = 0; i < index.size(); ++i) {
    int64_t at = 0;
    for (size_t d = 0; d < rank && at >= 0; ++d) {
      int64_t s = maps[d][pos[d]];
      at = s < 0 ? -1 : at + s * inStrides[d];
    }
    index[i] = at;
    for (size_t d = rank; d-- > 0;) {
      if (++pos[d] < out[d]) break;
      pos[d] = 0;
    }
  }
  return index;
}

Result<Tensor> evalPad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  const Tensor& x = in[0];
  auto index = padIndex(x.shape(), c.ints("pads"), *parsePadMode(c.s("mode")));
  Tensor fill = Tensor::scalar(out.dtype, c.f("value"));
  Tensor y(out);
  size_t es = dtypeSize(out.dtype);
  auto* dst = static_cast<char*>(y.raw());
  auto* src = static_cast<const char*>(x.raw());
  for (size_t i = 0; i < index.size(); ++i)
    std::memcpy(dst + i * es, index[i] < 0 ? static_cast<const char*>(fill.raw()) : src + index[i] * es, es);
  return y;
}

Result<Tensor> evalPadGrad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  const Tensor& dy = in[0];
  auto index = padIndex(out.shape, c.ints("pads"), *parsePadMode(c.s("mode")));
  return visitDType(out.dtype, [&](auto* tag) -> Result<Tensor> {
    using T = std::conditional_t<std::is_same_v<std::remove_pointer_t<decltype(tag)>, bool>, float,
                                 std::remove_pointer_t<decltype(tag)>>;  // bool is refused by inference
    std::vector<Acc<T>> acc((size_t)out.numel(), 0);
    const T* src = dy.data<T>();
    for (size_t i = 0; i < index.size(); ++i)
      if (index[i] >= 0) acc[index[i]] += (Acc<T>)src[i];
    Tensor dx(out);
    for (size_t i = 0; i < acc.size(); ++i) dx.data<T>()[i] = (T)acc[i];
    return dx;
  });
}

}  // namespace graphc::eval
