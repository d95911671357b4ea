// Importers of data-movement and shape ONNX ops. Shape inputs (Reshape's shape, Slice's starts,
// Unsqueeze's axes, ...) must be constants at import: shapes are static in graphc.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "frontend/onnx/importer.h"
#include "ir/eval/fold_limit.h"

namespace graphc::onnxfe {
namespace {

Tensor int64Tensor(const std::vector<int64_t>& v) { return Tensor::fromVector(DType::i64, {(int64_t)v.size()}, v); }

Status reshapeTo(ImportCtx& c, ValueId x, Shape shape, size_t out = 0, std::string hint = {}) {
  AttrMap attrs;
  attrs.set("shape", std::move(shape));
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Reshape, {x}, std::move(attrs), hint.empty() ? c.outName(out) : hint));
  c.setOut(out, r);
  return ok();
}

// ONNX Reshape: 0 copies the input's dimension (unless allowzero), -1 is inferred.
Status reshapeOp(ImportCtx& c) {
  GRAPHC_ASSIGN(std::vector<int64_t> shape, c.intsIn(1, "Reshape's shape"));
  GRAPHC_ASSIGN(int64_t allowZero, c.attrInt("allowzero", 0));
  const Shape& xs = c.type(0).shape;
  int64_t known = 1, inferAt = -1;  // the product of the given dimensions
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 0 && !allowZero) {
      if (d >= xs.size()) return c.malformed(fmt::format("shape [{}] copies axis {} of {}, which it lacks", shapeStr(shape), d, c.type(0).str()));
      shape[d] = xs[d];
    }
    if (shape[d] == -1) {
      if (inferAt >= 0) return c.malformed(fmt::format("shape [{}] has more than one -1", shapeStr(shape)));
      inferAt = (int64_t)d;
    } else if (shape[d] < 0) {
      return c.malformed(fmt::format("shape [{}] has a negative dimension", shapeStr(shape)));
    } else if (__builtin_mul_overflow(known, shape[d], &known)) {
      return c.malformed(fmt::format("shape [{}] has more elements than int64 can count", shapeStr(shape)));
    }
  }
  if (inferAt >= 0) {
    if (known == 0 || c.type(0).numel() % known)
      return c.malformed(fmt::format("cannot reshape {} to [{}]", c.type(0).str(), shapeStr(shape)));
    shape[inferAt] = c.type(0).numel() / known;
  }
  return reshapeTo(c, c.in(0), shape);
}

Status flattenOp(ImportCtx& c) {
  GRAPHC_ASSIGN(int64_t axis, c.attrInt("axis", 1));
  const Shape& xs = c.type(0).shape;
  int64_t r = (int64_t)xs.size();
  if (axis < 0) axis += r;
  if (axis < 0 || axis > r) return c.malformed(fmt::format("axis {} is out of range for {}", axis, c.type(0).str()));
  int64_t outer = std::accumulate(xs.begin(), xs.begin() + axis, int64_t(1), std::multiplies<>());
  int64_t inner = std::accumulate(xs.begin() + axis, xs.end(), int64_t(1), std::multiplies<>());
  return reshapeTo(c, c.in(0), {outer, inner});
}

Status squeezeOp(ImportCtx& c) {
  const Shape& xs = c.type(0).shape;
  std::vector<bool> drop(xs.size(), false);
  if (c.hasInput(1)) {
    GRAPHC_ASSIGN(std::vector<int64_t> axes, c.intsIn(1, "Squeeze's axes"));
    for (int64_t a : axes) {
      auto n = normalizeAxis(a, (int64_t)xs.size());
      if (!n || xs[*n] != 1) return c.malformed(fmt::format("cannot squeeze axis {} of {}", a, c.type(0).str()));
      drop[*n] = true;
    }
  } else {
    for (size_t d = 0; d < xs.size(); ++d) drop[d] = xs[d] == 1;
  }
  Shape out;
  for (size_t d = 0; d < xs.size(); ++d)
    if (!drop[d]) out.push_back(xs[d]);
  return reshapeTo(c, c.in(0), out);
}

Status unsqueezeOp(ImportCtx& c) {
  GRAPHC_ASSIGN(std::vector<int64_t> axes, c.intsIn(1, "Unsqueeze's axes"));
  const Shape& xs = c.type(0).shape;
  int64_t rank = (int64_t)(xs.size() + axes.size());
  std::vector<bool> added(rank, false);
  for (int64_t a : axes) {
    auto n = normalizeAxis(a, rank);
    if (!n || added[*n]) return c.malformed(fmt::format("axis {} is out of range or repeated for an output of rank {}", a, rank));
    added[*n] = true;
  }
  Shape out;
  size_t k = 0;
  for (int64_t d = 0; d < rank; ++d) out.push_back(added[d] ? 1 : xs[k++]);
  return reshapeTo(c, c.in(0), out);
}

