// Data-movement ops against NumPy, on several dtypes.
#include <doctest/doctest.h>

#include <limits>

#include "ir/builder.h"
#include "ir/eval/interpreter.h"
#include "tests/ref/cases.h"

using namespace graphc;
using namespace graphc::test;

TEST_CASE("reshape, transpose and expand on f32, i64 and bool") {
  for (const char* dt : {"f32", "i64", "bool"}) {
    checkCase(fmt::format("reshape_{}", dt), OpKind::Reshape, attrs({{"shape", Ints{6, 4}}}));
    checkCase(fmt::format("transpose_{}", dt), OpKind::Transpose, attrs({{"perm", Ints{2, 0, 1}}}));
    checkCase(fmt::format("expand_{}", dt), OpKind::Expand, attrs({{"shape", Ints{5, 2, 3, 4}}}));
  }
}

TEST_CASE("concat") {
  checkCase("concat_axis1_f32", OpKind::Concat, attrs({{"axis", int64_t(1)}}));
  checkCase("concat_axism1_i32", OpKind::Concat, attrs({{"axis", int64_t(-1)}}));
}

TEST_CASE("slice: negative indices, steps, reversal and clamping") {
  checkCase("slice_basic", OpKind::Slice, attrs({{"starts", Ints{1, 0}}, {"ends", Ints{3, 4}}}));
  checkCase("slice_negative", OpKind::Slice, attrs({{"starts", Ints{-4}}, {"ends", Ints{-1}}, {"axes", Ints{1}}}));
  checkCase("slice_step", OpKind::Slice,
            attrs({{"starts", Ints{1}}, {"ends", Ints{100}}, {"axes", Ints{-1}}, {"steps", Ints{2}}}));
  checkCase("slice_reverse", OpKind::Slice,
            attrs({{"starts", Ints{-1, 4}}, {"ends", Ints{-100, 0}}, {"axes", Ints{0, 2}}, {"steps", Ints{-1, -3}}}));
  checkCase("slice_clamp", OpKind::Slice, attrs({{"starts", Ints{2, -100}}, {"ends", Ints{1000, 3}}}));
  checkCase("slice_i64", OpKind::Slice, attrs({{"starts", Ints{3, 1}}, {"ends", Ints{0, 5}}, {"steps", Ints{-2, 1}}}));
}

TEST_CASE("gather with i32 and i64 indices, negative indices included") {
  checkCase("gather_axis0_i64", OpKind::Gather, attrs({{"axis", int64_t(0)}}));
  checkCase("gather_axis1_i32", OpKind::Gather, attrs({{"axis", int64_t(1)}}));
  checkCase("gather_scalar_index", OpKind::Gather, attrs({{"axis", int64_t(-1)}}));
}

namespace {

// A [3, 6] slice with INT64_MIN/INT64_MAX bounds and steps, and the rows and columns it must read
// (written out by hand from ONNX's rules).
struct ExtremeSlice {
  Ints starts, ends, axes, steps, rows, cols;
};
constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
const ExtremeSlice kExtremeSlices[] = {
    {{1}, {kMax}, {0}, {1}, {1, 2}, {0, 1, 2, 3, 4, 5}},                       // x[1:]
    {{-4}, {kMax}, {-1}, {1}, {0, 1, 2}, {2, 3, 4, 5}},                        // x[..., -4:]
    {{-1, -1}, {kMin, kMin}, {0, 1}, {-1, -1}, {2, 1, 0}, {5, 4, 3, 2, 1, 0}},  // flip both
    {{kMax}, {kMin}, {1}, {-2}, {0, 1, 2}, {5, 3, 1}},
    {{kMin}, {kMax}, {1}, {kMax}, {0, 1, 2}, {0}},
    {{kMax}, {kMin}, {1}, {kMin}, {0, 1, 2}, {5}},
    {{-10}, {kMin}, {1}, {-1}, {0, 1, 2}, {0}},  // ONNX clamps a backward start to 0 (Python reads nothing)
    {{kMax}, {kMax}, {0}, {1}, {}, {0, 1, 2, 3, 4, 5}},
    {{kMin}, {kMin}, {1}, {-1}, {0, 1, 2}, {0}},  // the same clamping: start 0, end -1
    {{0}, {0}, {1}, {-1}, {0, 1, 2}, {}},
};

AttrMap extremeAttrs(const ExtremeSlice& s) {
  return attrs({{"starts", s.starts}, {"ends", s.ends}, {"axes", s.axes}, {"steps", s.steps}});
}

}  // namespace

TEST_CASE("slice and slice_grad with INT64_MIN and INT64_MAX bounds and steps") {
  Tensor x(TensorType{DType::i64, {3, 6}});
  for (int64_t i = 0; i < x.numel(); ++i) x.setInt(i, i);  // each element holds its own index
  for (const ExtremeSlice& s : kExtremeSlices) {
    CAPTURE(s.starts[0]);
    CAPTURE(s.steps[0]);
    Graph g;
    Builder b(g);
    b.output("y", b.create(OpKind::Slice, {b.input("x", x.type())}, extremeAttrs(s)));
    auto y = eval::interpret(g, std::span<const Tensor>(&x, 1));
    REQUIRE(y.ok());
    const Tensor& got = y->at(0);
    REQUIRE(got.shape() == Shape{(int64_t)s.rows.size(), (int64_t)s.cols.size()});
    for (size_t r = 0; r < s.rows.size(); ++r)
      for (size_t c = 0; c < s.cols.size(); ++c) CHECK(*got.intAt(r * s.cols.size() + c) == s.rows[r] * 6 + s.cols[c]);

    // slice_grad puts dy back where the slice read it, zeros elsewhere.
    Graph gg;
    Builder bg(gg);
    AttrMap ga = extremeAttrs(s);
    ga.set("input_shape", Ints{3, 6});
    bg.output("dx", bg.create(OpKind::SliceGrad, {bg.input("dy", got.type())}, ga));
    Tensor dy(got.type());
    for (int64_t i = 0; i < dy.numel(); ++i) dy.setInt(i, 100 + i);
    auto dx = eval::interpret(gg, std::span<const Tensor>(&dy, 1));
    REQUIRE(dx.ok());
    Tensor want(x.type());
    for (size_t r = 0; r < s.rows.size(); ++r)
      for (size_t c = 0; c < s.cols.size(); ++c) want.setInt(s.rows[r] * 6 + s.cols[c], 100 + (int64_t)(r * s.cols.size() + c));
    CHECK(dx->at(0).bitEqual(want));
  }
}
