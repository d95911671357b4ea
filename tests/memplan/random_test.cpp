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

// The bound as it was first written: at each start time, the live buffers, with the reuse
// links made there grouping buffers that count once, as their largest. Quadratic; the planner
// now sweeps events instead, and must agree with this everywhere.
static size_t bruteForceBound(std::span<const BufferRequest> rs) {
  size_t peak = 0;
  for (const BufferRequest& at : rs) {
    int32_t t = at.start;
    std::vector<size_t> live, group(rs.size());
    for (size_t i = 0; i < rs.size(); ++i)
      if (rs[i].start <= t && t <= rs[i].end) live.push_back(i);
    std::iota(group.begin(), group.end(), size_t{0});
    auto root = [&](size_t x) { while (group[x] != x) x = group[x]; return x; };
    for (size_t b : live) {
      int32_t r = rs[b].reuse;
      if (r < 0 || size_t(r) == b || rs[size_t(r)].end != rs[b].start || rs[b].start != t) continue;
      group[root(b)] = root(size_t(r));
    }
    std::vector<size_t> largest(rs.size(), 0);
    for (size_t i : live) largest[root(i)] = std::max(largest[root(i)], (rs[i].bytes + 63) / 64 * 64);
    peak = std::max(peak, std::accumulate(largest.begin(), largest.end(), size_t{0}));
  }
  return peak;
}

TEST_CASE("random traces: the lower bound's event sweep agrees with the quadratic definition") {
  std::mt19937_64 rng(99);
  for (int it = 0; it < 3000; ++it) {
    auto rs = randomTrace(rng, 1 + rng() % 60, 2 + int32_t(rng() % 30), rng() % 2 ? 256 : 1 << 16);
    CAPTURE(it);
    REQUIRE(memoryLowerBound(rs) == bruteForceBound(rs));
  }
}

// Every pair, as the validator first did it: the oracle for its sweep.
static bool bruteForceValid(std::span<const BufferRequest> rs, const MemoryPlan& plan) {
  auto sz = [&](size_t i) { return (rs[i].bytes + 63) / 64 * 64; };
  for (size_t i = 0; i < rs.size(); ++i)
    for (size_t j = i + 1; j < rs.size(); ++j) {
      size_t a = plan.offsets[i], b = plan.offsets[j];
      bool time = rs[i].start <= rs[j].end && rs[j].start <= rs[i].end;
      bool space = sz(i) && sz(j) && a < b + sz(j) && b < a + sz(i);
      auto permits = [&](size_t x, size_t y) {
        return rs[x].reuse == int32_t(y) && rs[y].end == rs[x].start;
      };
      if (time && space && !(a == b && (permits(i, j) || permits(j, i)))) return false;
    }
  return true;
}

TEST_CASE("random plans: the validator's sweep agrees with checking every pair") {
  std::mt19937_64 rng(5);
  size_t invalid = 0;
  for (int it = 0; it < 3000; ++it) {
    auto rs = randomTrace(rng, 1 + rng() % 30, 2 + int32_t(rng() % 12), 4096);
    MemoryPlan plan = planMemory(rs);
    for (size_t k = 0; k < rs.size() && rng() % 2; ++k) plan.offsets[rng() % rs.size()] = 64 * (rng() % 8);
    plan.arenaBytes = SIZE_MAX / 2;  // only overlaps can make it invalid
    CAPTURE(it);
    bool valid = validatePlan(rs, plan).ok();
    REQUIRE(valid == bruteForceValid(rs, plan));
    invalid += !valid;
  }
  MESSAGE(invalid, " of 3000 spoilt plans invalid");
  CHECK(invalid > 300);
}

TEST_CASE("random traces: the sweep planner for wide graphs gives valid plans, honouring in-place reuse where it can") {
  std::mt19937_64 rng(11);
  size_t inPlace = 0;
  for (int it = 0; it < 2000; ++it) {
    auto rs = randomTrace(rng, 1 + rng() % 60, 2 + int32_t(rng() % 24), rng() % 2 ? 256 : 1 << 20);
    auto plan = planMemoryWith("sweep", rs);
    REQUIRE(plan.ok());
    CAPTURE(it);
    Status st = validatePlan(rs, *plan);
    REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message()));
    REQUIRE(plan->arenaBytes >= plan->lowerBound);
    inPlace += plan->inPlace;
  }
  CHECK(inPlace > 0);
}

TEST_CASE("a trace 20,000 buffers wide is planned by the sweep (no conflict lists), within 2x of its bound") {
  std::vector<BufferRequest> rs;
  for (int32_t i = 0; i < 20000; ++i) rs.push_back(graphc::test::buf(64 * (1 + i % 7), i, 20000 + i));
  MemoryPlan plan = planMemory(rs);
  CHECK(plan.strategy == "sweep (wide graph)");
  REQUIRE(validatePlan(rs, plan).ok());
  CHECK(plan.arenaBytes <= 2 * plan.lowerBound);
}