Status transposeOp(ImportCtx& c) {
  std::vector<int64_t> reversed(c.type(0).rank());
  std::iota(reversed.rbegin(), reversed.rend(), 0);
  GRAPHC_ASSIGN(std::vector<int64_t> perm, c.attrInts("perm", reversed));
  AttrMap attrs;
  attrs.set("perm", perm);
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Transpose, {c.in(0)}, std::move(attrs)));
  c.setOut(0, r);
  return ok();
}

Status concatOp(ImportCtx& c) {
  if (!c.hasAttr("axis")) return c.malformed("attribute 'axis' is required");
  GRAPHC_ASSIGN(int64_t axis, c.attrInt("axis", 0));
  std::vector<ValueId> ops;
  for (size_t i = 0; i < c.numInputs(); ++i) {
    if (!c.hasInput(i)) return c.malformed(fmt::format("input #{} is empty", i));
    ops.push_back(c.in(i));
  }
  AttrMap attrs;
  attrs.set("axis", axis);
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Concat, std::move(ops), std::move(attrs)));
  c.setOut(0, r);
  return ok();
}

Status sliceAxis(ImportCtx& c, size_t out, int64_t axis, int64_t start, int64_t end, int64_t step = 1) {
  AttrMap attrs;
  attrs.set("starts", std::vector<int64_t>{start});
  attrs.set("ends", std::vector<int64_t>{end});
  attrs.set("axes", std::vector<int64_t>{axis});
  if (step != 1) attrs.set("steps", std::vector<int64_t>{step});
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Slice, {c.in(0)}, std::move(attrs), c.outName(out)));
  c.setOut(out, r);
  return ok();
}

// Split: one slice per output; sizes from the `split` input or equal parts.
Status splitOp(ImportCtx& c) {
  GRAPHC_ASSIGN(int64_t axisAttr, c.attrInt("axis", 0));
  auto axis = normalizeAxis(axisAttr, c.type(0).rank());
  if (!axis) return c.malformed(fmt::format("axis {} is out of range for {}", axisAttr, c.type(0).str()));
  int64_t dim = c.type(0).shape[*axis], n = (int64_t)c.node().outputs.size();
  if (n == 0) return c.malformed("has no outputs");
  std::vector<int64_t> sizes;
  if (c.hasInput(1)) {
    GRAPHC_ASSIGN(sizes, c.intsIn(1, "Split's split"));
  } else if (c.hasAttr("split")) {  // opset < 13 writers sometimes keep the attribute
    GRAPHC_ASSIGN(sizes, c.attrInts("split", {}));
  } else {
    int64_t part = (dim + n - 1) / n;
    for (int64_t k = 0; k < n; ++k) sizes.push_back(std::clamp<int64_t>(dim - k * part, 0, part));
  }
  bool fits = (int64_t)sizes.size() == n;
  int64_t total = 0;
  for (int64_t s : sizes) {  // each size checked before it is added: no sum of huge sizes can wrap
    fits = fits && s >= 0 && s <= dim - total;
    if (fits) total += s;
  }
  if (!fits || total != dim)
    return c.malformed(fmt::format("split sizes [{}] do not cut axis {} of {} into {} outputs", shapeStr(sizes), *axis, c.type(0).str(), n));
  int64_t start = 0;
  for (int64_t k = 0; k < n; ++k) {
    GRAPHC_TRY(sliceAxis(c, (size_t)k, *axis, start, start + sizes[k]));
    start += sizes[k];
  }
  return ok();
}

Status sliceOp(ImportCtx& c) {
  GRAPHC_ASSIGN(std::vector<int64_t> starts, c.intsIn(1, "Slice's starts"));
  GRAPHC_ASSIGN(std::vector<int64_t> ends, c.intsIn(2, "Slice's ends"));
  std::vector<int64_t> axes, steps;
  if (c.hasInput(3)) {
    GRAPHC_ASSIGN(axes, c.intsIn(3, "Slice's axes"));
  }
  if (c.hasInput(4)) {
    GRAPHC_ASSIGN(steps, c.intsIn(4, "Slice's steps"));
  }
  AttrMap attrs;
  attrs.set("starts", starts);
  attrs.set("ends", ends);
  if (!axes.empty()) attrs.set("axes", axes);
  if (!steps.empty()) attrs.set("steps", steps);
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Slice, {c.in(0)}, std::move(attrs)));
  c.setOut(0, r);
  return ok();
}

