// The rewrite driver: reaches a fixed point, logs firings, and stops when rules never settle.
#include "passes/graph_utils.h"
#include "passes/rewrite.h"
#include "tests/passes/helpers.h"

using namespace graphc;
using namespace graphc::test;

namespace {

// relu(relu(x)) -> relu(x): fires once per pair, so chains shrink to one relu.
bool reluOfRelu(Graph& g, NodeId n, PassContext&) {
  const Node* inner = producerOf(g, g.node(n).operands[0], OpKind::Relu);
  if (!inner) return false;
  replaceNode(g, n, g.node(n).operands[0]);
  return true;
}

// Never settles: swaps neg for a new neg forever.
bool churn(Graph& g, NodeId n, PassContext&) {
  return replaceWithNewNode(g, n, OpKind::Neg, g.node(n).operands, {});
}

}  // namespace

TEST_CASE("the driver runs rules to a fixed point and logs each firing") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({3}));
  ValueId v = x;
  for (int i = 0; i < 5; ++i) v = b.create(OpKind::Relu, {v}, {}, "r");
  b.output("y", v);
  std::ostringstream log;
  PassContext ctx{true, &log, "test"};
  const Pattern patterns[] = {{"relu-of-relu", OpKind::Relu, reluOfRelu}};
  auto stats = applyPatterns(g, patterns, ctx);
  REQUIRE(stats.ok());
  CHECK(stats->converged);
  CHECK(stats->rewrites == 4);
  CHECK(countOps(g, OpKind::Relu) == 1);
  CHECK(g.nodes.size() == 1);  // orphans dropped and the graph finalized
  CHECK(verify(g).ok());
  CHECK(log.str().find("rewrite: relu-of-relu fired on %r.1\n") != std::string::npos);
}

TEST_CASE("the driver stops after maxSweeps when rules never settle") {
  Graph g;
  Builder b(g);
  b.output("y", b.create(OpKind::Neg, {b.input("x", f32({3}))}, {}, "y"));
  std::ostringstream log;
  PassContext ctx{false, &log, "test"};
  const Pattern patterns[] = {{"churn", OpKind::Neg, churn}};
  auto stats = applyPatterns(g, patterns, ctx, 5);
  REQUIRE(stats.ok());
  CHECK(!stats->converged);
  CHECK(stats->sweeps == 5);
  CHECK(stats->rewrites == 5);
  CHECK(verify(g).ok());
  CHECK(g.value(g.outputs[0].value).name == "y");  // the new node took over the name
  CHECK(log.str().find("no fixed point after 5 sweeps") != std::string::npos);
}
