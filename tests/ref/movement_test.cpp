// Data-movement ops against NumPy, on several dtypes.
#include <doctest/doctest.h>

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
