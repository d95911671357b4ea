// Data movement: reshape, transpose, concat, slice, gather and expand. These only copy
// elements, so they work bytewise on every dtype.
#include <algorithm>
#include <fmt/format.h>

#include "ir/eval/kernels.h"

namespace graphc::eval {

// Copies element src[index[i]] to dst[i] for every output element.
static Tensor gatherElements(const Tensor& x, const TensorType& out, const std::vector<int64_t>& index) {
  Tensor y(out);
  size_t es = dtypeSize(out.dtype);
  auto* dst = static_cast<char*>(y.raw());
  auto* src = static_cast<const char*>(x.raw());
  for (size_t i = 0; i < index.size(); ++i) std::memcpy(dst + i * es, src + index[i] * es, es);
  return y;
}

// The source index of every output element when output axis d walks input axis `axisOf[d]`
// from `start[d]` in steps of `step[d]` (a general strided view of x).
static std::vector<int64_t> identityAxes(size_t rank) {
  std::vector<int64_t> axes(rank);
  for (size_t d = 0; d < rank; ++d) axes[d] = (int64_t)d;
  return axes;
}

static std::vector<int64_t> stridedIndex(const Shape& inShape, const Shape& outShape, const std::vector<int64_t>& axisOf,
                                         const std::vector<int64_t>& start, const std::vector<int64_t>& step) {
  Shape inStrides = stridesOf(inShape);
  size_t rank = outShape.size();
  std::vector<int64_t> stride(rank);
  int64_t offset = 0;
  for (size_t d = 0; d < rank; ++d) {
    stride[d] = step[d] * inStrides[axisOf[d]];
    offset += start[d] * inStrides[axisOf[d]];
  }
  return stridedOffsets(outShape, stride, offset);
}

Result<Tensor> evalReshape(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  // A copy, not a view: interpreter results never share storage with their operands.
  return in[0].clone().reshaped(out.shape);
}

Result<Tensor> evalTranspose(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  const auto& perm = c.ints("perm");
  std::vector<int64_t> start(perm.size(), 0), step(perm.size(), 1);
  return gatherElements(in[0], out, stridedIndex(in[0].shape(), out.shape, perm, start, step));
}

Result<Tensor> evalConcat(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  int64_t axis = *normalizeAxis(c.i("axis"), out.rank());
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= out.shape[d];
  size_t es = dtypeSize(out.dtype);
  size_t outRow = (size_t)(outer ? out.numel() / outer : 0) * es;  // bytes per outer index
  Tensor y(out);
  auto* dst = static_cast<char*>(y.raw());
  size_t at = 0;
  for (const Tensor& t : in) {
    size_t row = (size_t)(outer ? t.numel() / outer : 0) * es;
    auto* src = static_cast<const char*>(t.raw());
    for (int64_t o = 0; o < outer; ++o) std::memcpy(dst + o * outRow + at, src + o * row, row);
    at += row;
  }
  return y;
}

Result<Tensor> evalSlice(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  const Shape& s = in[0].shape();
  GRAPHC_ASSIGN(SliceWindow w, resolveSlice(s, c));
  if (out.numel() == 0) return Tensor(out);  // a clamped start may lie outside x
  return gatherElements(in[0], out, stridedIndex(s, out.shape, identityAxes(s.size()), w.start, w.step));
}

Result<Tensor> evalGather(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  const Tensor &x = in[0], &idx = in[1];
  int64_t axis = *normalizeAxis(c.i("axis"), x.type().rank());
  int64_t outer = 1, dim = x.shape()[axis], inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x.shape()[d];
  for (int64_t d = axis + 1; d < x.type().rank(); ++d) inner *= x.shape()[d];
  // Indices are checked before anything is copied; negative ones count from the end.
  std::vector<int64_t> picks((size_t)idx.numel());
  for (int64_t j = 0; j < idx.numel(); ++j) {
    int64_t k = idx.dtype() == DType::i32 ? idx.data<int32_t>()[j] : idx.data<int64_t>()[j];
    if (k < -dim || k >= dim)
      return kernelError(c, fmt::format("index {} is out of range for axis {} of size {}", k, axis, dim));
    picks[j] = k < 0 ? k + dim : k;
  }
  size_t es = dtypeSize(out.dtype), block = (size_t)inner * es;
  Tensor y(out);
  auto* dst = static_cast<char*>(y.raw());
  auto* src = static_cast<const char*>(x.raw());
  for (int64_t o = 0; o < outer; ++o)
    for (size_t j = 0; j < picks.size(); ++j)
      std::memcpy(dst + (o * (int64_t)picks.size() + (int64_t)j) * block, src + (o * dim + picks[j]) * block, block);
  return y;
}

Result<Tensor> evalExpand(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  return gatherElements(in[0], out, broadcastIndex(in[0].shape(), out.shape));
}

}  // namespace graphc::eval

namespace graphc::eval {

// slice_grad: zeros of input_shape with dy written where the slice read (slices never repeat
// an element, so writing is enough).
Result<Tensor> evalSliceGrad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  const Shape& s = out.shape;
  GRAPHC_ASSIGN(SliceWindow w, resolveSlice(s, c));
  Tensor dx(out);
  if (in[0].numel() == 0) return dx;
  auto index = stridedIndex(s, in[0].shape(), identityAxes(s.size()), w.start, w.step);
  size_t es = dtypeSize(out.dtype);
  auto* dst = static_cast<char*>(dx.raw());
  auto* src = static_cast<const char*>(in[0].raw());
  for (size_t i = 0; i < index.size(); ++i) std::memcpy(dst + index[i] * es, src + i * es, es);
  return dx;
}

// gather_grad: dx[.., idx[j], ..] += dy[.., j, ..], repeated indices adding up.
Result<Tensor> evalGatherGrad(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  const Tensor &dy = in[0], &idx = in[1];
  int64_t axis = *normalizeAxis(c.i("axis"), out.rank());
  int64_t outer = 1, dim = out.shape[axis], inner = 1, picks = idx.numel();
  for (int64_t d = 0; d < axis; ++d) outer *= out.shape[d];
  for (int64_t d = axis + 1; d < out.rank(); ++d) inner *= out.shape[d];
  std::vector<int64_t> at((size_t)picks);
  for (int64_t j = 0; j < picks; ++j) {
    int64_t k = idx.dtype() == DType::i32 ? idx.data<int32_t>()[j] : idx.data<int64_t>()[j];
    if (k < -dim || k >= dim)
      return kernelError(c, fmt::format("index {} is out of range for axis {} of size {}", k, axis, dim));
    at[j] = k < 0 ? k + dim : k;
  }
  return visitDType(out.dtype, [&](auto* tag) -> Result<Tensor> {
    using T = std::conditional_t<std::is_same_v<std::remove_pointer_t<decltype(tag)>, bool>, float,
                                 std::remove_pointer_t<decltype(tag)>>;  // bool is refused by inference
    Tensor dx(out);
    std::vector<Acc<T>> acc((size_t)out.numel(), 0);
    const T* src = dy.data<T>();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < picks; ++j)
        for (int64_t i = 0; i < inner; ++i) acc[(o * dim + at[j]) * inner + i] += (Acc<T>)src[(o * picks + j) * inner + i];
    for (size_t i = 0; i < acc.size(); ++i) dx.data<T>()[i] = (T)acc[i];
    return dx;
  });
}

}  // namespace graphc::eval
