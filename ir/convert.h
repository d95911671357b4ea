// Element conversion as graphc's cast defines it, shared by every backend so that they agree.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

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
