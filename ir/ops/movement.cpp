// Data-movement ops (reshape, transpose, concat, slice, gather, expand): shape inference.
#include "ir/ops/infer.h"

#include <algorithm>

namespace graphc {

Types inferReshape(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  const Shape& s = c.ints("shape");
  int64_t count = 1;  // counted with overflow checks: the target comes from the model's data
  for (int64_t d : s) {
    if (d < 0) return inferError("reshape target [{}] has a negative dimension (graphc shapes are static)", shapeStr(s));
    if (__builtin_mul_overflow(count, d, &count))
      return inferError("reshape target [{}] has more elements than int64 can count", shapeStr(s));
  }
  if (count != x.numel())
    return inferError("cannot reshape {} ({} elements) to [{}] ({} elements)", x.str(), x.numel(), shapeStr(s), count);
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

// ONNX: negative indices have dim added; then, stepping forward, start and end clamp to
// [0, dim]; stepping backward, start clamps to [0, dim - 1] and end to [-1, dim - 1]. (Python's
// slice.indices differs in one corner: backward from start < -dim it clamps start to -1 and
// reads nothing, where ONNX reads element 0.) The count is computed from the clamped distance,
// never as start + step * n, so no int64 start, end or step can overflow.
SliceAxis resolveSliceAxis(int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (start < 0) start += dim;  // cannot overflow: dim >= 0
  if (end < 0) end += dim;
  int64_t count = 0;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim), end = std::clamp<int64_t>(end, 0, dim);
    if (end > start) count = (end - start - 1) / step + 1;
  } else if (dim > 0) {
    start = std::clamp<int64_t>(start, 0, dim - 1), end = std::clamp<int64_t>(end, -1, dim - 1);
    uint64_t magnitude = uint64_t(-(step + 1)) + 1;  // |step|, representable even for INT64_MIN
    if (start > end) count = (int64_t)(uint64_t(start - end - 1) / magnitude) + 1;
  }
  if (count == 0) return {0, 1, 0};
  return {start, count == 1 ? 1 : step, count};
}

// Resolves ONNX-style slice attributes into a per-axis (start, step, count) triple.
Result<SliceWindow> resolveSlice(const Shape& input, const OpCtx& c) {
  int64_t rank = (int64_t)input.size();
  const auto &starts = c.ints("starts"), &ends = c.ints("ends");
  std::vector<int64_t> axes = c.ints("axes"), steps = c.ints("steps");
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back((int64_t)i);
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    return inferError("starts, ends, axes and steps must have the same length");
  SliceWindow w{Shape(rank, 0), Shape(rank, 1), input};
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    auto axis = normalizeAxis(axes[i], rank);
    if (!axis || seen[*axis]) return inferError("slice axis {} is out of range or repeated for [{}]", axes[i], shapeStr(input));
    seen[*axis] = true;
    if (steps[i] == 0) return inferError("slice step must not be 0");
    SliceAxis a = resolveSliceAxis(input[*axis], starts[i], ends[i], steps[i]);
    w.start[*axis] = a.start;
    w.step[*axis] = a.step;
    w.shape[*axis] = a.count;
  }
  // An empty window reads nothing: every axis starts at 0 then (the start stays a valid index).
  if (numElements(w.shape) == 0) std::fill(w.start.begin(), w.start.end(), 0);
  return w;
}

