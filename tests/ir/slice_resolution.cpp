// Slice resolution (resolveSliceAxis, resolveSlice, inferSlice) against two plain references over
// a grid of int64 starts, ends and steps, INT64_MIN and INT64_MAX included.
#include <doctest/doctest.h>

#include <algorithm>
#include <limits>

#include "ir/builder.h"

namespace graphc::test {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
using Wide = __int128;  // no overflow anywhere in the references

// The indices the loop `for (i = start; step > 0 ? i < end : i > end; i += step)` visits.
std::vector<int64_t> visit(Wide start, Wide end, Wide step) {
  std::vector<int64_t> out;
  for (Wide i = start; step > 0 ? i < end : i > end; i += step) out.push_back((int64_t)i);
  return out;
}

// Python's slice(start, end, step).indices(dim) followed by range(): CPython's
// PySlice_AdjustIndices, transcribed.
std::vector<int64_t> pythonIndices(int64_t dim, int64_t start, int64_t end, int64_t step) {
  auto adjust = [&](Wide v) -> Wide {
    if (v < 0) {
      v += dim;
      if (v < 0) v = step < 0 ? -1 : 0;
    } else if (v >= dim) {
      v = step < 0 ? dim - 1 : dim;
    }
    return v;
  };
  return visit(adjust(start), adjust(end), step);
}

// The ONNX Slice text, sentence by sentence: negative values get dim added; start clamps to
// [0, dim] stepping forward and [0, dim - 1] backward; end to [0, dim] forward and [-1, dim - 1]
// backward; an axis of extent 0 yields nothing ("copying 0 through dims[axes[i]] elements").
std::vector<int64_t> onnxIndices(int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (dim == 0) return {};
  Wide s = start, e = end;
  if (s < 0) s += dim;
  if (e < 0) e += dim;
  if (step > 0) s = std::clamp<Wide>(s, 0, dim), e = std::clamp<Wide>(e, 0, dim);
  else s = std::clamp<Wide>(s, 0, dim - 1), e = std::clamp<Wide>(e, -1, dim - 1);
  return visit(s, e, step);
}

std::vector<int64_t> resolvedIndices(const SliceAxis& a) {
  std::vector<int64_t> out;
  for (int64_t k = 0; k < a.count; ++k) out.push_back((int64_t)((Wide)a.start + (Wide)a.step * k));
  return out;
}

TEST_CASE("resolveSliceAxis matches ONNX's rules and Python's slice.indices over an int64 grid") {
  int checked = 0, corner = 0;
  for (int64_t dim : {0, 1, 2, 5, 7}) {
    std::vector<int64_t> bounds = {kMin, kMin + 1, -dim - 2, -dim - 1, -dim, -dim + 1, -2, -1, 0, 1,
                                   dim - 1, dim, dim + 1, kMax - 1, kMax};
    std::vector<int64_t> steps = {kMin, kMin + 1, -dim - 1, -3, -2, -1, 1, 2, 3, dim + 1, kMax - 1, kMax};
    for (int64_t start : bounds)
      for (int64_t end : bounds)
        for (int64_t step : steps) {
          if (step == 0) continue;
          CAPTURE(dim);
          CAPTURE(start);
          CAPTURE(end);
          CAPTURE(step);
          SliceAxis a = resolveSliceAxis(dim, start, end, step);
          std::vector<int64_t> got = resolvedIndices(a), onnx = onnxIndices(dim, start, end, step);
          REQUIRE(got == onnx);
          for (int64_t i : got) REQUIRE((i >= 0 && i < dim));
          // The normalization backends rely on: nothing read starts at 0, one element steps by 1.
          if (a.count == 0) REQUIRE((a.start == 0 && a.step == 1));
          if (a.count == 1) REQUIRE(a.step == 1);
          // Python agrees except backward from start < -dim, where it reads nothing and ONNX
          // clamps start to 0 (then reads element 0 when end clamps to -1).
          bool onnxCorner = step < 0 && (Wide)start + dim < 0 && dim > 0;
          if (!onnxCorner) REQUIRE(got == pythonIndices(dim, start, end, step));
          else REQUIRE(pythonIndices(dim, start, end, step).empty());
          corner += onnxCorner && !got.empty();
          ++checked;
        }
  }
  CHECK(checked > 10000);
  CHECK(corner > 0);
}

TEST_CASE("the open-ended slices torch.onnx writes resolve to what PyTorch reads") {
  // x[:, 1:] on a 5-wide axis: ends = INT64_MAX.
  SliceAxis rest = resolveSliceAxis(5, 1, kMax, 1);
  CHECK(rest.start == 1);
  CHECK(rest.count == 4);
  // x[..., -4:]: starts = -4, ends = INT64_MAX.
  SliceAxis tail = resolveSliceAxis(6, -4, kMax, 1);
  CHECK(tail.start == 2);
  CHECK(tail.count == 4);
  // torch.flip: starts = -1, ends = INT64_MIN, steps = -1.
  SliceAxis flip = resolveSliceAxis(6, -1, kMin, -1);
  CHECK(flip.start == 5);
  CHECK(flip.step == -1);
  CHECK(flip.count == 6);
  // Every other element backwards, from the last.
  SliceAxis back2 = resolveSliceAxis(7, kMax, kMin, -2);
  CHECK(back2.start == 6);
  CHECK(back2.count == 4);
}

std::vector<TensorType> sliceTypes(Shape x, AttrMap a) {
  std::vector<TensorType> in{{DType::f32, std::move(x)}};
  auto out = inferTypes(OpKind::Slice, in, a);
  REQUIRE_MESSAGE(out.ok(), (out.ok() ? "" : out.error().message()));
  return *out;
}

AttrMap sliceAttrs(std::vector<int64_t> starts, std::vector<int64_t> ends, std::vector<int64_t> axes = {},
                   std::vector<int64_t> steps = {}) {
  AttrMap a;
  a.set("starts", std::move(starts));
  a.set("ends", std::move(ends));
  if (!axes.empty()) a.set("axes", std::move(axes));
  if (!steps.empty()) a.set("steps", std::move(steps));
  return a;
}

TEST_CASE("slice shape inference with INT64_MAX and INT64_MIN bounds") {
  CHECK(sliceTypes({2, 5, 8}, sliceAttrs({1}, {kMax}, {1}))[0].shape == Shape{2, 4, 8});
  CHECK(sliceTypes({2, 5, 8}, sliceAttrs({-4}, {kMax}, {-1}))[0].shape == Shape{2, 5, 4});
  CHECK(sliceTypes({2, 5, 8}, sliceAttrs({-1, -1}, {kMin, kMin}, {0, 2}, {-1, -1}))[0].shape == Shape{2, 5, 8});
  CHECK(sliceTypes({2, 5, 8}, sliceAttrs({kMax}, {kMin}, {2}, {kMin}))[0].shape == Shape{2, 5, 1});
  CHECK(sliceTypes({2, 5, 8}, sliceAttrs({kMin}, {kMax}, {1}, {kMax}))[0].shape == Shape{2, 1, 8});
  CHECK(sliceTypes({2, 5, 8}, sliceAttrs({kMax}, {kMax}, {1}))[0].shape == Shape{2, 0, 8});
  CHECK(sliceTypes({2, 0, 8}, sliceAttrs({-1}, {kMin}, {1}, {-1}))[0].shape == Shape{2, 0, 8});
}

TEST_CASE("resolveSlice normalizes an empty window to start 0 on every axis") {
  std::vector<TensorType> in{{DType::f32, {3, 5}}};
  AttrMap a = sliceAttrs({2, 4}, {kMax, 4});
  OpCtx c{opInfo(OpKind::Slice), in, a};
  auto w = resolveSlice(in[0].shape, c);
  REQUIRE(w.ok());
  CHECK(w->shape == Shape{1, 0});
  CHECK(w->start == Shape{0, 0});
}

TEST_CASE("reshape inference refuses a target whose element count overflows int64") {
  std::vector<TensorType> in{{DType::f32, {0}}};
  AttrMap a;
  a.set("shape", std::vector<int64_t>{int64_t(1) << 62, 4});  // 2^64 wraps to 0, the operand's count
  auto out = inferTypes(OpKind::Reshape, in, a);
  REQUIRE(!out.ok());
  CHECK(out.error().message().find("more elements than int64 can count") != std::string::npos);
}

}  // namespace
}  // namespace graphc::test
