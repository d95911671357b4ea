// The math ops (sin ... atanh, floor, ceil, round, sign) against NumPy, with NaN, ±inf, ±0 and halves.
#include <doctest/doctest.h>

#include "tests/ref/cases.h"

using namespace graphc;
using namespace graphc::test;

TEST_CASE("trigonometric, hyperbolic and rounding ops, f32 and f64, with NaN and infinities") {
  const OpKind ops[] = {OpKind::Sin,   OpKind::Cos,   OpKind::Tan,   OpKind::Asin,  OpKind::Acos,
                        OpKind::Atan,  OpKind::Sinh,  OpKind::Cosh,  OpKind::Asinh, OpKind::Acosh,
                        OpKind::Atanh, OpKind::Floor, OpKind::Ceil,  OpKind::Round, OpKind::Sign};
  for (const char* dt : {"f32", "f64"})
    for (OpKind op : ops) checkCase(fmt::format("{}_{}", opName(op), dt), op);
}

TEST_CASE("sign of integers, the extremes included") {
  for (const char* dt : {"i32", "i64"}) checkCase(fmt::format("sign_{}", dt), OpKind::Sign);
}
