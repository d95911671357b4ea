// Tensor storage helpers: the transpose importers use for W^T, allocation without a zero fill,
// and the exact integer accessors (intAt, ints, setInt) that shape operands are read through.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "ir/convert.h"
#include "ir/tensor.h"

namespace graphc::test {
namespace {

template <class Word>
void checkTranspose(DType dtype, int64_t rows, int64_t cols) {
  Tensor t = Tensor::uninitialized(TensorType{dtype, {rows, cols}});
  for (int64_t i = 0; i < rows * cols; ++i) t.data<Word>()[i] = Word(i * 7 + 3);
  Tensor u = t.transposed2d();
  REQUIRE(u.shape() == Shape{cols, rows});
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) REQUIRE(u.data<Word>()[c * rows + r] == t.data<Word>()[r * cols + c]);
}

TEST_CASE("transposed2d moves every element, at tile edges and for each element size") {
  for (auto [rows, cols] : {std::pair<int64_t, int64_t>{1, 1}, {1, 40}, {40, 1}, {16, 16}, {17, 33}, {512, 10}, {37, 512}}) {
    CAPTURE(rows);
    CAPTURE(cols);
    checkTranspose<uint8_t>(DType::boolean, rows, cols);
    checkTranspose<uint32_t>(DType::f32, rows, cols);
    checkTranspose<uint64_t>(DType::i64, rows, cols);
  }
}

TEST_CASE("a zero-filled tensor stays zero-filled; an uninitialized one has the asked type") {
  Tensor z(TensorType{DType::f32, {3, 5}});
  for (int64_t i = 0; i < z.numel(); ++i) CHECK(z.at(i) == 0.0);
  Tensor u = Tensor::uninitialized(TensorType{DType::f32, {3, 5}});
  CHECK(u.type() == z.type());
  CHECK(!u.empty());
}

constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();

TEST_CASE("intAt reads i64, i32 and bool exactly, INT64_MAX and 2^53 + 1 included") {
  Tensor t = Tensor::fromVector(DType::i64, {5}, std::vector<int64_t>{kMax, kMin, (int64_t(1) << 53) + 1, -1, 0});
  auto v = t.ints();
  REQUIRE(v.ok());
  CHECK(*v == std::vector<int64_t>{kMax, kMin, (int64_t(1) << 53) + 1, -1, 0});
  CHECK(t.data<int64_t>()[0] == kMax);  // fromVector stored it exactly (not through double)
  Tensor i32 = Tensor::fromVector(DType::i32, {2}, std::vector<int32_t>{std::numeric_limits<int32_t>::min(), 7});
  CHECK(*i32.intAt(0) == std::numeric_limits<int32_t>::min());
  CHECK(*i32.intAt(1) == 7);
  Tensor b = Tensor::fromVector(DType::boolean, {2}, std::vector<int>{0, 5});
  CHECK(*b.ints() == std::vector<int64_t>{0, 1});
}

TEST_CASE("intAt takes a float only when it holds an int64 exactly, and says why otherwise") {
  Tensor f = Tensor::fromVector(DType::f64, {7}, std::vector<double>{3.0, -0x1p63, 2.5, NAN, INFINITY, 0x1p63, -1e300});
  CHECK(*f.intAt(0) == 3);
  CHECK(*f.intAt(1) == kMin);
  auto half = f.intAt(2);
  REQUIRE(!half.ok());
  CHECK(half.error().message() == "element 2 (2.5) is not an integer");
  CHECK(!f.intAt(3).ok());
  CHECK(!f.intAt(4).ok());
  auto big = f.intAt(5);
  REQUIRE(!big.ok());
  CHECK(big.error().message().find("outside the range of int64") != std::string::npos);
  CHECK(!f.intAt(6).ok());
  CHECK(!f.ints().ok());
  Tensor f32 = Tensor::fromVector(DType::f32, {1}, std::vector<float>{-7.0f});
  CHECK(*f32.intAt(0) == -7);
}

TEST_CASE("set saturates a double outside an integer dtype instead of wrapping, and NaN is 0") {
  Tensor t(TensorType{DType::i64, {4}});
  t.set(0, 1e30), t.set(1, -1e30), t.set(2, NAN), t.set(3, 0x1p63);
  CHECK(*t.ints() == std::vector<int64_t>{kMax, kMin, 0, kMax});
  Tensor i32(TensorType{DType::i32, {3}});
  i32.set(0, 1e10), i32.set(1, -1e10);
  i32.setInt(2, kMin);
  CHECK(*i32.ints() == std::vector<int64_t>{std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(),
                                            std::numeric_limits<int32_t>::min()});
}

TEST_CASE("setInt stores integers exactly and converts for float and bool elements") {
  Tensor t(TensorType{DType::i64, {2}});
  t.setInt(0, kMax - 1), t.setInt(1, kMin + 1);
  CHECK(t.data<int64_t>()[0] == kMax - 1);
  CHECK(t.data<int64_t>()[1] == kMin + 1);
  Tensor f(TensorType{DType::f32, {1}});
  f.setInt(0, -3);
  CHECK(f.data<float>()[0] == -3.0f);
  Tensor b(TensorType{DType::boolean, {2}});
  b.setInt(0, kMin), b.setInt(1, 0);
  CHECK(b.data<bool>()[0]);
  CHECK(!b.data<bool>()[1]);
}

// The bits every backend's bf16 must produce (ir/convert.h, and the llvm backend's own code for
// it, which the conformance cases hold to the interpreter's).
TEST_CASE("bf16 rounds to nearest, ties to even, keeps NaN a quiet NaN and overflows to infinity") {
  auto bits = [](uint32_t b) {
    float f;
    std::memcpy(&f, &b, 4);
    return f;
  };
  struct Case {
    uint32_t in;
    uint16_t out;
  };
  for (Case c : {Case{0x3f800000, 0x3f80}, Case{0x3f808000, 0x3f80},  // a tie, to the even 0x3f80
                 Case{0x3f818000, 0x3f82},                             // a tie, to the even 0x3f82
                 Case{0x3f808001, 0x3f81}, Case{0x3f807fff, 0x3f80}, Case{0xbf808001, 0xbf81},
                 Case{0x7f7f7fff, 0x7f7f},                             // the largest finite bf16
                 Case{0x7f7f8000, 0x7f80},                             // rounds past it: infinity
                 Case{0x7f800000, 0x7f80}, Case{0xff800000, 0xff80}, Case{0x80000000, 0x8000},
                 Case{0x00000001, 0x0000},                             // the smallest subnormal
                 Case{0x7fc00000, 0x7fc0}, Case{0xffc00001, 0xffc0},   // NaN keeps its sign
                 Case{0x7f800001, 0x7fc0}}) {                          // a signalling NaN turns quiet
    CAPTURE(c.in);
    CHECK(bf16FromFloat(bits(c.in)) == c.out);
  }
  CHECK(floatFromBf16(0x3f82) == bits(0x3f820000));
  Tensor t(TensorType{DType::bf16, {2}});
  t.set(0, 1.00390625), t.set(1, -0.1);
  CHECK(t.at(0) == 1.0);
  CHECK(t.at(1) == (double)bits(0xbdcd0000));
  CHECK(widenBf16(t).data<float>()[1] == bits(0xbdcd0000));
}

}  // namespace
}  // namespace graphc::test
