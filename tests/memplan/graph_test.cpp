// Memory planning on graphs: the buffers graphBuffers derives, and the corpus efficiency target.
#include <doctest/doctest.h>

#include "ir/builder.h"
#include "runtime/memory/memory_plan.h"
#include "tests/memplan/models.h"

using namespace graphc;

TEST_CASE("graphBuffers: intermediates only, live ranges and in-place permissions") {
  Graph g;
  Builder b(g);
  TensorType t{DType::f32, {4, 16}};
  ValueId x = b.input("x", t);
  ValueId a = b.create(OpKind::Exp, {x}, {}, "a");        // 0: reads an input: no reuse
  ValueId r = b.create(OpKind::Relu, {a}, {}, "r");        // 1: a dies here: reuse
  ValueId s = b.create(OpKind::Tanh, {r}, {}, "s");        // 2: r is read again at 3: no reuse
  ValueId m = b.create(OpKind::Add, {r, s}, {}, "m");      // 3: r and s die here: reuse r
  ValueId c = b.create(OpKind::Less, {m, x}, {}, "c");     // 4: bool result: different size
  ValueId o = b.create(OpKind::Neg, {m}, {}, "o");         // 5: graph output
  ValueId u = b.create(OpKind::Sigmoid, {o}, {}, "u");     // 6: unused, reads an output
  (void)c, (void)u;
  b.output("o", o);
  GraphBuffers gb = graphBuffers(g);
  std::vector<std::string> names;
  for (auto& req : gb.requests) names.push_back(req.name);
  CHECK(names == std::vector<std::string>{"a", "r", "s", "m", "c", "u"});
  auto& rq = gb.requests;
  CHECK(rq[0].bytes == 256);
  CHECK(rq[0].start == 0);
  CHECK(rq[0].end == 1);
  CHECK(rq[0].reuse == -1);
  CHECK(rq[1].reuse == 0);
  CHECK(rq[1].end == 3);
  CHECK(rq[2].reuse == -1);
  CHECK(rq[3].reuse == 1);
  CHECK(rq[3].end == 5);
  CHECK(rq[4].bytes == 64);
  CHECK(rq[4].reuse == -1);
  CHECK(rq[4].end == 4);
  CHECK(rq[5].start == 6);
  CHECK(rq[5].end == 6);
  CHECK(rq[5].reuse == -1);
  CHECK(gb.valueOf[3] == m);
  MemoryPlan plan = planMemory(gb.requests);
  CHECK(validatePlan(gb.requests, plan).ok());
  CHECK(plan.offsets[3] == plan.offsets[1]);
  CHECK(plan.offsets[1] == plan.offsets[0]);
}

TEST_CASE("corpus: model-like graphs reach 95% of the lower bound") {
  struct Case {
    std::string name;
    Graph g;
  };
  std::vector<Case> cases;
  for (int64_t batch : {1, 64, 1024}) {
    cases.push_back({"mlp-dense b" + std::to_string(batch), test::mlpDense(batch)});
    cases.push_back({"mlp-matmul b" + std::to_string(batch), test::mlpMatMul(batch)});
  }
  for (int64_t batch : {1, 64}) cases.push_back({"lenet b" + std::to_string(batch), test::lenet(batch)});
  for (int64_t batch : {1, 8}) cases.push_back({"bert-block b" + std::to_string(batch), test::bertBlock(batch)});
  for (int64_t batch : {1, 16}) cases.push_back({"unet-like b" + std::to_string(batch), test::unetLike(batch)});
  for (uint64_t seed = 1; seed <= 12; ++seed)
    cases.push_back({"random-dag " + std::to_string(seed), test::randomDag(seed, 20 + int(seed) * 10)});

  double sum = 0;
  for (Case& c : cases) {
    CAPTURE(c.name);
    GraphBuffers gb = graphBuffers(c.g);
    REQUIRE(!gb.requests.empty());
    MemoryPlan plan = planMemory(gb.requests);
    auto bySize = planMemoryWith("greedy-by-size", gb.requests);
    Status st = validatePlan(gb.requests, plan);
    REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message()));
    MESSAGE(c.name, ": ", gb.requests.size(), " buffers, arena ", plan.arenaBytes, ", bound ", plan.lowerBound,
            ", no reuse ", plan.noReuseBytes, ", efficiency ", plan.efficiency(), ", in place ", plan.inPlace, ", ",
            plan.strategy, " (greedy by size alone: ", bySize->efficiency(), ")");
    CHECK(plan.efficiency() >= 0.95);
    CHECK(plan.arenaBytes <= plan.noReuseBytes);
    sum += plan.efficiency();
  }
  MESSAGE("corpus: mean efficiency ", sum / double(cases.size()), " over ", cases.size(), " graphs");
}

TEST_CASE("graphBuffers: the op table's in-place traits decide which results reuse an operand") {
  Graph g;
  Builder b(g);
  TensorType t{DType::f32, {4, 16}};
  ValueId x = b.input("x", t);
  Tensor ones(TensorType{DType::f32, {16}});
  ValueId a = b.create(OpKind::Exp, {x}, {}, "a");
  ValueId s = b.create(OpKind::Softmax, {a}, {}, "s");                                    // no trait: no reuse
  ValueId n = b.create(OpKind::LayerNorm, {s, b.param("g", ones), b.param("h", ones)}, {}, "n");  // kInPlace
  ValueId d = b.create(OpKind::Sub, {x, n}, {}, "d");  // n is operand 1 of a non-commutative op: no reuse
  ValueId m = b.create(OpKind::Mul, {x, d}, {}, "m");  // d is operand 1 of a commutative op: reuse
  b.output("y", b.create(OpKind::Neg, {m}));
  GraphBuffers gb = graphBuffers(g);
  REQUIRE(gb.requests.size() == 5);
  CHECK(gb.requests[1].reuse == -1);
  CHECK(gb.requests[2].reuse == 1);
  CHECK(gb.requests[3].reuse == -1);
  CHECK(gb.requests[4].reuse == 3);
  for (size_t r = 0; r < gb.requests.size(); ++r) {
    const Node* p = g.producer(gb.valueOf[r]);
    REQUIRE(p);
    if (gb.requests[r].reuse >= 0) CHECK(p->info().has(kInPlace));
  }
}