Status gatherOp(ImportCtx& c) {
  GRAPHC_ASSIGN(int64_t axisAttr, c.attrInt("axis", 0));
  auto axis = normalizeAxis(axisAttr, c.type(0).rank());
  if (!axis) return c.malformed(fmt::format("axis {} is out of range for {}", axisAttr, c.type(0).str()));
  ValueId idx = c.in(1);
  if (const Tensor* t = c.constIn(1); t && isInteger(t->dtype())) {  // resolve negative indices now
    int64_t dim = c.type(0).shape[*axis];
    Tensor fixed = t->clone();
    bool changed = false;
    for (int64_t i = 0; i < fixed.numel(); ++i) {
      GRAPHC_ASSIGN(int64_t v, fixed.intAt(i));
      if (v < -dim || v >= dim) return c.malformed(fmt::format("index {} is out of range for axis {} of {}", v, *axis, c.type(0).str()));
      if (v < 0) fixed.setInt(i, v + dim), changed = true;
    }
    if (changed) idx = c.constant(fixed, c.node().inputs[1]);
  }
  AttrMap attrs;
  attrs.set("axis", *axis);
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Gather, {c.in(0), idx}, std::move(attrs)));
  c.setOut(0, r);
  return ok();
}

Status expandOp(ImportCtx& c) {
  GRAPHC_ASSIGN(std::vector<int64_t> shape, c.intsIn(1, "Expand's shape"));
  AttrMap attrs;
  attrs.set("shape", shape);
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Expand, {c.in(0)}, std::move(attrs)));
  c.setOut(0, r);
  return ok();
}

// Shape is always a constant: every shape is known at import.
Status shapeOp(ImportCtx& c) {
  const Shape& xs = c.type(0).shape;
  int64_t r = (int64_t)xs.size();
  GRAPHC_ASSIGN(int64_t start, c.attrInt("start", 0));
  GRAPHC_ASSIGN(int64_t end, c.attrInt("end", r));
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = std::clamp<int64_t>(start, 0, r), end = std::clamp<int64_t>(end, start, r);
  c.setOut(0, c.constant(int64Tensor(std::vector<int64_t>(xs.begin() + start, xs.begin() + end)), c.outName()));
  return ok();
}

// Trilu: x where the last two axes' (i, j) satisfies j - i >= k (upper) or j - i <= k (lower),
// else 0. The shape is static, so the mask is a constant and the op one where.
Status triluOp(ImportCtx& c) {
  const TensorType x = c.type(0);  // a copy: emitting may move the graph's values
  if (x.rank() < 2) return c.malformed(fmt::format("needs at least 2 axes, got {}", x.str()));
  GRAPHC_ASSIGN(int64_t upper, c.attrInt("upper", 1));
  int64_t k = 0;
  if (c.hasInput(1)) {
    GRAPHC_ASSIGN(std::vector<int64_t> ks, c.intsIn(1, "Trilu's k"));
    if (ks.size() != 1) return c.malformed(fmt::format("k must be one value, got {}", ks.size()));
    k = ks[0];
  }
  int64_t rows = x.shape[x.rank() - 2], cols = x.shape[x.rank() - 1];
  Tensor mask(TensorType{DType::boolean, {rows, cols}});
  // j - i lies in [-rows, cols]: k beyond that keeps all or nothing, and clamped it cannot overflow.
  k = std::clamp<int64_t>(k, -rows - 1, cols + 1);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) mask.set(i * cols + j, upper ? j - i >= k : j - i <= k);
  ValueId zero = c.constant(Tensor::scalar(x.dtype, 0), c.outName() + ".zero");
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Where, {c.constant(std::move(mask), c.outName() + ".mask"), c.in(0), zero}));
  c.setOut(0, r);
  return ok();
}

// Size: the element count, known from the static shape.
Status sizeOp(ImportCtx& c) {
  c.setOut(0, c.constant(Tensor::scalar(DType::i64, (double)c.type(0).numel()), c.outName()));
  return ok();
}

