// Importers of ONNX's Conv, MaxPool (with its Indices output up to 2-D), AveragePool and the
// global pools over 1, 2 or 3 spatial axes. The IR's convolution and pools are 2-D: a 1-D one is the 2-D one over a unit height; a
// 3-D one is a sum (convolution), max or mean (pools) over its depth taps of 2-D ones, each over
// the depth positions that tap reads, stacked into the batch (convolution) or the channels
// (pools), with the depth padding made explicit first.
#include <fmt/format.h>

#include <cmath>

#include "frontend/onnx/importer.h"
#include "ir/eval/fold_limit.h"

namespace graphc::onnxfe {
namespace {

// Spatial attributes shared by Conv and the pools: one entry per spatial axis (pads: all
// begins, then all ends), with auto_pad resolved.
struct Window {
  std::vector<int64_t> kernel, strides, pads, dilations;
  size_t rank() const { return kernel.size(); }
  // The 2-D window of axes [from, from + 2).
  Window plane(size_t from) const {
    size_t r = rank();
    return {{kernel[from], kernel[from + 1]},
            {strides[from], strides[from + 1]},
            {pads[from], pads[from + 1], pads[r + from], pads[r + from + 1]},
            {dilations[from], dilations[from + 1]}};
  }
  // A 1-D window as the 2-D one over a unit height.
  Window lifted() const { return {{1, kernel[0]}, {1, strides[0]}, {0, pads[0], 0, pads[1]}, {1, dilations[0]}}; }
};

Result<Window> window(ImportCtx& c, std::vector<int64_t> kernel, bool hasDilations) {
  const TensorType x = c.type(0);
  const int64_t r = x.rank() - 2;
  if (r < 1 || r > 3) return c.unsupported(fmt::format("{} on {} (1 to 3 spatial axes are supported)", c.node().opType, x.str()));
  Window w;
  const std::vector<int64_t> ones(r, 1);
  GRAPHC_ASSIGN(w.kernel, c.attrInts("kernel_shape", kernel));
  GRAPHC_ASSIGN(w.strides, c.attrInts("strides", ones));
  GRAPHC_ASSIGN(w.pads, c.attrInts("pads", std::vector<int64_t>(2 * r, 0)));
  GRAPHC_ASSIGN(w.dilations, c.attrInts("dilations", ones));
  GRAPHC_ASSIGN(std::string autoPad, c.attrStr("auto_pad", "NOTSET"));
  if ((int64_t)w.kernel.size() != r || (int64_t)w.strides.size() != r || (int64_t)w.pads.size() != 2 * r || (int64_t)w.dilations.size() != r)
    return c.malformed(fmt::format("kernel_shape, strides and dilations need {} entries and pads {} for {}", r, 2 * r, x.str()));
  for (int64_t d = 0; d < r; ++d) {
    // Windows are products of these below: far past any real input, they are refused first.
    constexpr int64_t kLargest = int64_t(1) << 30;
    if (w.kernel[d] > kLargest || w.strides[d] > kLargest || w.dilations[d] > kLargest || w.pads[d] > kLargest || w.pads[r + d] > kLargest)
      return c.malformed(fmt::format("a kernel_shape, strides, dilations or pads entry is above 2^30"));
    if (w.kernel[d] < 1) return c.malformed("kernel_shape must be positive");
    if (w.strides[d] < 1) return c.malformed("strides must be positive");
    if (w.dilations[d] < 1) return c.malformed("dilations must be positive");
    if (w.pads[d] < 0 || w.pads[r + d] < 0) return c.malformed("pads must not be negative");
  }
  if (!hasDilations && w.dilations != ones) return c.unsupported("dilations on AveragePool");
  if (autoPad == "VALID") w.pads.assign(2 * r, 0);
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int64_t d = 0; d < r; ++d) {
      int64_t in = x.shape[2 + d], s = w.strides[d];
      int64_t outSize = (in + s - 1) / s;
      int64_t total = std::max<int64_t>((outSize - 1) * s + (w.kernel[d] - 1) * w.dilations[d] + 1 - in, 0);
      int64_t small = total / 2, big = total - small;
      w.pads[d] = autoPad == "SAME_UPPER" ? small : big;
      w.pads[r + d] = autoPad == "SAME_UPPER" ? big : small;
    }
  }
  return w;
}

// Depth positions first, first + step, ... (count of them) along `axis`.
Result<ValueId> strided(ImportCtx& c, ValueId v, int64_t axis, int64_t first, int64_t step, int64_t count) {
  AttrMap a = attrs(std::pair{"starts", std::vector<int64_t>{first}}, std::pair{"ends", std::vector<int64_t>{first + (count - 1) * step + 1}},
                    std::pair{"axes", std::vector<int64_t>{axis}}, std::pair{"steps", std::vector<int64_t>{step}});
  return c.emit(OpKind::Slice, {v}, std::move(a));
}

