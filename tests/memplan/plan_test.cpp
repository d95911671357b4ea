// Memory planner on hand-made liveness traces whose optimum is known.
#include <doctest/doctest.h>

#include "runtime/memory/memory_plan.h"
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

// Greedy by size puts the two 256-byte buffers at offset 0; the 192-byte one then sits on top of
// the later one and the 128-byte one has to go above everything (576). Placing in schedule
// order packs it into 448, the bound.
TEST_CASE("a trace where greedy by size is not optimal but another strategy is") {
  auto rs = named({buf(128, 0, 1), buf(192, 1, 3), buf(256, 3, 4), buf(256, 0, 0)});
  auto bySize = planMemoryWith("greedy-by-size", rs);
  REQUIRE(bySize.ok());
  CHECK(bySize->arenaBytes == 576);
  auto byStart = planMemoryWith("first-fit-by-start", rs);
  REQUIRE(byStart.ok());
  CHECK(byStart->arenaBytes == 448);
  MemoryPlan plan = checked(rs);
  CHECK(plan.arenaBytes == 448);
  CHECK(plan.lowerBound == 448);
}

TEST_CASE("every strategy alone gives a valid plan, and unknown names are errors") {
  auto rs = named({buf(192, 1, 3), buf(192, 1, 2), buf(64, 1, 1), buf(256, 4, 5), buf(192, 2, 4)});
  for (std::string_view s : memoryPlanStrategies()) {
    CAPTURE(s);
    auto plan = planMemoryWith(s, rs);
    REQUIRE(plan.ok());
    CHECK(validatePlan(rs, *plan).ok());
    CHECK(plan->arenaBytes >= plan->lowerBound);
  }
  CHECK(planMemory(rs).arenaBytes == 576);  // greedy by size alone needs 640
  auto bad = planMemoryWith("tetris", rs);
  REQUIRE(!bad.ok());
  CHECK(bad.error().message().find("tetris") != std::string::npos);
}

TEST_CASE("in-place reuse is honoured: an elementwise chain stays in one slot") {
  // d lives throughout; a -> b -> c each overwrite their input as it dies.
  auto rs = named({buf(1024, 0, 1), buf(1024, 1, 2, 0), buf(1024, 2, 3, 1), buf(1024, 0, 3)});
  MemoryPlan plan = checked(rs);
  CHECK(plan.lowerBound == 2048);  // without in-place it would be 3072 at steps 1 and 2
  CHECK(plan.arenaBytes == 2048);
  CHECK(plan.inPlace == 2);
  CHECK(plan.offsets[0] == plan.offsets[1]);
  CHECK(plan.offsets[1] == plan.offsets[2]);
  CHECK(memoryLowerBound(rs) == 2048);
}

TEST_CASE("a reuse whose target outlives the new buffer's birth is ignored") {
  auto rs = named({buf(1024, 0, 2), buf(1024, 1, 2, 0)});
  MemoryPlan plan = checked(rs);
  CHECK(plan.arenaBytes == 2048);
  CHECK(plan.inPlace == 0);
  MemoryPlan forced = plan;
  forced.offsets = {0, 0};
  CHECK(!validatePlan(rs, forced).ok());
}

TEST_CASE("two buffers cannot both take the place of one") {
  auto rs = named({buf(512, 0, 1), buf(512, 1, 2, 0), buf(512, 1, 2, 0)});
  MemoryPlan plan = checked(rs);
  CHECK(plan.arenaBytes == 1024);
  CHECK(plan.inPlace == 1);
}

TEST_CASE("the validator catches broken plans and names the buffers and the step") {
  auto rs = named({buf(100, 0, 2), buf(100, 1, 3), buf(100, 3, 4, 1), buf(64, 5, 5)});
  MemoryPlan plan = checked(rs);
  REQUIRE(validatePlan(rs, plan).ok());

  MemoryPlan overlap = plan;
  overlap.offsets[1] = overlap.offsets[0];
  Status st = validatePlan(rs, overlap);
  REQUIRE(!st.ok());
  CHECK(st.error().message().find("'b0'") != std::string::npos);
  CHECK(st.error().message().find("'b1'") != std::string::npos);
  CHECK(st.error().message().find("step 1") != std::string::npos);

  MemoryPlan partial = plan;  // in place means exactly in place, not half over it
  partial.offsets[2] = partial.offsets[1] + 64;
  partial.arenaBytes += 64;
  CHECK(!validatePlan(rs, partial).ok());

  MemoryPlan misaligned = plan;
  misaligned.offsets[3] = 32;
  st = validatePlan(rs, misaligned);
  REQUIRE(!st.ok());
  CHECK(st.error().message().find("aligned") != std::string::npos);

  MemoryPlan outside = plan;
  outside.offsets[3] = plan.arenaBytes;
  st = validatePlan(rs, outside);
  REQUIRE(!st.ok());
  CHECK(st.error().message().find("outside") != std::string::npos);

  MemoryPlan missing = plan;
  missing.offsets.pop_back();
  CHECK(!validatePlan(rs, missing).ok());
}

TEST_CASE("other alignments") {
  auto rs = named({buf(10, 0, 1), buf(10, 1, 2), buf(10, 0, 2)});
  for (size_t a : {size_t(1), size_t(16), size_t(4096)}) {
    CAPTURE(a);
    MemoryPlan plan = planMemory(rs, a);
    CHECK(validatePlan(rs, plan, a).ok());
    CHECK(plan.arenaBytes == 3 * ((10 + a - 1) / a * a));
  }
}
