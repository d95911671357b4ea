// Dead-code elimination: remove nodes whose results nothing uses, transitively.
//
// Liveness flows backwards from the graph outputs and update values (and from stateful nodes, which matter for
// what they write, not for what they return). Unused constants then disappear in finalize();
// unused inputs stay, because they are part of the graph's calling convention.
#include "passes/graph_utils.h"
#include "passes/pass.h"

namespace graphc {

size_t markDeadNodes(Graph& g) {
  std::vector<bool> liveNode(g.nodes.size(), false);
  std::vector<ValueId> work;
  for (const Output& o : g.outputs) work.push_back(o.value);
  for (const Update& u : g.updates) work.push_back(u.value);  // a training step's new weights
  for (NodeId n = 0; n < g.nodes.size(); ++n)
    if (!g.nodes[n].dead && hasSideEffects(g.nodes[n].info())) {
      liveNode[n] = true;
      work.insert(work.end(), g.nodes[n].operands.begin(), g.nodes[n].operands.end());
    }
  while (!work.empty()) {
    NodeId n = g.value(work.back()).def;
    work.pop_back();
    if (n == kNoNode || liveNode[n] || g.nodes[n].dead) continue;
    liveNode[n] = true;
    work.insert(work.end(), g.nodes[n].operands.begin(), g.nodes[n].operands.end());
  }
  size_t removed = 0;
  for (NodeId n = 0; n < g.nodes.size(); ++n)
    if (!g.nodes[n].dead && !liveNode[n]) g.nodes[n].dead = true, ++removed;
  return removed;
}

Status runDCE(Graph& g, PassContext& ctx) {
  markDeadNodes(g);
  return g.finalize();
}

}  // namespace graphc
