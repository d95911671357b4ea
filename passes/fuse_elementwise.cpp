// Elementwise grouping: connected elementwise ops of one output shape become a fusion group
// (ir/fusion_group.h) that a code-generating backend runs as one loop nest, so that the values
// inside a group never reach memory. The llvm backend runs this pass; ref and dnnl do not.
//
// The rule: walking the nodes backwards, an elementwise node joins the group of its users when
// every use of its result is a member of that one group, and its result has the group's shape
// (it is neither broadcast in the group nor a graph output). A value used outside its group
// therefore starts a group of its own and stays materialized, and every group has a single
// exit, its last node (the root): what leaves a group leaves through the root and cannot come
// back in, so the groups are convex, and moving each group's members next to its root keeps the
// order topological. Groups of one node stay plain nodes.
#include <algorithm>

#include "ir/fusion_group.h"
#include "passes/pass.h"

namespace graphc {
namespace {

bool fusible(const Graph& g, const Node& n) {
  if (n.dead || !n.info().has(kElementwise) || n.results.size() != 1) return false;
  for (ValueId v : n.operands)
    if (isStorageType(g.type(v).dtype)) return false;
  return !isStorageType(g.type(n.results[0]).dtype);
}

// The loop nest refuses integer zero divisors before it runs, which it can only do for a
// divisor that is in memory: an integer division's divisor stays outside its group.
bool isIntegerDivisor(const Graph& g, const Node& user, ValueId v) {
  return user.op == OpKind::Div && user.operands[1] == v && !isFloat(g.type(v).dtype);
}

}  // namespace

Status runFuseElementwise(Graph& g, PassContext&) {
  for (Node& n : g.nodes) n.attrs.erase(kFusionGroupAttr);  // regroup from scratch
  std::vector<std::vector<NodeId>> users = g.users();
  std::vector<char> usedOutside(g.values.size(), 0);
  for (const Output& o : g.outputs) usedOutside[o.value] = 1;
  for (const Update& u : g.updates) usedOutside[u.value] = usedOutside[u.target] = 1;

  // rootOf[n]: the last node of n's group (n itself for a root); kNoNode outside any group.
  std::vector<NodeId> rootOf(g.nodes.size(), kNoNode);
  for (NodeId n = (NodeId)g.nodes.size(); n-- > 0;) {
    const Node& node = g.nodes[n];
    if (!fusible(g, node)) continue;
    ValueId r = node.results[0];
    rootOf[n] = n;
    if (usedOutside[r] || users[r].empty()) continue;
    NodeId root = rootOf[users[r].front()];
    bool joins = root != kNoNode && g.type(r).shape == g.type(g.nodes[root].results[0]).shape;
    for (NodeId u : users[r]) joins = joins && rootOf[u] == root && !isIntegerDivisor(g, g.nodes[u], r);
    if (joins) rootOf[n] = root;
  }

  std::vector<std::vector<NodeId>> members(g.nodes.size());
  for (NodeId n = 0; n < g.nodes.size(); ++n)
    if (rootOf[n] != kNoNode) members[rootOf[n]].push_back(n);  // in node order, the root last
  // Each group's members move to just before its root: their users are all in the group, and
  // what they read from outside is defined before them already.
  std::vector<Node> ordered;
  ordered.reserve(g.nodes.size());
  int64_t nextId = 0;
  for (NodeId n = 0; n < g.nodes.size(); ++n) {
    if (rootOf[n] != kNoNode && rootOf[n] != n) continue;
    if (rootOf[n] == n && members[n].size() > 1) {
      int64_t id = nextId++;
      for (NodeId m : members[n]) {
        g.nodes[m].attrs.set(std::string(kFusionGroupAttr), id);
        ordered.push_back(std::move(g.nodes[m]));
      }
      continue;
    }
    ordered.push_back(std::move(g.nodes[n]));
  }
  g.nodes = std::move(ordered);
  return g.finalize();
}

}  // namespace graphc
