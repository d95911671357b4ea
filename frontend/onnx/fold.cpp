// Constant folding of IR ops at import time, so that the shape sub-graphs exporters emit
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape, ...) become static attributes.
// Small tensors only in practice; values go through double, which is exact for shape integers.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

// Element offset in `from` (of shape fromShape, broadcast to outShape) of output element i.
int64_t broadcastOffset(int64_t i, const Shape& outShape, const Shape& fromShape) {
  int64_t off = 0, stride = 1;
  size_t lead = outShape.size() - fromShape.size();
  for (size_t d = outShape.size(); d-- > 0;) {
    int64_t idx = i % outShape[d];
    i /= outShape[d];
    if (d >= lead) {
      int64_t fd = fromShape[d - lead];
      if (fd != 1) off += idx * stride;
      stride *= fd;
    }
  }
  return off;
}

std::optional<double> unary(OpKind op, double x) {
  switch (op) {
    case OpKind::Neg: return -x;
    case OpKind::Abs: return std::fabs(x);
    case OpKind::Sqrt: return std::sqrt(x);
    case OpKind::Exp: return std::exp(x);
    case OpKind::Log: return std::log(x);
    case OpKind::Reciprocal: return 1.0 / x;
    case OpKind::Relu: return x > 0 ? x : 0.0;
    case OpKind::Cast: return x;
    default: return std::nullopt;
  }
}

Result<std::optional<double>> binary(OpKind op, double a, double b, bool integer) {
  switch (op) {
    case OpKind::Add: return std::optional(a + b);
    case OpKind::Sub: return std::optional(a - b);
    case OpKind::Mul: return std::optional(a * b);
    case OpKind::Div:
      if (integer && b == 0) return Error("integer division by zero in a constant expression");
      return std::optional(integer ? std::trunc(a / b) : a / b);
    case OpKind::Pow: return std::optional(std::pow(a, b));
    case OpKind::Min: return std::optional(std::min(a, b));
    case OpKind::Max: return std::optional(std::max(a, b));
    case OpKind::Equal: return std::optional(double(a == b));
    case OpKind::Less: return std::optional(double(a < b));
    case OpKind::Greater: return std::optional(double(a > b));
    default: return std::optional<double>();
  }
}

const std::vector<int64_t>& ints(const AttrMap& a, std::string_view name) {
  static const std::vector<int64_t> none;
  const Attr* v = a.find(name);
  return v ? std::get<std::vector<int64_t>>(*v) : none;
}
int64_t intAttr(const AttrMap& a, std::string_view name, int64_t def) {
  const Attr* v = a.find(name);
  return v ? std::get<int64_t>(*v) : def;
}

// Multi-index of element i of shape s.
std::vector<int64_t> unravel(int64_t i, const Shape& s) {
  std::vector<int64_t> idx(s.size());
  for (size_t d = s.size(); d-- > 0;) idx[d] = i % s[d], i /= s[d];
  return idx;
}
int64_t ravel(const std::vector<int64_t>& idx, const Shape& s) {
  int64_t off = 0;
  for (size_t d = 0; d < s.size(); ++d) off = off * s[d] + idx[d];
  return off;
}

}  // namespace

