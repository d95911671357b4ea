// Data-movement ops (reshape, transpose, concat, slice, gather, expand): shape inference.
#include "ir/ops/infer.h"

#include <algorithm>

namespace graphc {

Types inferReshape(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  const Shape& s = c.ints("shape");
  for (int64_t d : s)
    if (d < 0) return inferError("reshape target [{}] has a negative dimension (graphc shapes are static)", shapeStr(s));
  if (numElements(s) != x.numel())
    return inferError("cannot reshape {} ({} elements) to [{}] ({} elements)", x.str(), x.numel(), shapeStr(s), numElements(s));
  return single({x.dtype, s});
}

Types inferTranspose(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  const auto& perm = c.ints("perm");
  if ((int64_t)perm.size() != x.rank()) return inferError("perm has {} entries for a rank-{} operand", perm.size(), x.rank());
  std::vector<bool> seen(x.rank(), false);
  Shape out;
  for (int64_t p : perm) {
    if (p < 0 || p >= x.rank() || seen[p]) return inferError("perm is not a permutation of 0..{}", x.rank() - 1);
    seen[p] = true;
    out.push_back(x.shape[p]);
  }
  return single({x.dtype, out});
}

Types inferConcat(const OpCtx& c) {
  const TensorType& first = c.operands[0];
  auto axis = normalizeAxis(c.i("axis"), first.rank());
  if (!axis) return inferError("axis {} is out of range for {}", c.i("axis"), first.str());
  Shape out = first.shape;
  for (size_t i = 1; i < c.operands.size(); ++i) {
    const TensorType& t = c.operands[i];
    if (t.dtype != first.dtype || t.rank() != first.rank())
      return inferError("operand #{} is {}, which cannot be concatenated with {}", i, t.str(), first.str());
    for (int64_t d = 0; d < t.rank(); ++d)
      if (d != *axis && t.shape[d] != first.shape[d])
        return inferError("operand #{} is {}: dimension {} differs from {}", i, t.str(), d, first.str());
    out[*axis] += t.shape[*axis];
  }
  return single({first.dtype, out});
}

// Resolves ONNX-style slice attributes into a per-axis (start, step, count) triple.
Types inferSlice(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  const auto &starts = c.ints("starts"), &ends = c.ints("ends");
  std::vector<int64_t> axes = c.ints("axes"), steps = c.ints("steps");
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back((int64_t)i);
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    return inferError("starts, ends, axes and steps must have the same length");
  Shape out = x.shape;
  std::vector<bool> seen(x.rank(), false);
  for (size_t i = 0; i < starts.size(); ++i) {
    auto axis = normalizeAxis(axes[i], x.rank());
    if (!axis || seen[*axis]) return inferError("slice axis {} is out of range or repeated for {}", axes[i], x.str());
    seen[*axis] = true;
    if (steps[i] == 0) return inferError("slice step must not be 0");
    int64_t dim = x.shape[*axis];
    auto clampIdx = [&](int64_t v, bool forward) {
      if (v < 0) v += dim;
      return forward ? std::clamp<int64_t>(v, 0, dim) : std::clamp<int64_t>(v, -1, dim - 1);
    };
    int64_t s = clampIdx(starts[i], steps[i] > 0), e = clampIdx(ends[i], steps[i] > 0);
    int64_t n = steps[i] > 0 ? (e - s + steps[i] - 1) / steps[i] : (s - e + (-steps[i]) - 1) / (-steps[i]);
    out[*axis] = std::max<int64_t>(n, 0);
  }
  return single({x.dtype, out});
}

Types inferGather(const OpCtx& c) {
  const TensorType &data = c.operands[0], &idx = c.operands[1];
  if (!isInteger(idx.dtype)) return inferError("indices must be i32 or i64, got {}", idx.str());
  auto axis = normalizeAxis(c.i("axis"), data.rank());
  if (!axis) return inferError("axis {} is out of range for {}", c.i("axis"), data.str());
  Shape out(data.shape.begin(), data.shape.begin() + *axis);
  out.insert(out.end(), idx.shape.begin(), idx.shape.end());
  out.insert(out.end(), data.shape.begin() + *axis + 1, data.shape.end());
  return single({data.dtype, out});
}

Types inferExpand(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  auto s = broadcastShapes(x.shape, c.ints("shape"));
  if (!s) return inferError("{} cannot be expanded to [{}]", x.str(), shapeStr(c.ints("shape")));
  return single({x.dtype, *s});
}

}  // namespace graphc
