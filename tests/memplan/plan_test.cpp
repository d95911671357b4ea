// Memory planner on hand-made liveness traces whose optimum is known.
#include <doctest/doctest.h>

#include "passes/memory_plan.h"
#include "tests/memplan/traces.h"

using namespace graphc;
using graphc::test::buf;
using graphc::test::named;

namespace {

MemoryPlan checked(const std::vector<BufferRequest>& rs) {
  MemoryPlan plan = planMemory(rs);
  Status st = validatePlan(rs, plan);
  CHECK_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message()));
  CHECK(plan.arenaBytes >= plan.lowerBound);
  CHECK(plan.arenaBytes <= plan.noReuseBytes);
  return plan;
}

}  // namespace

TEST_CASE("an empty trace needs no arena") {
  MemoryPlan plan = checked({});
  CHECK(plan.arenaBytes == 0);
  CHECK(plan.efficiency() == 1.0);
}

TEST_CASE("disjoint lifetimes share one slot the size of the largest") {
  auto rs = named({buf(100, 0, 0), buf(640, 1, 1), buf(64, 2, 3), buf(300, 4, 4)});
  MemoryPlan plan = checked(rs);
  CHECK(plan.arenaBytes == 640);
  CHECK(plan.lowerBound == 640);
  CHECK(plan.noReuseBytes == 128 + 640 + 64 + 320);
}

TEST_CASE("lifetimes that all overlap need the sum, each size aligned to 64") {
  auto rs = named({buf(1, 0, 5), buf(65, 1, 4), buf(128, 2, 3), buf(64, 3, 3)});
  MemoryPlan plan = checked(rs);
  CHECK(plan.arenaBytes == 64 + 128 + 128 + 64);
  CHECK(plan.lowerBound == plan.arenaBytes);
  for (size_t off : plan.offsets) CHECK(off % 64 == 0);
}

TEST_CASE("a chain of producer/consumer pairs needs two slots") {
  std::vector<BufferRequest> rs;
  for (int i = 0; i < 10; ++i) rs.push_back(buf(size_t(1024 * (1 + i % 3)), i, i + 1));
  MemoryPlan plan = checked(rs);
  CHECK(plan.arenaBytes == plan.lowerBound);
  CHECK(plan.lowerBound == 3072 + 2048);
}
