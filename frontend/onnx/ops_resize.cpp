// Importer of ONNX's Resize (nearest, linear and cubic; every coordinate transformation mode of
// opsets 11 to 17), composed from IR ops. Resize is separable: along one axis, each output
// position reads a few input positions with fixed weights, all known at import. So each axis is
// a gather of those positions and, for linear and cubic, a weighted sum; nearest is one gather,
// exact whatever the data holds. The positions and weights follow ONNX's reference, including
// its edge padding, exclude_outside and tf_crop_and_resize's extrapolation value. Axes run from
// the last to the first, as the reference's nesting does.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "frontend/onnx/importer.h"
#include "ir/eval/fold_limit.h"

namespace graphc::onnxfe {
namespace {

struct ResizeSpec {
  std::string mode, transform, nearestMode;
  double cubicA = -0.75, extrapolation = 0;
  bool excludeOutside = false;
};

// Where output position x of an axis reads: the taps' input positions (clamped into the input,
// as the reference's edge padding makes them) and weights; `outside` when tf_crop_and_resize maps
// x outside the input, where the result is the extrapolation value.
struct Taps {
  std::vector<int64_t> index;
  std::vector<double> weight;
  bool outside = false;
};

std::vector<double> coefficients(const ResizeSpec& s, double ratio) {
  if (s.mode == "linear") return {1 - ratio, ratio};
  if (s.mode == "cubic") {
    double a = s.cubicA, r = ratio, q = 1 - ratio;
    return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a, ((a + 2) * r - (a + 3)) * r * r + 1,
            ((a + 2) * q - (a + 3)) * q * q + 1, ((a * (q + 1) - 5 * a) * (q + 1) + 8 * a) * (q + 1) - 4 * a};
  }
  bool up = ratio == 1                               ? true
            : s.nearestMode == "round_prefer_floor" ? ratio > 0.5
            : s.nearestMode == "round_prefer_ceil"  ? ratio >= 0.5
                                                    : s.nearestMode == "ceil";
  return {up ? 0.0 : 1.0, up ? 1.0 : 0.0};
}

Taps tapsAt(const ResizeSpec& s, int64_t x, int64_t in, double lengthResized, double scale, double roiStart, double roiEnd) {
  // ONNX's length_resized: in * scale, fractional where the scale makes it so (align_corners
  // over a scale of 1.5 on 5 positions divides by 6.5, where PyTorch divides by 6), and the
  // output's length where sizes gave it.
  double outWidth = lengthResized, xo = 0;
  const std::string& t = s.transform;
  if (t == "align_corners") xo = outWidth == 1 ? 0 : (double)x * (double)(in - 1) / (outWidth - 1);
  else if (t == "asymmetric") xo = (double)x / scale;
  else if (t == "pytorch_half_pixel") xo = outWidth == 1 ? -0.5 : ((double)x + 0.5) / scale - 0.5;
  else if (t == "tf_half_pixel_for_nn") xo = ((double)x + 0.5) / scale;
  else if (t == "tf_crop_and_resize") {
    xo = outWidth == 1 ? (roiEnd - roiStart) * (double)(in - 1) / 2 : (double)x * (roiEnd - roiStart) * (double)(in - 1) / (outWidth - 1);
    xo += roiStart * (double)(in - 1);
    if (xo < 0 || xo > (double)(in - 1)) return Taps{{}, {}, true};
  } else {
    xo = ((double)x + 0.5) / scale - 0.5;  // half_pixel
  }
  double base = std::floor(xo), ratio = xo == base ? 1.0 : xo - base;
  std::vector<double> weight = coefficients(s, ratio);
  const int64_t n = (int64_t)weight.size(), pad = (n + 1) / 2;
  // The n positions nearest xo (the smaller on a tie), among those of the edge-padded input.
  std::vector<int64_t> near;
  for (int64_t p = (int64_t)base - n - 1; p <= (int64_t)base + n + 1; ++p)
    if (p >= -pad && p < in + pad) near.push_back(p);
  std::sort(near.begin(), near.end(), [&](int64_t a, int64_t b) {
    double da = std::abs(xo - (double)a), db = std::abs(xo - (double)b);
    return da != db ? da < db : a < b;
  });
  near.resize(std::min<size_t>(near.size(), (size_t)n));
  std::sort(near.begin(), near.end());
  Taps taps;
  double kept = 0;
  for (int64_t k = 0; k < n; ++k) {
    if (s.excludeOutside && (near[k] < 0 || near[k] >= in)) weight[k] = 0;
    kept += weight[k];
  }
  for (int64_t k = 0; k < n; ++k) {
    if (weight[k] == 0 && s.mode == "nearest") continue;
    taps.index.push_back(std::clamp<int64_t>(near[k], 0, in - 1));
    taps.weight.push_back(s.excludeOutside ? weight[k] / kept : weight[k]);
  }
  return taps;
}

// One axis: out positions, each a weighted sum of gathered input positions.
Result<ValueId> resizeAxis(ImportCtx& c, ValueId x, int64_t axis, int64_t out, double lengthResized, double scale, double roiStart,
                           double roiEnd, const ResizeSpec& s) {
  const TensorType type = c.graph().type(x);
  const int64_t in = type.shape[axis], rank = type.rank();
  std::vector<Taps> taps;
  size_t width = 0;
  for (int64_t i = 0; i < out; ++i) {
    taps.push_back(tapsAt(s, i, in, lengthResized, scale, roiStart, roiEnd));
    width = std::max(width, taps.back().index.size());
  }
  Shape along(rank, 1);
  along[axis] = out;
  std::optional<ValueId> sum;
  for (size_t k = 0; k < width; ++k) {
    Tensor index(TensorType{DType::i64, {out}}), weight(TensorType{type.dtype, along});
    for (int64_t i = 0; i < out; ++i) {
      bool has = k < taps[i].index.size();
      index.setInt(i, has ? taps[i].index[k] : 0);
      weight.set(i, has ? taps[i].weight[k] : 0.0);
    }
    GRAPHC_ASSIGN(ValueId picked, c.emit(OpKind::Gather, {x, c.constant(index, c.outName() + ".taps")}, attrs(std::pair{"axis", axis})));
    if (s.mode != "nearest") {
      GRAPHC_ASSIGN(picked, c.emit(OpKind::Mul, {picked, c.constant(weight, c.outName() + ".weights")}));
    }
    if (sum) {
      GRAPHC_ASSIGN(picked, c.emit(OpKind::Add, {*sum, picked}));
    }
    sum = picked;
  }
  if (!sum) {  // every position outside (tf_crop_and_resize): the extrapolation value alone
    GRAPHC_ASSIGN(ValueId first, c.emit(OpKind::Gather, {x, c.constant(Tensor(TensorType{DType::i64, {out}}), c.outName() + ".taps")},
                                        attrs(std::pair{"axis", axis})));
    sum = first;
  }
  if (std::any_of(taps.begin(), taps.end(), [](const Taps& t) { return t.outside; })) {
    Tensor outside(TensorType{DType::boolean, along});
    for (int64_t i = 0; i < out; ++i) outside.setInt(i, taps[i].outside);
    GRAPHC_ASSIGN(sum, c.emit(OpKind::Where, {c.constant(outside, c.outName() + ".outside"), scalarLike(c, type.dtype, s.extrapolation), *sum}));
  }
  return *sum;
}

Result<std::vector<double>> floatsIn(ImportCtx& c, size_t i, std::string_view what) {
  const Tensor* t = c.constIn(i, true);
  if (!t) return c.unsupported(fmt::format("Resize {} (input '{}') is not a constant", what, c.node().inputs[i]));
  std::vector<double> v;
  for (int64_t k = 0; k < t->numel(); ++k) v.push_back(t->at(k));
  return v;
}

Status resizeOp(ImportCtx& c) {
  const TensorType x = c.type(0);
  const int64_t rank = x.rank();
  // Upsample and Resize 10 reach here as Resize 13, upgraded by ONNX's converter (read.cpp).
  const size_t scalesInput = 2;
  ResizeSpec s;
  GRAPHC_ASSIGN(s.mode, c.attrStr("mode", "nearest"));
  GRAPHC_ASSIGN(s.transform, c.attrStr("coordinate_transformation_mode", "half_pixel"));
  GRAPHC_ASSIGN(s.nearestMode, c.attrStr("nearest_mode", "round_prefer_floor"));
  GRAPHC_ASSIGN(s.cubicA, c.attrFloat("cubic_coeff_a", -0.75));
  GRAPHC_ASSIGN(s.extrapolation, c.attrFloat("extrapolation_value", 0.0));
  GRAPHC_ASSIGN(int64_t exclude, c.attrInt("exclude_outside", 0));
  s.excludeOutside = exclude != 0;
  if (s.mode != "nearest" && s.mode != "linear" && s.mode != "cubic")
    return c.malformed(fmt::format("mode '{}' is none of nearest, linear and cubic", s.mode));
  static const char* const kTransforms[] = {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_half_pixel_for_nn",
                                            "tf_crop_and_resize"};
  if (std::find(std::begin(kTransforms), std::end(kTransforms), s.transform) == std::end(kTransforms))
    return c.unsupported(fmt::format("coordinate_transformation_mode '{}'", s.transform));
  static const char* const kNearest[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
  if (std::find(std::begin(kNearest), std::end(kNearest), s.nearestMode) == std::end(kNearest))
    return c.malformed(fmt::format("nearest_mode '{}' is none of round_prefer_floor, round_prefer_ceil, floor and ceil", s.nearestMode));
  if (s.mode != "nearest" && !isFloat(x.dtype)) return c.unsupported(fmt::format("Resize {} of {}", s.mode, x.str()));

  std::vector<double> roi(2 * rank, 0), scales;
  for (int64_t d = 0; d < rank; ++d) roi[rank + d] = 1;
  if (s.transform == "tf_crop_and_resize") {
    if (!c.hasInput(1)) return c.malformed("tf_crop_and_resize needs the roi input");
    GRAPHC_ASSIGN(roi, floatsIn(c, 1, "roi"));
    if ((int64_t)roi.size() != 2 * rank) return c.malformed(fmt::format("roi has {} values; {} needs {}", roi.size(), x.str(), 2 * rank));
  }
  Shape out(rank);
  bool bySizes = c.hasInput(3);
  if (bySizes == (c.hasInput(scalesInput) && c.type(scalesInput).shape != Shape{0}))
    return c.malformed("Resize needs exactly one of scales and sizes");
  if (bySizes) {
    GRAPHC_ASSIGN(std::vector<int64_t> sizes, c.intsIn(3, "Resize's sizes"));
    if ((int64_t)sizes.size() != rank) return c.malformed(fmt::format("sizes has {} values for {}", sizes.size(), x.str()));
    for (int64_t d = 0; d < rank; ++d) {
      if (sizes[d] < 0) return c.malformed(fmt::format("size {} on axis {} is negative", sizes[d], d));
      if (x.shape[d] == 0 && sizes[d] > 0) return c.malformed(fmt::format("axis {} of {} is empty and cannot grow", d, x.str()));
      out[d] = sizes[d];
      scales.push_back(x.shape[d] ? (double)sizes[d] / (double)x.shape[d] : 1.0);
    }
  } else {
    GRAPHC_ASSIGN(scales, floatsIn(c, scalesInput, "scales"));
    if ((int64_t)scales.size() != rank) return c.malformed(fmt::format("scales has {} values for {}", scales.size(), x.str()));
    for (int64_t d = 0; d < rank; ++d) {
      double span = s.transform == "tf_crop_and_resize" ? roi[rank + d] - roi[d] : 1.0;
      double size = std::floor((double)x.shape[d] * span * scales[d]);
      if (!(scales[d] > 0) || !(size >= 0 && size < 9.0e15))
        return c.malformed(fmt::format("scale {} on axis {} of {} gives no valid size", scales[d], d, x.str()));
      out[d] = (int64_t)size;
    }
  }
  // Each resized axis carries constants of its output extent, built here, at import.
  for (int64_t d = 0; d < rank; ++d)
    if (out[d] > eval::kMaxFoldedElements && out[d] != x.shape[d])
      return c.unsupported(fmt::format("Resize to {} positions on axis {}, more than import-time folding materialises ({})", out[d], d,
                                       eval::kMaxFoldedElements));

  ValueId y = c.in(0);
  for (int64_t d = rank - 1; d >= 0; --d) {
    // An axis that keeps its size and maps every position onto itself is left alone.
    bool identity = out[d] == x.shape[d] && scales[d] == 1 && s.transform != "tf_crop_and_resize" && s.transform != "tf_half_pixel_for_nn";
    if (identity) continue;
    double lengthResized = bySizes ? (double)out[d] : (double)x.shape[d] * scales[d];
    GRAPHC_ASSIGN(y, resizeAxis(c, y, d, out[d], lengthResized, scales[d], roi[d], roi[rank + d], s));
  }
  c.setOut(0, y);
  return ok();
}

}  // namespace

void registerResize(OpTable& t) {
  t["Resize"] = {resizeOp, 1, 4};
}

}  // namespace graphc::onnxfe