// The depth axis (2) of x padded by `before` and `after` elements of `value`.
Result<ValueId> padDepth(ImportCtx& c, ValueId x, int64_t before, int64_t after, double value) {
  if (!before && !after) return x;
  std::vector<int64_t> pads(10, 0);
  pads[2] = before, pads[7] = after;
  return c.emit(OpKind::Pad, {x}, attrs(std::pair{"pads", pads}, std::pair{"value", value}));
}

Result<ValueId> conv2d(ImportCtx& c, ValueId x, ValueId w, ValueId bias, const Window& win, int64_t group) {
  AttrMap a = attrs(std::pair{"strides", win.strides}, std::pair{"pads", win.pads}, std::pair{"dilations", win.dilations},
                    std::pair{"group", group});
  return c.emit(OpKind::Conv2d, {x, w, bias}, std::move(a));
}

// 3-D: y[:, :, d] = sum over depth taps k of conv2d(x[:, :, d * s + k * dil], w[:, :, k]). The
// depth positions of all d for one tap are one strided slice, folded into the batch.
Result<ValueId> conv3d(ImportCtx& c, ValueId x, ValueId w, ValueId bias, const Window& win, int64_t group) {
  const Shape xs = c.graph().type(x).shape, ws = c.graph().type(w).shape;
  const int64_t n = xs[0], depth = xs[2] + win.pads[0] + win.pads[3];
  const int64_t reach = (win.kernel[0] - 1) * win.dilations[0] + 1;
  if (depth < reach) return c.malformed(fmt::format("the kernel's depth {} does not fit the padded depth {}", reach, depth));
  const int64_t outDepth = (depth - reach) / win.strides[0] + 1;
  GRAPHC_ASSIGN(ValueId padded, padDepth(c, x, win.pads[0], win.pads[3], 0));
  GRAPHC_ASSIGN(ValueId depthFirst, c.emit(OpKind::Transpose, {padded}, attrs(std::pair{"perm", std::vector<int64_t>{0, 2, 1, 3, 4}})));
  GRAPHC_ASSIGN(ValueId noBias, filled(c, 0, c.graph().type(bias).dtype, {ws[0]}, c.outName() + ".tapbias"));
  const Window hw = win.plane(1);
  ValueId sum;
  for (int64_t k = 0; k < ws[2]; ++k) {
    GRAPHC_ASSIGN(ValueId taps, strided(c, depthFirst, 1, k * win.dilations[0], win.strides[0], outDepth));
    GRAPHC_ASSIGN(taps, reshaped(c, taps, {n * outDepth, xs[1], xs[3], xs[4]}));
    GRAPHC_ASSIGN(ValueId wk, strided(c, w, 2, k, 1, 1));
    GRAPHC_ASSIGN(wk, reshaped(c, wk, {ws[0], ws[1], ws[3], ws[4]}));
    GRAPHC_ASSIGN(ValueId yk, conv2d(c, taps, wk, k == 0 ? bias : noBias, hw, group));
    if (k == 0) {
      sum = yk;
    } else {
      GRAPHC_ASSIGN(sum, c.emit(OpKind::Add, {sum, yk}));
    }
  }
  const Shape ys = c.graph().type(sum).shape;
  GRAPHC_ASSIGN(sum, reshaped(c, sum, {n, outDepth, ys[1], ys[2], ys[3]}));
  return c.emit(OpKind::Transpose, {sum}, attrs(std::pair{"perm", std::vector<int64_t>{0, 2, 1, 3, 4}}));
}