Result<std::optional<Tensor>> foldOp(OpKind op, std::span<const Tensor> in, const AttrMap& attrs, const TensorType& type) {
  if (type.numel() > (int64_t(1) << 24)) return std::optional<Tensor>();  // leave big work to the backend
  Tensor out(type);
  const Shape& os = type.shape;
  bool integer = isInteger(type.dtype) || isInteger(in[0].dtype());
  if (in.size() == 1 && unary(op, 0.0)) {
    for (int64_t i = 0; i < out.numel(); ++i) out.set(i, *unary(op, in[0].at(i)));
    return std::optional(out);
  }
  switch (op) {
    case OpKind::Add: case OpKind::Sub: case OpKind::Mul: case OpKind::Div: case OpKind::Pow:
    case OpKind::Min: case OpKind::Max: case OpKind::Equal: case OpKind::Less: case OpKind::Greater:
      for (int64_t i = 0; i < out.numel(); ++i) {
        double a = in[0].at(broadcastOffset(i, os, in[0].shape())), b = in[1].at(broadcastOffset(i, os, in[1].shape()));
        GRAPHC_ASSIGN(auto r, binary(op, a, b, integer));
        out.set(i, *r);
      }
      return std::optional(out);
    case OpKind::Where:
      for (int64_t i = 0; i < out.numel(); ++i)
        out.set(i, in[0].at(broadcastOffset(i, os, in[0].shape())) != 0 ? in[1].at(broadcastOffset(i, os, in[1].shape()))
                                                                         : in[2].at(broadcastOffset(i, os, in[2].shape())));
      return std::optional(out);
    case OpKind::Reshape:
      return std::optional(in[0].clone().reshaped(os));
    case OpKind::Expand:
      for (int64_t i = 0; i < out.numel(); ++i) out.set(i, in[0].at(broadcastOffset(i, os, in[0].shape())));
      return std::optional(out);
    case OpKind::Transpose: {
      const auto& perm = ints(attrs, "perm");
      for (int64_t i = 0; i < out.numel(); ++i) {
        auto oi = unravel(i, os);
        std::vector<int64_t> ii(oi.size());
        for (size_t d = 0; d < perm.size(); ++d) ii[perm[d]] = oi[d];
        out.set(i, in[0].at(ravel(ii, in[0].shape())));
      }
      return std::optional(out);
    }
    case OpKind::Concat: {
      int64_t axis = *normalizeAxis(intAttr(attrs, "axis", 0), type.rank());
      for (int64_t i = 0; i < out.numel(); ++i) {
        auto idx = unravel(i, os);
        size_t k = 0;
        while (idx[axis] >= in[k].shape()[axis]) idx[axis] -= in[k].shape()[axis], ++k;
        out.set(i, in[k].at(ravel(idx, in[k].shape())));
      }
      return std::optional(out);
    }
    case OpKind::Gather: {
      const Shape& ds = in[0].shape();
      int64_t axis = *normalizeAxis(intAttr(attrs, "axis", 0), (int64_t)ds.size());
      int64_t nIdx = in[1].type().rank();
      for (int64_t i = 0; i < out.numel(); ++i) {
        auto oi = unravel(i, os);
        std::vector<int64_t> ii(oi.begin() + axis, oi.begin() + axis + nIdx);
        int64_t at = (int64_t)in[1].at(ravel(ii, in[1].shape()));
        if (at < 0) at += ds[axis];
        if (at < 0 || at >= ds[axis]) return Error(fmt::format("gather index {} is out of range for size {}", at, ds[axis]));
        std::vector<int64_t> di(oi.begin(), oi.begin() + axis);
        di.push_back(at);
        di.insert(di.end(), oi.begin() + axis + nIdx, oi.end());
        out.set(i, in[0].at(ravel(di, ds)));
      }
      return std::optional(out);
    }
    case OpKind::Slice: {
      const Shape& xs = in[0].shape();
      std::vector<int64_t> start(xs.size(), 0), step(xs.size(), 1);
      auto starts = ints(attrs, "starts"), axes = ints(attrs, "axes"), steps = ints(attrs, "steps");
      for (size_t k = 0; k < starts.size(); ++k) {
        int64_t axis = *normalizeAxis(axes.empty() ? (int64_t)k : axes[k], (int64_t)xs.size());
        int64_t st = steps.empty() ? 1 : steps[k], s = starts[k], dim = xs[axis];
        if (s < 0) s += dim;
        s = st > 0 ? std::clamp<int64_t>(s, 0, dim) : std::clamp<int64_t>(s, -1, dim - 1);
        start[axis] = s, step[axis] = st;
      }
      for (int64_t i = 0; i < out.numel(); ++i) {
        auto idx = unravel(i, os);
        for (size_t d = 0; d < idx.size(); ++d) idx[d] = start[d] + idx[d] * step[d];
        out.set(i, in[0].at(ravel(idx, xs)));
      }
      return std::optional(out);
    }
    default:
      (void)integer;
      return std::optional<Tensor>();
  }
}

}  // namespace graphc::onnxfe
