// Element conversion as graphc's cast defines it, shared by every backend so that they agree.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "ir/types.h"

namespace graphc {

// bf16 is the high half of an f32. Rounding to it is to nearest, ties to even (as oneDNN's and
// PyTorch's conversions); a NaN stays a quiet NaN with its sign, and a value above bf16's
// largest finite one rounds to infinity.
inline uint16_t bf16FromFloat(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffff) > 0x7f800000) return uint16_t((bits >> 16) | 0x40);
  return uint16_t((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
}
inline float floatFromBf16(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
// f rounded to the nearest bf16, as an f32.
inline float roundedToBf16(float f) { return floatFromBf16(bf16FromFloat(f)); }

// f16 is IEEE binary16. Rounding to it is to nearest, ties to even (as NumPy's astype and
// F16C's vcvtps2ph); a NaN stays a quiet NaN with its sign and the top of its payload, a value
// from 65520 up (halfway past the largest finite f16, 65504) rounds to infinity, and values
// below 2^-14 round to f16's subnormals.
inline uint16_t f16FromFloat(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint32_t sign = (bits >> 16) & 0x8000, abs = bits & 0x7fffffff;
  if (abs > 0x7f800000) return uint16_t(sign | 0x7e00 | ((abs >> 13) & 0x3ff));
  if (abs >= 0x477ff000) return uint16_t(sign | 0x7c00);
  if (abs >= 0x38800000)  // normal: rebias the exponent, round the 13 dropped mantissa bits
    return uint16_t(sign | ((abs + 0xfff + ((abs >> 13) & 1) - 0x38000000) >> 13));
  if (abs < 0x33000000) return uint16_t(sign);  // at most 2^-25, half the smallest subnormal: ties to 0
  uint32_t mantissa = (abs & 0x7fffff) | 0x800000, shift = 126 - (abs >> 23);  // 14 to 24
  uint32_t kept = mantissa >> shift, rest = mantissa & ((1u << shift) - 1), half = 1u << (shift - 1);
  return uint16_t(sign | (kept + (rest > half || (rest == half && (kept & 1)))));
}
inline float floatFromF16(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24, exact in f32
    float f = (float)mantissa * 0x1p-24f;
    return sign ? -f : f;
  }
  uint32_t bits = sign | (exponent == 0x1f ? 0x7f800000 | (mantissa << 13) : ((exponent + 112) << 23) | (mantissa << 13));
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
// d rounded to an f32 toward zero, with an inexact result's last bit set ("round to odd"):
// rounding that f32 again to f16 (or bf16), whose mantissas are at least 2 bits shorter, gives
// d's own nearest value, where rounding to the nearest f32 first could round a tie twice.
inline float roundedToOddFloat(double d) {
  float f = (float)d;
  if (std::isnan(d) || (double)f == d) return f;
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (std::fabs((double)f) > std::fabs(d)) --bits;  // rounded away from zero: step back toward it
  bits |= 1;
  std::memcpy(&f, &bits, 4);
  return f;
}
inline uint16_t f16FromDouble(double d) { return f16FromFloat(roundedToOddFloat(d)); }

// Float to integer is defined for every input: truncation toward zero, saturation at the
// type's range and NaN to 0 (C++ leaves the out-of-range cases undefined). To bool is x != 0.
// Integer narrowing wraps (C++20), like NumPy's astype.
template <class To, class From>
To convertElement(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    double d = (double)v;
    if (d != d) return 0;
    if (d <= (double)std::numeric_limits<To>::lowest()) return std::numeric_limits<To>::lowest();
    if (d >= (double)std::numeric_limits<To>::max()) return std::numeric_limits<To>::max();
    return (To)d;
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace graphc

namespace graphc {

// n elements of dtype `from` at src converted to dtype `to` at dst, for every pair of dtypes,
// as convertElement defines it; bf16 and f16 convert through f32, rounded once to nearest even
// (the interpreter's and dnnl's cast; llvm emits the same rules).
void castElements(DType from, const void* src, DType to, void* dst, int64_t n);

}  // namespace graphc
