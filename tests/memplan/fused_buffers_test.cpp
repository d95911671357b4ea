// Memory planning with fusion groups (graphBuffers(g, fusedGroups)): a group is one step at its
// last node, its inner values get no buffer, and its outputs may take a dying input's place.
#include <doctest/doctest.h>

#include "ir/builder.h"
#include "ir/fusion_group.h"
#include "ir/verifier.h"
#include "runtime/memory/memory_plan.h"

using namespace graphc;

TEST_CASE("graphBuffers with fused groups: steps, no inner buffers, in place over a dying input") {
  Graph g;
  Builder b(g);
  TensorType t{DType::f32, {4, 16}};
  AttrMap group = {};
  group.set(std::string(kFusionGroupAttr), int64_t{0});
  ValueId x = b.input("x", t);
  ValueId m = b.create(OpKind::Softmax, {x}, {}, "m");       // 0: a buffer read by the group
  ValueId e = b.create(OpKind::Exp, {m}, group, "e");        // 1: inside
  ValueId n = b.create(OpKind::Neg, {e}, group, "n");        // 2: leaves (read by node 4)
  ValueId r = b.create(OpKind::Relu, {n}, group, "r");       // 3: leaves (graph output)
  ValueId s = b.create(OpKind::Softmax, {n}, {}, "s");       // 4
  b.output("r", r);
  b.output("s", s);
  REQUIRE(verify(g).ok());
  GraphBuffers fused = graphBuffers(g, /*fusedGroups=*/true);
  std::vector<std::string> names;
  for (auto& req : fused.requests) names.push_back(req.name);
  CHECK(names == std::vector<std::string>{"m", "n"});
  // m is read by the group, which runs at step 3 (its last node); n is written there.
  CHECK(fused.requests[0].start == 0);
  CHECK(fused.requests[0].end == 3);
  CHECK(fused.requests[1].start == 3);
  CHECK(fused.requests[1].end == 4);
  CHECK(fused.requests[1].reuse == 0);  // n over m: same type, m dies at the group
  CHECK(validatePlan(fused.requests, planMemory(fused.requests)).ok());
  // Unfused, every node is its own step and e has a buffer too.
  GraphBuffers unfused = graphBuffers(g);
  CHECK(unfused.requests.size() == 3);
  CHECK(unfused.requests[0].end == 1);
}
