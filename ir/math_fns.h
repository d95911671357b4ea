// The scalar functions of the math ops (sin ... sign), shared by the interpreter and the dnnl
// backend's own kernels so that both compute the same values: NumPy's, NaN and ±inf included.
#pragma once

#include <cmath>
#include <type_traits>

#include "ir/op.h"

namespace graphc {

// NumPy's sign: -1, 0 or 1, and NaN for NaN (sign(-0.0) is 0).
template <class T>
T signOf(T v) {
  if constexpr (std::is_floating_point_v<T>) return v > T(0) ? T(1) : v < T(0) ? T(-1) : v == T(0) ? T(0) : v;
  else return T(v > T(0)) - T(v < T(0));
}

// Calls apply(f) with the scalar function f of `op` on T and returns true; returns false when
// op is not a math op or takes no T (only sign takes integers).
template <class T, class Apply>
bool withMathFn(OpKind op, Apply&& apply) {
  if constexpr (std::is_floating_point_v<T>) {
    switch (op) {
      case OpKind::Sin: apply([](T v) { return std::sin(v); }); return true;
      case OpKind::Cos: apply([](T v) { return std::cos(v); }); return true;
      case OpKind::Tan: apply([](T v) { return std::tan(v); }); return true;
      case OpKind::Asin: apply([](T v) { return std::asin(v); }); return true;
      case OpKind::Acos: apply([](T v) { return std::acos(v); }); return true;
      case OpKind::Atan: apply([](T v) { return std::atan(v); }); return true;
      case OpKind::Sinh: apply([](T v) { return std::sinh(v); }); return true;
      case OpKind::Cosh: apply([](T v) { return std::cosh(v); }); return true;
      case OpKind::Asinh: apply([](T v) { return std::asinh(v); }); return true;
      case OpKind::Acosh: apply([](T v) { return std::acosh(v); }); return true;
      case OpKind::Atanh: apply([](T v) { return std::atanh(v); }); return true;
      case OpKind::Floor: apply([](T v) { return std::floor(v); }); return true;
      case OpKind::Ceil: apply([](T v) { return std::ceil(v); }); return true;
      // nearbyint rounds halves to even in the default rounding mode, which graphc never changes.
      case OpKind::Round: apply([](T v) { return std::nearbyint(v); }); return true;
      default: break;
    }
  }
  if constexpr (!std::is_same_v<T, bool>)
    if (op == OpKind::Sign) return apply([](T v) { return signOf(v); }), true;
  return false;
}

// Whether withMathFn has a function of op on T.
template <class T>
bool hasMathFn(OpKind op) {
  return withMathFn<T>(op, [](auto) {});
}

}  // namespace graphc