Status convOp(ImportCtx& c) {
  const TensorType x = c.type(0), wt = c.type(1);
  if (wt.rank() != x.rank() || wt.rank() < 3) return c.malformed(fmt::format("weights {} do not fit the input {}", wt.str(), x.str()));
  GRAPHC_ASSIGN(Window w, window(c, Shape(wt.shape.begin() + 2, wt.shape.end()), true));
  if (w.kernel != Shape(wt.shape.begin() + 2, wt.shape.end()))
    return c.malformed(fmt::format("kernel_shape [{}] disagrees with the weights {}", shapeStr(w.kernel), wt.str()));
  GRAPHC_ASSIGN(int64_t group, c.attrInt("group", 1));
  ValueId bias;
  if (c.hasInput(2)) {
    bias = c.in(2);
  } else {
    GRAPHC_ASSIGN(bias, filled(c, 0, accumulationType(wt.dtype), {wt.shape[0]}, c.outName() + ".bias"));
  }
  ValueId y;
  if (w.rank() == 2) {
    GRAPHC_ASSIGN(y, conv2d(c, c.in(0), c.in(1), bias, w, group));
  } else if (w.rank() == 1) {
    GRAPHC_ASSIGN(ValueId x2, reshaped(c, c.in(0), {x.shape[0], x.shape[1], 1, x.shape[2]}));
    GRAPHC_ASSIGN(ValueId w2, reshaped(c, c.in(1), {wt.shape[0], wt.shape[1], 1, wt.shape[2]}));
    GRAPHC_ASSIGN(y, conv2d(c, x2, w2, bias, w.lifted(), group));
    const Shape ys = c.graph().type(y).shape;
    GRAPHC_ASSIGN(y, reshaped(c, y, {ys[0], ys[1], ys[3]}));
  } else {
    GRAPHC_ASSIGN(y, conv3d(c, c.in(0), c.in(1), bias, w, group));
  }
  c.setOut(0, y);
  return ok();
}

template <OpKind K>
Result<ValueId> pool2d(ImportCtx& c, ValueId x, const Window& win, int64_t ceilMode, int64_t countPad) {
  AttrMap a = attrs(std::pair{"kernel", win.kernel}, std::pair{"strides", win.strides}, std::pair{"pads", win.pads},
                    std::pair{"ceil_mode", ceilMode});
  if (K == OpKind::MaxPool2d) a.set("dilations", win.dilations);
  if (K == OpKind::AvgPool2d) a.set("count_include_pad", countPad);
  return c.emit(K, {x}, std::move(a));
}

// 3-D: the max or mean over depth taps k of 2-D pools of x[:, :, d * s + k * dil] with the depth
// positions folded into the channels. The max pads with -inf; the mean pads with 0 and divides
// the sum of the taps' 2-D means by the depth part of the divisor (a box's count of real, or
// with count_include_pad padded, elements is the product of its per-axis counts). The depth
// extent follows the IR's pools (ceil_mode's last window starts inside the input or the
// padding before it).
template <OpKind K>
Result<ValueId> pool3d(ImportCtx& c, ValueId x, const Window& win, int64_t ceilMode, int64_t countPad) {
  const Shape xs = c.graph().type(x).shape;
  const DType t = c.graph().type(x).dtype;
  const int64_t in = xs[2], before = win.pads[0], after = win.pads[3], s = win.strides[0], dil = win.dilations[0];
  const int64_t reach = (win.kernel[0] - 1) * dil + 1;
  if (before >= reach || after >= reach) return c.malformed("pads must be smaller than the kernel");
  const int64_t span = in + before + after - reach;
  if (span < 0) return c.malformed(fmt::format("the kernel's depth {} does not fit the padded depth {}", reach, in + before + after));
  int64_t outDepth = (ceilMode ? (span + s - 1) / s : span / s) + 1;
  if (ceilMode && (outDepth - 1) * s >= in + before) --outDepth;
  const int64_t overhang = std::max<int64_t>(0, (outDepth - 1) * s + reach - (in + before + after));
  const bool isMax = K == OpKind::MaxPool2d;
  GRAPHC_ASSIGN(ValueId padded, padDepth(c, x, before, after + overhang, isMax ? -INFINITY : 0.0));
  const Window hw = win.plane(1);
  ValueId acc;
  for (int64_t k = 0; k < win.kernel[0]; ++k) {
    GRAPHC_ASSIGN(ValueId taps, strided(c, padded, 2, k * dil, s, outDepth));
    GRAPHC_ASSIGN(taps, reshaped(c, taps, {xs[0], xs[1] * outDepth, xs[3], xs[4]}));
    GRAPHC_ASSIGN(ValueId yk, pool2d<K>(c, taps, hw, ceilMode, countPad));
    if (k == 0) {
      acc = yk;
    } else {
      GRAPHC_ASSIGN(acc, c.emit(isMax ? OpKind::Max : OpKind::Add, {acc, yk}));
    }
  }
  const Shape ys = c.graph().type(acc).shape;
  GRAPHC_ASSIGN(acc, reshaped(c, acc, {xs[0], xs[1], outDepth, ys[2], ys[3]}));
  if (isMax) return acc;
  Tensor divisor(TensorType{t, {outDepth, 1, 1}});
  for (int64_t d = 0; d < outDepth; ++d) {
    int64_t start = d * s - before, end = start + reach;  // taps start, start + dil, ... below end
    int64_t lo = countPad ? -before : 0, hi = countPad ? in + after : in, count = 0;
    for (int64_t p = start; p < end; p += dil) count += p >= lo && p < hi;
    divisor.set(d, 1.0 / (double)count);
  }
  return c.emit(OpKind::Mul, {acc, c.constant(std::move(divisor), c.outName() + ".depthdiv")});
}

