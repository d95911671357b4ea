// How much compile-time evaluation (constant folding, the ONNX importer's shape folding) may
// materialise: one cap, shared, so that no folding path allocates more than the others.
#pragma once

#include <cstdint>
#include <limits>
#include <span>

#include "ir/types.h"

namespace graphc::eval {

// Larger results stay computations: a folded expand or broadcast could bloat the model file and
// the memory plan by far more than the computation costs at run time, and a small file must not
// make the importer allocate gigabytes.
inline constexpr int64_t kMaxFoldedElements = int64_t{1} << 20;

// The elements of all `results` together, saturating at INT64_MAX: a declared shape may overflow.
inline int64_t foldedElements(std::span<const TensorType> results) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t total = 0;
  for (const TensorType& t : results) {
    int64_t n = 1;
    for (int64_t d : t.shape) n = d != 0 && n > kMax / d ? kMax : n * d;
    total = n > kMax - total ? kMax : total + n;
  }
  return total;
}

inline bool withinFoldLimit(std::span<const TensorType> results) { return foldedElements(results) <= kMaxFoldedElements; }

}  // namespace graphc::eval
