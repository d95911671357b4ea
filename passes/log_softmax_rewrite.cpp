// log(softmax(x)) -> log_softmax(x).
#include "passes/log_softmax_rewrite.h"

namespace graphc {

int rewriteLogSoftmax(Graph& g) {
  int rewrites = 0;
  size_t numNodes = g.nodes.size();
  for (NodeId n = 0; n < numNodes; ++n) {
    if (g.nodes[n].dead || g.nodes[n].op != OpKind::Log) continue;
    const Node* sm = g.producer(g.nodes[n].operands[0]);
    if (!sm || sm->dead || sm->op != OpKind::Softmax) continue;
    NodeId smId = g.value(g.nodes[n].operands[0]).def;
    ValueId x = sm->operands[0], oldResult = g.nodes[n].results[0];
    AttrMap attrs = sm->attrs;
    std::string name = g.value(oldResult).name + ".stable";
    NodeId ls = g.addNode(OpKind::LogSoftmax, {x}, std::move(attrs), {g.type(oldResult)}, {name}, g.nodes[n].loc);
    g.replaceAllUses(oldResult, g.nodes[ls].results[0]);
    g.nodes[n].dead = true;
    if (g.useCounts()[g.nodes[smId].results[0]] == 0) g.nodes[smId].dead = true;
    ++rewrites;
  }
  return rewrites;
}

}  // namespace graphc
