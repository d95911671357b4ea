// hard_sigmoid and hard_swish against NumPy, NaN and ±inf included.
#include <doctest/doctest.h>

#include "tests/ref/cases.h"

using namespace graphc;
using namespace graphc::test;

TEST_CASE("hard_sigmoid and hard_swish, with NaN and infinities") {
  for (const char* dt : {"f32", "f64"}) {
    checkCase(fmt::format("hard_sigmoid_{}", dt), OpKind::HardSigmoid, attrs({{"alpha", 0.25}, {"beta", 0.4}}));
    checkCase(fmt::format("hard_swish_{}", dt), OpKind::HardSwish);
  }
}
