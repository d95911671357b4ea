// f16 conversion and castElements between every pair of dtypes: against the compiler's own
// _Float16 conversions (an independent round-to-nearest-even), at every f16 and at the edges.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <random>

#include "ir/convert.h"
#include "ir/tensor.h"

using namespace graphc;

namespace {

bool isNanBits(uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff); }

}  // namespace

TEST_CASE("f16: every f16 widens exactly and rounds back to itself, NaN staying NaN") {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    float f = floatFromF16((uint16_t)h);
    _Float16 native;
    std::memcpy(&native, &h, 2);
    if (isNanBits((uint16_t)h)) {
      CHECK(std::isnan(f));
      CHECK(isNanBits(f16FromFloat(f)));
      continue;
    }
    REQUIRE(f == (float)native);
    REQUIRE(std::signbit(f) == bool(h & 0x8000));
    REQUIRE(f16FromFloat(f) == h);
  }
}

TEST_CASE("f16: rounding from f32 and f64 matches _Float16, ties to even, overflow to inf, subnormals") {
  std::vector<double> edges = {65504, 65519.99, 65520, 65536, 1e10, -65520, 0x1p-25, 0x1.8p-25, 0x1p-24, 0x1.8p-24,
                               0x1p-14, 0x1.ff8p-15, 1 + 0x1p-11, 1 + 3 * 0x1p-11, 1 + 0x1p-11 + 0x1p-40, -0.0, 1e-30,
                               INFINITY, -INFINITY, 0.1, 1.0 / 3};
  std::mt19937 rng(5);
  for (int i = 0; i < 200000; ++i) {
    uint32_t b = rng();
    float f;
    std::memcpy(&f, &b, 4);
    if (!std::isnan(f) && std::fabs(f) < 1e6) edges.push_back(f);
    edges.push_back(std::ldexp(std::uniform_real_distribution<double>(-1, 1)(rng), (int)(rng() % 40) - 30));
  }
  for (double d : edges) {
    CAPTURE(d);
    REQUIRE(f16FromDouble(d) == std::bit_cast<uint16_t>((_Float16)d));  // one rounding from f64, no double rounding
    float f = (float)d;
    REQUIRE(f16FromFloat(f) == std::bit_cast<uint16_t>((_Float16)f));
  }
  CHECK(f16FromFloat(65520.0f) == 0x7c00);
  CHECK(f16FromFloat(-1e30f) == 0xfc00);
  CHECK(f16FromDouble(1 + 0x1p-11 + 0x1p-40) == 0x3c01);  // rounded to f32 first, it would tie down to 1
  CHECK(isNanBits(f16FromFloat(NAN)));
  CHECK(f16FromFloat(-0.0f) == 0x8000);
}

TEST_CASE("castElements: integer narrowing wraps, float to integer truncates and saturates, NaN is 0") {
  auto cast = [](const Tensor& t, DType to) {
    Tensor y(TensorType{to, t.shape()});
    castElements(t.dtype(), t.raw(), to, y.raw(), t.numel());
    return y;
  };
  Tensor wide = Tensor::fromVector<int64_t>(DType::i64, {6}, {-129, 128, 255, 256, 65535, -32769});
  CHECK(*cast(wide, DType::i8).ints() == std::vector<int64_t>{127, -128, -1, 0, -1, -1});
  CHECK(*cast(wide, DType::u8).ints() == std::vector<int64_t>{127, 128, 255, 0, 255, 255});
  CHECK(*cast(wide, DType::i16).ints() == std::vector<int64_t>{-129, 128, 255, 256, -1, 32767});
  CHECK(*cast(wide, DType::u16).ints() == std::vector<int64_t>{65407, 128, 255, 256, 65535, 32767});
  Tensor floats = Tensor::fromVector<double>(DType::f32, {7}, {-1.9, 1.9, 300, -300, NAN, 1e10, 70000});
  CHECK(*cast(floats, DType::u8).ints() == std::vector<int64_t>{0, 1, 255, 0, 0, 255, 255});
  CHECK(*cast(floats, DType::i8).ints() == std::vector<int64_t>{-1, 1, 127, -128, 0, 127, 127});
  CHECK(*cast(floats, DType::u16).ints() == std::vector<int64_t>{0, 1, 300, 0, 0, 65535, 65535});
  Tensor h = cast(floats, DType::f16);
  CHECK(h.at(2) == 300);
  CHECK(std::isnan(h.at(4)));
  CHECK(h.at(6) == INFINITY);
  Tensor small = Tensor::fromVector<int64_t>(DType::i8, {3}, {-128, -1, 5});
  CHECK(*cast(small, DType::u16).ints() == std::vector<int64_t>{65408, 65535, 5});  // sign-extended, then wrapped
  CHECK(*cast(cast(small, DType::u8), DType::i64).ints() == std::vector<int64_t>{128, 255, 5});
  CHECK(cast(small, DType::f16).at(0) == -128);
  CHECK(cast(small, DType::bf16).at(1) == -1);
  CHECK(*cast(small, DType::boolean).ints() == std::vector<int64_t>{1, 1, 1});
}

TEST_CASE("Tensor: the storage dtypes' sizes, names, at/set (saturating) and intAt") {
  struct Case { DType t; const char* name; size_t size; double lo, hi; };
  for (Case c : {Case{DType::i8, "i8", 1, -128, 127}, Case{DType::u8, "u8", 1, 0, 255}, Case{DType::i16, "i16", 2, -32768, 32767},
                 Case{DType::u16, "u16", 2, 0, 65535}, Case{DType::f16, "f16", 2, -INFINITY, INFINITY}}) {
    CAPTURE(c.name);
    CHECK(dtypeName(c.t) == c.name);
    CHECK(parseDType(c.name) == c.t);
    CHECK(dtypeSize(c.t) == c.size);
    CHECK(isStorageType(c.t));
    Tensor t(TensorType{c.t, {3}});
    t.set(0, -1e9);
    t.set(1, 1e9);
    t.set(2, 7);
    CHECK(t.at(0) == c.lo);
    CHECK(t.at(1) == c.hi);
    CHECK(*t.intAt(2) == 7);
  }
  CHECK(computeType(DType::f16) == DType::f32);
  CHECK(computeType(DType::u8) == DType::i32);
  CHECK(computeType(DType::i64) == DType::i64);
}
