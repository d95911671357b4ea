// Helpers for the memory planner tests: compact buffer requests and random traces.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "runtime/memory/memory_plan.h"

namespace graphc::test {

inline BufferRequest buf(size_t bytes, int32_t start, int32_t end, int32_t reuse = -1) {
  BufferRequest r;
  r.bytes = bytes, r.start = start, r.end = end, r.reuse = reuse;
  return r;
}

// Names requests b0, b1, ... so that validator messages can be checked.
inline std::vector<BufferRequest> named(std::vector<BufferRequest> rs) {
  for (size_t i = 0; i < rs.size(); ++i) rs[i].name = "b" + std::to_string(i);
  return rs;
}

// A random trace of n buffers over `steps` steps, sizes from 1 byte to maxBytes, with about one
// buffer in four asking to reuse a buffer that dies where it is born.
inline std::vector<BufferRequest> randomTrace(std::mt19937_64& rng, size_t n, int32_t steps, size_t maxBytes) {
  std::vector<BufferRequest> rs;
  for (size_t i = 0; i < n; ++i) {
    int32_t s = int32_t(rng() % uint64_t(steps));
    int32_t len = rng() % 3 == 0 ? int32_t(rng() % uint64_t(steps)) : int32_t(rng() % 4);
    BufferRequest r = buf(1 + rng() % maxBytes, s, std::min(steps - 1, s + len));
    if (rng() % 4 == 0) {
      for (size_t j = 0; j < rs.size(); ++j)
        if (rs[j].end == s && rng() % 2) {
          r.reuse = int32_t(j);
          if (rng() % 2) r.bytes = rs[j].bytes;  // usually the same size, as in a graph
          break;
        }
    }
    rs.push_back(r);
  }
  return named(std::move(rs));
}

}  // namespace graphc::test