Status constantOp(ImportCtx& c) {
  const auto& attrs = c.node().attrs;
  if (attrs.size() != 1) return c.malformed("needs exactly one value attribute");
  const auto& [name, a] = *attrs.begin();
  Tensor t;
  if (name == "value" && a.kind == OnnxAttr::Kind::Tensor) t = a.t;
  else if (name == "value_float" && a.kind == OnnxAttr::Kind::Float) t = Tensor::scalar(DType::f32, a.f);
  else if (name == "value_int" && a.kind == OnnxAttr::Kind::Int) t = Tensor::fromVector(DType::i64, {}, std::vector<int64_t>{a.i});
  else if (name == "value_floats" && a.kind == OnnxAttr::Kind::Floats) t = Tensor::fromVector(DType::f32, {(int64_t)a.floats.size()}, a.floats);
  else if (name == "value_ints" && a.kind == OnnxAttr::Kind::Ints) t = int64Tensor(a.ints);
  else return c.unsupported(fmt::format("Constant with attribute '{}'{}", name, a.kind == OnnxAttr::Kind::Other ? " (" + a.s + ")" : ""));
  c.setOut(0, c.constant(t, c.outName()));
  return ok();
}

Status constantOfShapeOp(ImportCtx& c) {
  GRAPHC_ASSIGN(std::vector<int64_t> shape, c.intsIn(0, "ConstantOfShape's shape"));
  Tensor value = Tensor::scalar(DType::f32, 0.0);
  if (auto it = c.node().attrs.find("value"); it != c.node().attrs.end()) {
    if (it->second.kind != OnnxAttr::Kind::Tensor || it->second.t.numel() != 1)
      return c.malformed("attribute 'value' must be a one-element tensor");
    value = it->second.t;
  }
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && n > (int64_t(1) << 31) / d)) return c.malformed(fmt::format("bad shape [{}]", shapeStr(shape)));
    n *= d;
  }
  // An expand of the value: emit folds it to a constant unless it is above the folding cap.
  AttrMap attrs;
  attrs.set("shape", shape);
  GRAPHC_ASSIGN(ValueId filled, c.emit(OpKind::Expand, {c.constant(value.reshaped({}), c.outName() + ".value")}, std::move(attrs)));
  c.setOut(0, filled);
  return ok();
}

// Range on integers is computed in integers (int64 bounds near INT64_MAX stay exact, and the
// length in 128 bits cannot overflow); on floats in double. There is no IR op for it: the range
// is folded here, or refused above the folding cap.
Status rangeOp(ImportCtx& c) {
  const Tensor *s = c.constIn(0, true), *l = c.constIn(1, true), *d = c.constIn(2, true);
  if (!s || !l || !d) return c.unsupported("Range with non-constant inputs");
  if (s->numel() != 1 || l->numel() != 1 || d->numel() != 1) return c.malformed("inputs must be scalars");
  if (l->dtype() != s->dtype() || d->dtype() != s->dtype())
    return c.malformed(fmt::format("inputs must have one dtype, got {}, {} and {}", s->type().str(), l->type().str(), d->type().str()));
  auto tooLong = [&](double count) {
    return c.unsupported(fmt::format("Range makes {:.0f} elements, more than import-time folding materialises ({})", count,
                                     eval::kMaxFoldedElements));
  };
  if (isFloat(s->dtype())) {
    double start = s->at(0), limit = l->at(0), delta = d->at(0);
    if (delta == 0) return c.malformed("delta is 0");
    double count = std::max(std::ceil((limit - start) / delta), 0.0);
    if (!(count <= double(eval::kMaxFoldedElements))) return tooLong(count);  // NaN is refused too
    Tensor t(TensorType{s->dtype(), {(int64_t)count}});
    for (int64_t i = 0; i < t.numel(); ++i) t.set(i, start + (double)i * delta);
    c.setOut(0, c.constant(t, c.outName()));
    return ok();
  }
  GRAPHC_ASSIGN(int64_t start, s->intAt(0));
  GRAPHC_ASSIGN(int64_t limit, l->intAt(0));
  GRAPHC_ASSIGN(int64_t delta, d->intAt(0));
  if (delta == 0) return c.malformed("delta is 0");
  __int128 span = (__int128)limit - start, count = span / delta;
  if (span % delta != 0 && (span > 0) == (delta > 0)) ++count;  // the ceiling of span / delta
  if (count > eval::kMaxFoldedElements) return tooLong((double)count);
  if (count < 0) count = 0;  // clamped in 128 bits: a span below -2^63 would wrap in int64
  Tensor t(TensorType{s->dtype(), {(int64_t)count}});
  for (int64_t i = 0; i < t.numel(); ++i) t.setInt(i, (int64_t)(start + (__int128)i * delta));  // between start and limit
  c.setOut(0, c.constant(t, c.outName()));
  return ok();
}

