// Memory planner on thousands of random traces, and against brute force on tiny ones.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>

#include "runtime/memory/memory_plan.h"
#include "tests/memplan/traces.h"

using namespace graphc;
using graphc::test::randomTrace;

TEST_CASE("random traces: every plan is valid and between the bound and the no-reuse total") {
  std::mt19937_64 rng(20240611);
  double sum = 0;
  size_t atBound = 0, n = 4000;
  for (size_t it = 0; it < n; ++it) {
    auto rs = randomTrace(rng, 1 + rng() % 40, 2 + int32_t(rng() % 24), rng() % 2 ? 256 : 1 << 20);
    MemoryPlan plan = planMemory(rs);
    Status st = validatePlan(rs, plan);
    CAPTURE(it);
    REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message()));
    REQUIRE(plan.offsets.size() == rs.size());
    REQUIRE(plan.arenaBytes >= plan.lowerBound);
    REQUIRE(plan.arenaBytes <= plan.noReuseBytes);
    REQUIRE(plan.lowerBound == memoryLowerBound(rs));
    sum += plan.efficiency();
    atBound += plan.arenaBytes == plan.lowerBound;
  }
  MESSAGE("random traces: mean efficiency ", sum / double(n), ", ", atBound, "/", n, " at the lower bound");
  CHECK(sum / double(n) > 0.98);
}

TEST_CASE("random traces: moving one buffer onto a live neighbour is caught") {
  std::mt19937_64 rng(7);
  size_t caught = 0;
  for (int it = 0; it < 500; ++it) {
    auto rs = randomTrace(rng, 2 + rng() % 20, 6, 4096);
    for (auto& r : rs) r.reuse = -1;  // so that any overlap is a fault
    MemoryPlan plan = planMemory(rs);
    for (size_t i = 0; i < rs.size(); ++i)
      for (size_t j = 0; j < rs.size(); ++j)
        if (i != j && rs[i].start <= rs[j].end && rs[j].start <= rs[i].end) {
          MemoryPlan broken = plan;
          broken.offsets[i] = plan.offsets[j];
          broken.arenaBytes = std::max(plan.arenaBytes, plan.offsets[j] + (rs[i].bytes + 63) / 64 * 64);
          REQUIRE(!validatePlan(rs, broken).ok());
          ++caught;
          i = j = rs.size();
        }
  }
  CHECK(caught > 300);
}

// Tries every order with lowest-offset placement, which reaches the optimum (place an optimal
// plan's buffers by increasing offset: each lands at or below its optimal offset).
static size_t bruteForce(const std::vector<BufferRequest>& rs) {
  std::vector<size_t> order(rs.size()), off(rs.size());
  std::iota(order.begin(), order.end(), size_t(0));
  size_t best = SIZE_MAX;
  auto sz = [&](size_t i) { return (rs[i].bytes + 63) / 64 * 64; };
  do {
    size_t top = 0;
    for (size_t k = 0; k < order.size(); ++k) {
      size_t i = order[k], pos = 0;
      for (bool moved = true; moved;) {
        moved = false;
        for (size_t q = 0; q < k; ++q) {
          size_t j = order[q];
          bool live = rs[i].start <= rs[j].end && rs[j].start <= rs[i].end;
          if (live && pos < off[j] + sz(j) && off[j] < pos + sz(i)) pos = off[j] + sz(j), moved = true;
        }
      }
      off[i] = pos, top = std::max(top, pos + sz(i));
    }
    best = std::min(best, top);
  } while (std::next_permutation(order.begin(), order.end()));
  return best;
}

TEST_CASE("tiny random traces without in-place: the plan is optimal") {
  std::mt19937_64 rng(99);
  for (int it = 0; it < 300; ++it) {
    auto rs = randomTrace(rng, 1 + rng() % 7, 5, 256);
    for (auto& r : rs) r.reuse = -1;
    CAPTURE(it);
    CHECK(planMemory(rs).arenaBytes == bruteForce(rs));
  }
}