// MaxPool's Indices: the flat position in x of each window's maximum (row-major, or with
// storage_order 1 column-major over H and W), the first one on a tie and the first NaN, as the
// max pool's NaN rule has it. A running argmax over the window's taps: each tap is a strided
// slice of x padded with -inf, and its flat positions a constant.
Result<ValueId> maxPoolIndices(ImportCtx& c, ValueId x, const Window& win, const Shape& out, int64_t ceilOverhang[2], bool columnMajor) {
  const Shape xs = c.graph().type(x).shape;
  const int64_t n = xs[0], ch = xs[1], h = xs[2], w = xs[3], oh = out[2], ow = out[3];
  // Each tap builds constants of [oh, ow]: a window of millions of taps from a few bytes of
  // model is refused before they are allocated.
  if (win.kernel[0] * win.kernel[1] > eval::kMaxFoldedElements / std::max<int64_t>(1, oh * ow) || n * ch > eval::kMaxFoldedElements)
    return c.unsupported(fmt::format("MaxPool's Indices over {} taps of a {}x{} output (above the import-time constant cap)",
                                     win.kernel[0] * win.kernel[1], oh, ow));
  std::vector<int64_t> pads{0, 0, win.pads[0], win.pads[1], 0, 0, win.pads[2] + ceilOverhang[0], win.pads[3] + ceilOverhang[1]};
  GRAPHC_ASSIGN(ValueId padded, c.emit(OpKind::Pad, {x}, attrs(std::pair{"pads", pads}, std::pair{"value", -INFINITY})));
  Tensor planes(TensorType{DType::i64, {n, ch, 1, 1}});
  for (int64_t p = 0; p < n * ch; ++p) planes.setInt(p, p * h * w);
  ValueId base = c.constant(std::move(planes), c.outName(1) + ".plane");
  auto boolean = [&](bool v) { return c.constant(Tensor::scalar(DType::boolean, v), c.outName(1) + (v ? ".true" : ".false")); };
  std::vector<bool> seen(oh * ow, false);
  ValueId best, index;
  for (int64_t i = 0; i < win.kernel[0]; ++i) {
    for (int64_t j = 0; j < win.kernel[1]; ++j) {
      const int64_t di = i * win.dilations[0], dj = j * win.dilations[1];
      AttrMap a = attrs(std::pair{"starts", std::vector<int64_t>{di, dj}},
                        std::pair{"ends", std::vector<int64_t>{di + (oh - 1) * win.strides[0] + 1, dj + (ow - 1) * win.strides[1] + 1}},
                        std::pair{"axes", std::vector<int64_t>{2, 3}}, std::pair{"steps", win.strides});
      GRAPHC_ASSIGN(ValueId v, c.emit(OpKind::Slice, {padded}, std::move(a)));
      Tensor where(TensorType{DType::i64, {oh, ow}}), first(TensorType{DType::boolean, {oh, ow}});
      bool anyFirst = false;
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t z = 0; z < ow; ++z) {
          int64_t hi = y * win.strides[0] + di - win.pads[0], wi = z * win.strides[1] + dj - win.pads[1];
          bool inside = hi >= 0 && hi < h && wi >= 0 && wi < w;
          where.setInt(y * ow + z, inside ? (columnMajor ? hi + wi * h : hi * w + wi) : 0);
          bool isFirst = inside && !seen[y * ow + z];
          first.set(y * ow + z, isFirst);
          anyFirst = anyFirst || isFirst;
          seen[y * ow + z] = seen[y * ow + z] || inside;
        }
      GRAPHC_ASSIGN(ValueId at, c.emit(OpKind::Add, {base, c.constant(std::move(where), c.outName(1) + ".tap")}));
      if (i == 0 && j == 0) {
        best = v, index = at;
        continue;
      }
      // take = first real tap, or v > best, or v is the window's first NaN (isnum(v) < isnum(best))
      GRAPHC_ASSIGN(ValueId take, c.emit(OpKind::Greater, {v, best}));
      GRAPHC_ASSIGN(ValueId vNumber, c.emit(OpKind::Equal, {v, v}));
      GRAPHC_ASSIGN(ValueId bestNumber, c.emit(OpKind::Equal, {best, best}));
      GRAPHC_ASSIGN(ValueId firstNaN, c.emit(OpKind::Less, {vNumber, bestNumber}));
      GRAPHC_ASSIGN(take, c.emit(OpKind::Where, {take, boolean(true), firstNaN}));
      if (anyFirst) {
        GRAPHC_ASSIGN(take, c.emit(OpKind::Where, {c.constant(std::move(first), c.outName(1) + ".first"), boolean(true), take}));
      }
      GRAPHC_ASSIGN(best, c.emit(OpKind::Where, {take, v, best}));
      GRAPHC_ASSIGN(index, c.emit(OpKind::Where, {take, at, index}));
    }
  }
  return index;
}