// Pad (opset 11+): pads, constant_value and (opset 18) axes are inputs and must be constants.
// A negative pad crops: a slice first, then the pad of what is left.
Status padOp(ImportCtx& c) {
  GRAPHC_ASSIGN(std::string mode, c.attrStr("mode", "constant"));
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return c.unsupported(fmt::format("Pad mode '{}' (constant, reflect and edge are supported)", mode));
  int64_t rank = c.type(0).rank();
  GRAPHC_ASSIGN(std::vector<int64_t> given, c.intsIn(1, "Pad's pads"));
  std::vector<int64_t> axes;
  if (c.hasInput(3)) {
    GRAPHC_ASSIGN(axes, c.intsIn(3, "Pad's axes"));
  } else {
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  }
  if (given.size() != 2 * axes.size())
    return c.malformed(fmt::format("pads [{}] must have 2 entries per axis ({} axes)", shapeStr(given), axes.size()));
  std::vector<int64_t> pads(2 * rank, 0);
  std::vector<bool> seen(rank, false);
  for (size_t k = 0; k < axes.size(); ++k) {
    auto a = normalizeAxis(axes[k], rank);
    if (!a || seen[*a]) return c.malformed(fmt::format("axis {} is out of range or repeated for {}", axes[k], c.type(0).str()));
    seen[*a] = true;
    pads[*a] = given[k], pads[*a + rank] = given[k + axes.size()];
  }
  double value = 0;
  if (c.hasInput(2)) {
    const Tensor* t = c.constIn(2, true);
    if (!t) return c.unsupported(fmt::format("Pad's constant_value (input '{}') is not a constant", c.node().inputs[2]));
    if (t->numel() != 1) return c.malformed(fmt::format("constant_value must be a scalar, got {}", t->type().str()));
    value = t->at(0);
  }
  const Shape& xs = c.type(0).shape;
  std::vector<int64_t> starts(rank, 0), ends(xs.begin(), xs.end());
  bool crops = false;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t b = pads[d], e = pads[d + rank];
    if ((b < 0 || e < 0) && mode != "constant" && (b > 0 || e > 0))
      return c.unsupported(fmt::format("Pad in {} mode that crops and pads the same axis {} (pads [{}])", mode, d, shapeStr(pads)));
    // -max(b, -dim), not min(-b, dim): a pad of INT64_MIN has no negation.
    if (b < 0) starts[d] = -std::max(b, -xs[d]), pads[d] = 0, crops = true;
    if (e < 0) ends[d] = std::max(xs[d] + e, starts[d]), pads[d + rank] = 0, crops = true;
  }
  ValueId x = c.in(0);
  if (crops) {
    AttrMap slice;
    slice.set("starts", starts);
    slice.set("ends", ends);
    GRAPHC_ASSIGN(x, c.emit(OpKind::Slice, {x}, std::move(slice), c.outName() + ".crop"));
  }
  if (std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; })) {  // torch's AvgPool2d(count_include_pad)
    c.setOut(0, x);
    return ok();
  }
  AttrMap attrs;
  attrs.set("pads", pads);
  attrs.set("mode", mode);
  if (value != 0) attrs.set("value", value);
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Pad, {x}, std::move(attrs)));
  c.setOut(0, r);
  return ok();
}

}  // namespace

void registerMovement(OpTable& t) {
  t["Pad"] = {padOp, 2, 4};
  t["Reshape"] = {reshapeOp, 2, 2};
  t["Flatten"] = {flattenOp, 1, 1};
  t["Squeeze"] = {squeezeOp, 1, 2};
  t["Unsqueeze"] = {unsqueezeOp, 2, 2};
  t["Transpose"] = {transposeOp, 1, 1};
  t["Concat"] = {concatOp, 1, -1};
  t["Split"] = {splitOp, 1, 2};
  t["Slice"] = {sliceOp, 3, 5};
  t["Gather"] = {gatherOp, 2, 2};
  t["Expand"] = {expandOp, 2, 2};
  t["Shape"] = {shapeOp, 1, 1};
  t["Size"] = {sizeOp, 1, 1};
  t["Trilu"] = {triluOp, 1, 2};
  t["Constant"] = {constantOp, 0, 0};
  t["ConstantOfShape"] = {constantOfShapeOp, 1, 1};
  t["Range"] = {rangeOp, 3, 3};
}

}  // namespace graphc::onnxfe
