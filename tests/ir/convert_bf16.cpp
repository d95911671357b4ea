// castElements between f32 and bf16 runs on loops cloned per ISA (ir/convert.cpp): whichever
// clone this CPU picks must give the bits of the scalar rounding, bf16FromFloat, on every class of
// value (ties both ways, NaN payloads of both signs, infinities, overflow, subnormals) and on
// random bit patterns, at lengths that leave vector tails; widening must be exact for all 65536.
#include <doctest/doctest.h>

#include <bit>
#include <cstring>
#include <random>

#include "ir/convert.h"

using namespace graphc;


TEST_CASE("castElements f32 -> bf16: every element as bf16FromFloat rounds it, at any length") {
  std::vector<float> x;
  for (uint32_t edge : {0x3f808000u, 0x3f818000u, 0x3f807fffu, 0x3f808001u, 0x7f7f7fffu, 0x7f7f8000u, 0x7f800000u, 0xff800000u,
                        0x7fc00001u, 0xffa00000u, 0x7f800001u, 0x00000001u, 0x80008000u, 0x00ff8000u, 0x007fffffu, 0x80000000u})
    x.push_back(std::bit_cast<float>(edge));
  std::mt19937 rng(7);
  while (x.size() < 100003) x.push_back(std::bit_cast<float>((uint32_t)rng()));
  for (size_t n : {size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{33}, x.size()}) {
    CAPTURE(n);
    std::vector<uint16_t> y(n);
    castElements(DType::f32, x.data(), DType::bf16, y.data(), (int64_t)n);
    size_t wrong = 0;
    for (size_t i = 0; i < n; ++i) wrong += y[i] != bf16FromFloat(x[i]);
    CHECK(wrong == 0);
  }
}

TEST_CASE("castElements bf16 -> f32: every bf16 widens to its exact bits") {
  std::vector<uint16_t> x(65536);
  for (uint32_t i = 0; i < 65536; ++i) x[i] = (uint16_t)i;
  std::vector<float> y(x.size());
  castElements(DType::bf16, x.data(), DType::f32, y.data(), (int64_t)x.size());
  size_t wrong = 0;
  for (uint32_t i = 0; i < 65536; ++i) {
    uint32_t bits;
    std::memcpy(&bits, &y[i], 4);
    wrong += bits != i << 16;
  }
  CHECK(wrong == 0);
}
