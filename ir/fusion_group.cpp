// Fusion groups: reading them off the graph and the verifier's rules for them.
#include "ir/fusion_group.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "ir/verifier.h"

namespace graphc {
namespace {

// The live members of each group id, in node order, and each node's group id (-1: none), so
// that a membership test costs nothing however many groups there are.
struct Membership {
  std::map<int64_t, std::vector<NodeId>> byId;
  std::vector<int64_t> idOf;
  bool in(NodeId n, int64_t id) const { return n != kNoNode && idOf[n] == id; }
};

Membership membership(const Graph& g) {
  Membership m;
  m.idOf.assign(g.nodes.size(), -1);
  for (NodeId n = 0; n < g.nodes.size(); ++n)
    if (auto id = g.nodes[n].dead ? std::nullopt : fusionGroupOf(g.nodes[n])) m.byId[*id].push_back(n), m.idOf[n] = *id;
  return m;
}

NodeId findRoot(std::vector<NodeId>& parent, NodeId n) {
  while (parent[n] != n) n = parent[n] = parent[parent[n]];
  return n;
}

// Whether the members form one piece when their own values connect them (in either direction).
// `parent` is one union-find over all nodes: only members of one group are ever joined.
bool connected(const Graph& g, const Membership& groups, int64_t id, std::vector<NodeId>& parent) {
  const std::vector<NodeId>& members = groups.byId.at(id);
  for (NodeId m : members)
    for (ValueId v : g.nodes[m].operands)
      if (NodeId p = g.value(v).def; groups.in(p, id)) parent[findRoot(parent, p)] = findRoot(parent, m);
  NodeId root = findRoot(parent, members.front());
  return std::all_of(members.begin(), members.end(), [&](NodeId m) { return findRoot(parent, m) == root; });
}

// A node outside the group that depends on it and feeds it, if any (kNoNode: the group is
// convex). Walks the nodes after the first member once.
NodeId escapeAndReturn(const Graph& g, const Membership& groups, int64_t id) {
  std::vector<char> downstream(g.nodes.size(), 0);  // outside the group and reachable from it
  for (NodeId n = groups.byId.at(id).front(); n < g.nodes.size(); ++n) {
    const Node& node = g.nodes[n];
    if (node.dead) continue;
    for (ValueId v : node.operands) {
      NodeId p = g.value(v).def;
      if (p == kNoNode || !(groups.in(p, id) || downstream[p])) continue;
      if (groups.in(n, id) && downstream[p]) return p;
      if (!groups.in(n, id)) downstream[n] = 1;
    }
  }
  return kNoNode;
}

}  // namespace

const AttrSpec& fusionGroupSpec() {
  static const AttrSpec spec{std::string(kFusionGroupAttr), AttrKind::Int, Attr{int64_t{-1}}};
  return spec;
}

std::optional<int64_t> fusionGroupOf(const Node& n) {
  const Attr* a = n.attrs.find(kFusionGroupAttr);
  if (!a || attrKind(*a) != AttrKind::Int || std::get<int64_t>(*a) < 0) return std::nullopt;
  return std::get<int64_t>(*a);
}

std::vector<FusionGroup> fusionGroups(const Graph& g) {
  std::vector<FusionGroup> out;
  std::vector<std::vector<NodeId>> consumers = g.users();
  std::vector<char> usedOutside(g.values.size(), 0);
  for (const Output& o : g.outputs) usedOutside[o.value] = 1;
  for (const Update& u : g.updates) usedOutside[u.value] = usedOutside[u.target] = 1;
  Membership groups = membership(g);
  for (auto& [id, members] : groups.byId) {
    FusionGroup group;
    group.id = id;
    group.members = members;
    group.shape = g.type(g.nodes[members.front()].results.front()).shape;
    for (NodeId m : members) {
      for (ValueId v : g.nodes[m].operands)
        if (!groups.in(g.value(v).def, id) && std::find(group.inputs.begin(), group.inputs.end(), v) == group.inputs.end())
          group.inputs.push_back(v);
      for (ValueId r : g.nodes[m].results) {
        bool outside = usedOutside[r] ||
                       std::any_of(consumers[r].begin(), consumers[r].end(), [&](NodeId u) { return !groups.in(u, id); });
        if (outside) group.outputs.push_back(r);
      }
    }
    out.push_back(std::move(group));
  }
  return out;
}

void verifyFusionGroups(const Graph& g, std::vector<Diag>& diags) {
  auto fail = [&](const Node& n, std::string msg) { diags.push_back({n.loc, std::move(msg), {}}); };
  // Position among live nodes, so that a dead node left between members breaks nothing.
  std::vector<size_t> position(g.nodes.size(), 0);
  for (size_t n = 0, live = 0; n < g.nodes.size(); ++n) position[n] = g.nodes[n].dead ? live : live++;
  Membership groups = membership(g);
  if (groups.byId.empty()) return;
  std::vector<NodeId> parent(g.nodes.size());
  std::iota(parent.begin(), parent.end(), 0);
  for (auto& [id, members] : groups.byId) {
    const Node& first = g.nodes[members.front()];
    bool shaped = true;
    for (NodeId m : members) {
      const Node& n = g.nodes[m];
      if (!n.info().has(kElementwise) || n.results.size() != 1) {
        fail(n, fmt::format("{}: only elementwise ops of one result join a fusion group (group {})", describeNode(g, n), id));
        shaped = false;
      } else if (g.type(n.results[0]).shape != g.type(first.results.front()).shape) {
        fail(n, fmt::format("{}: its shape [{}] differs from the [{}] of fusion group {}", describeNode(g, n),
                            shapeStr(g.type(n.results[0]).shape), shapeStr(g.type(first.results.front()).shape), id));
        shaped = false;
      }
    }
    if (!shaped) continue;
    if (!connected(g, groups, id, parent)) {
      fail(first, fmt::format("fusion group {} is not connected: its members share no values", id));
      continue;
    }
    // Consecutive members are convex (the node order is topological); only otherwise is the
    // walk that finds the way out and back worth its cost.
    if (position[members.back()] - position[members.front()] + 1 == members.size()) continue;
    if (NodeId outside = escapeAndReturn(g, groups, id); outside != kNoNode)
      fail(g.nodes[outside], fmt::format("fusion group {} is not convex: {} is outside it, depends on it and feeds it",
                                         id, describeNode(g, g.nodes[outside])));
    else
      fail(g.nodes[members.back()], fmt::format("fusion group {}: its members are not consecutive nodes", id));
  }
}

}  // namespace graphc
