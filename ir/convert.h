// Element conversion as graphc's cast defines it, shared by every backend so that they agree.
#pragma once

#include <limits>
#include <type_traits>

namespace graphc {

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