Types inferSlice(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  GRAPHC_ASSIGN(SliceWindow w, resolveSlice(x.shape, c));
  return single({x.dtype, w.shape});
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

namespace graphc {

// gather_grad(dy, indices){axis, dim}: the data operand's type, recovered from dy.
Types inferGatherGrad(const OpCtx& c) {
  const TensorType &dy = c.operands[0], &idx = c.operands[1];
  if (!isInteger(idx.dtype)) return inferError("indices must be i32 or i64, got {}", idx.str());
  if (dy.dtype == DType::boolean) return inferError("'gather_grad' does not take bool");
  int64_t rank = dy.rank() - idx.rank() + 1;
  auto axis = normalizeAxis(c.i("axis"), rank);
  if (rank < 1 || !axis) return inferError("axis {} does not fit dy {} gathered by {}", c.i("axis"), dy.str(), idx.str());
  if (c.i("dim") < 1) return inferError("dim must be positive, got {}", c.i("dim"));
  for (int64_t d = 0; d < idx.rank(); ++d)
    if (dy.shape[*axis + d] != idx.shape[d]) return inferError("dy {} does not hold indices {} at axis {}", dy.str(), idx.str(), *axis);
  Shape out(dy.shape.begin(), dy.shape.begin() + *axis);
  out.push_back(c.i("dim"));
  out.insert(out.end(), dy.shape.begin() + *axis + idx.rank(), dy.shape.end());
  return single({dy.dtype, out});
}

Types inferSliceGrad(const OpCtx& c) {
  TensorType x{c.operands[0].dtype, c.ints("input_shape")};
  for (int64_t d : x.shape)
    if (d < 0) return inferError("input_shape [{}] has a negative dimension", shapeStr(x.shape));
  std::vector<TensorType> fwd{x};
  OpCtx f{opInfo(OpKind::Slice), fwd, c.attrs};
  GRAPHC_ASSIGN(std::vector<TensorType> out, inferSlice(f));
  if (out[0] != c.operands[0]) return inferError("dy must be {} (the slice of {}), got {}", out[0].str(), x.str(), c.operands[0].str());
  return single(x);
}

Types inferOneHot(const OpCtx& c) {
  const TensorType& labels = c.operands[0];
  if (!isInteger(labels.dtype)) return inferError("labels must be i32 or i64, got {}", labels.str());
  if (c.i("depth") < 1) return inferError("depth must be positive, got {}", c.i("depth"));
  auto dtype = parseDType(c.s("dtype"));
  if (!dtype || isStorageType(*dtype)) return inferError("cannot make one-hot of dtype '{}'", c.s("dtype"));
  Shape out = labels.shape;
  out.push_back(c.i("depth"));
  return single({*dtype, out});
}

}  // namespace graphc

// Gradient rules of the movement ops: each moves dy back to where its elements came from.
#include "ir/grad.h"

namespace graphc {

void gradReshape(GradCtx& c) { c.addGrad(0, c.reshape(c.dy(), c.shape(c.x(0)))); }

void gradTranspose(GradCtx& c) {
  const auto& perm = c.ints("perm");
  std::vector<int64_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = (int64_t)i;
  c.addGrad(0, c.op(OpKind::Transpose, {c.dy()}, attrsOf({{"perm", inverse}})));
}

void gradConcat(GradCtx& c) {
  int64_t axis = *normalizeAxis(c.i("axis"), c.type(c.y()).rank());
  int64_t at = 0;
  for (size_t i = 0; i < c.numOperands(); ++i) {
    int64_t extent = c.shape(c.x(i))[axis];
    if (c.wants(i)) {
      AttrMap a = attrsOf({{"starts", std::vector<int64_t>{at}}, {"ends", std::vector<int64_t>{at + extent}},
                           {"axes", std::vector<int64_t>{axis}}});
      c.addGrad(i, c.op(OpKind::Slice, {c.dy()}, a));
    }
    at += extent;
  }
}

static AttrMap sliceAttrs(GradCtx& c) {
  return attrsOf({{"starts", c.ints("starts")}, {"ends", c.ints("ends")}, {"axes", c.ints("axes")}, {"steps", c.ints("steps")}});
}

void gradSlice(GradCtx& c) {
  AttrMap a = sliceAttrs(c);
  a.set("input_shape", c.shape(c.x(0)));
  c.addGrad(0, c.op(OpKind::SliceGrad, {c.dy()}, a));
}

void gradSliceGrad(GradCtx& c) { c.addGrad(0, c.op(OpKind::Slice, {c.dy()}, sliceAttrs(c))); }

void gradGather(GradCtx& c) {
  int64_t axis = *normalizeAxis(c.i("axis"), c.type(c.x(0)).rank());
  AttrMap a = attrsOf({{"axis", axis}, {"dim", c.shape(c.x(0))[axis]}});
  if (c.wants(0)) c.addGrad(0, c.op(OpKind::GatherGrad, {c.dy(), c.x(1)}, a));
}

void gradGatherGrad(GradCtx& c) {
  if (c.wants(0)) c.addGrad(0, c.op(OpKind::Gather, {c.dy(), c.x(1)}, attrsOf({{"axis", c.i("axis")}})));
}

void gradExpand(GradCtx& c) { c.addGradSumTo(0, c.dy()); }

}  // namespace graphc