template <OpKind K>
Status poolOp(ImportCtx& c) {
  if (!c.hasAttr("kernel_shape")) return c.malformed("attribute 'kernel_shape' is required");
  const TensorType x = c.type(0);
  GRAPHC_ASSIGN(Window w, window(c, {}, K == OpKind::MaxPool2d));
  GRAPHC_ASSIGN(int64_t ceilMode, c.attrInt("ceil_mode", 0));
  GRAPHC_ASSIGN(int64_t countPad, c.attrInt("count_include_pad", 0));
  GRAPHC_ASSIGN(int64_t storageOrder, c.attrInt("storage_order", 0));
  const bool indices = c.outputUsed(1);
  if (indices && w.rank() == 3) return c.unsupported("MaxPool's Indices output over 3 spatial axes");
  ValueId y;
  if (w.rank() == 3) {
    GRAPHC_ASSIGN(y, pool3d<K>(c, c.in(0), w, ceilMode, countPad));
    c.setOut(0, y);
    return ok();
  }
  // A 1-D pool is the 2-D one over a unit height (its flat indices are the same).
  ValueId x2 = c.in(0);
  const Window w2 = w.rank() == 1 ? w.lifted() : w;
  if (w.rank() == 1) {
    GRAPHC_ASSIGN(x2, reshaped(c, c.in(0), {x.shape[0], x.shape[1], 1, x.shape[2]}));
  }
  GRAPHC_ASSIGN(y, pool2d<K>(c, x2, w2, ceilMode, countPad));
  const Shape ys = c.graph().type(y).shape;
  Shape outShape = ys;
  if (w.rank() == 1) outShape = {ys[0], ys[1], ys[3]};
  if (indices) {
    const Shape xs = c.graph().type(x2).shape;
    int64_t overhang[2];
    for (int d = 0; d < 2; ++d)
      overhang[d] = std::max<int64_t>(0, (ys[2 + d] - 1) * w2.strides[d] + (w2.kernel[d] - 1) * w2.dilations[d] + 1 -
                                             (xs[2 + d] + w2.pads[d] + w2.pads[2 + d]));
    GRAPHC_ASSIGN(ValueId at, maxPoolIndices(c, x2, w2, ys, overhang, storageOrder == 1));
    GRAPHC_ASSIGN(at, reshaped(c, at, outShape));
    c.setOut(1, at);
  }
  if (w.rank() == 1) {
    GRAPHC_ASSIGN(y, reshaped(c, y, outShape));
  }
  c.setOut(0, y);
  return ok();
}

// GlobalAveragePool and GlobalMaxPool: the IR's global_avg_pool for NCHW, else a mean or max
// over the spatial axes, kept as 1.
template <OpKind Reduce>
Status globalPoolOp(ImportCtx& c) {
  const TensorType x = c.type(0);
  if (x.rank() < 3) return c.malformed(fmt::format("{} needs batch, channel and spatial axes, got {}", c.node().opType, x.str()));
  ValueId y;
  if (Reduce == OpKind::ReduceMean && x.rank() == 4) {
    GRAPHC_ASSIGN(y, c.emit(OpKind::GlobalAvgPool, {c.in(0)}));
  } else {
    std::vector<int64_t> axes;
    for (int64_t d = 2; d < x.rank(); ++d) axes.push_back(d);
    GRAPHC_ASSIGN(y, c.emit(Reduce, {c.in(0)}, attrs(std::pair{"axes", axes}, std::pair{"keepdims", int64_t{1}})));
  }
  c.setOut(0, y);
  return ok();
}

}  // namespace

void registerConv(OpTable& t) {
  t["Conv"] = {convOp, 2, 3};
  t["MaxPool"] = {poolOp<OpKind::MaxPool2d>, 1, 1};
  t["AveragePool"] = {poolOp<OpKind::AvgPool2d>, 1, 1};
  t["GlobalAveragePool"] = {globalPoolOp<OpKind::ReduceMean>, 1, 1};
  t["GlobalMaxPool"] = {globalPoolOp<OpKind::ReduceMax>, 1, 1};
}

}  // namespace graphc::onnxfe
