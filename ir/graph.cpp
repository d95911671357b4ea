// Graph construction, use-def queries and compaction.
#include "ir/graph.h"

#include <algorithm>
#include <fmt/format.h>

namespace graphc {

const Node* Graph::producer(ValueId v) const {
  NodeId n = values[v].def;
  return n == kNoNode ? nullptr : &nodes[n];
}

std::string Graph::uniqueName(std::string_view hint) {
  std::string base(hint.empty() ? "v" : hint);
  if (!byName_.count(base)) return base;
  int& next = nextSuffix_.try_emplace(base, 1).first->second;
  for (;; ++next) {
    std::string candidate = fmt::format("{}.{}", base, next);
    if (!byName_.count(candidate)) return ++next, candidate;
  }
}

ValueId Graph::findValue(std::string_view name) const {
  auto it = byName_.find(std::string(name));
  return it == byName_.end() ? UINT32_MAX : it->second;
}

ValueId Graph::addInput(std::string name, TensorType type, Loc loc) {
  ValueId id = (ValueId)values.size();
  byName_[name] = id;
  values.push_back(Value{std::move(name), std::move(type), ValueKind::Input, kNoNode, 0, {}, {}, std::move(loc)});
  inputs.push_back(id);
  return id;
}

ValueId Graph::addConstant(std::string name, Tensor data, ValueKind kind, Loc loc) {
  ValueId id = (ValueId)values.size();
  byName_[name] = id;
  TensorType type = data.type();
  values.push_back(Value{std::move(name), std::move(type), kind, kNoNode, 0, std::move(data), {}, std::move(loc)});
  constants.push_back(id);
  return id;
}

NodeId Graph::addNode(OpKind op, std::vector<ValueId> operands, AttrMap attrs,
                      std::vector<TensorType> resultTypes, std::vector<std::string> resultNames, Loc loc) {
  NodeId id = (NodeId)nodes.size();
  Node n{op, std::move(operands), {}, std::move(attrs), loc, false};
  for (size_t i = 0; i < resultTypes.size(); ++i) {
    std::string name = uniqueName(i < resultNames.size() && !resultNames[i].empty() ? resultNames[i] : "v");
    ValueId v = (ValueId)values.size();
    byName_[name] = v;
    values.push_back(Value{std::move(name), std::move(resultTypes[i]), ValueKind::Result, id, (uint32_t)i, {}, {}, loc});
    n.results.push_back(v);
  }
  nodes.push_back(std::move(n));
  return id;
}

void Graph::replaceAllUses(ValueId from, ValueId to) {
  for (Node& n : nodes)
    if (!n.dead)
      for (ValueId& v : n.operands)
        if (v == from) v = to;
  for (Output& o : outputs)
    if (o.value == from) o.value = to;
  for (Update& u : updates)
    if (u.value == from) u.value = to;
}

std::vector<std::vector<NodeId>> Graph::users() const {
  std::vector<std::vector<NodeId>> u(values.size());
  for (NodeId n = 0; n < nodes.size(); ++n)
    if (!nodes[n].dead)
      for (ValueId v : nodes[n].operands) u[v].push_back(n);
  return u;
}

std::vector<uint32_t> Graph::useCounts() const {
  std::vector<uint32_t> c(values.size(), 0);
  for (const Node& n : nodes)
    if (!n.dead)
      for (ValueId v : n.operands) ++c[v];
  for (const Output& o : outputs) ++c[o.value];
  for (const Update& u : updates) ++c[u.target], ++c[u.value];
  return c;
}

void Graph::rebuildNames() {
  byName_.clear();
  nextSuffix_.clear();  // freed names are taken again, smallest suffix first
  for (ValueId v = 0; v < values.size(); ++v) byName_[values[v].name] = v;
}

Status Graph::finalize() {
  // Stable topological order: repeatedly emit the first node whose operands are all ready.
  std::vector<bool> ready(values.size(), false);
  for (ValueId v = 0; v < values.size(); ++v) ready[v] = values[v].kind != ValueKind::Result;
  std::vector<NodeId> live;
  for (NodeId n = 0; n < nodes.size(); ++n)
    if (!nodes[n].dead) live.push_back(n);
  std::vector<NodeId> order;
  std::vector<bool> emitted(nodes.size(), false);
  size_t first = 0;
  while (order.size() < live.size()) {
    bool progress = false;
    for (size_t i = first; i < live.size(); ++i) {
      NodeId n = live[i];
      if (emitted[n]) continue;
      if (!std::all_of(nodes[n].operands.begin(), nodes[n].operands.end(), [&](ValueId v) { return ready[v]; }))
        continue;
      emitted[n] = true;
      order.push_back(n);
      for (ValueId r : nodes[n].results) ready[r] = true;
      progress = true;
      while (first < live.size() && emitted[live[first]]) ++first;
      break;  // restart from the earliest pending node to keep the original order
    }
    if (!progress) {
      for (NodeId n : live)
        if (!emitted[n])
          return Error(fmt::format("graph has a cycle (or uses an undefined value) at the node defining '%{}'",
                                   nodes[n].results.empty() ? "?" : values[nodes[n].results[0]].name),
                       nodes[n].loc);
    }
  }

  // Keep values that something still refers to: inputs, used constants, live node results.
  std::vector<bool> keep(values.size(), false);
  for (ValueId v : inputs) keep[v] = true;
  for (NodeId n : order) {
    for (ValueId v : nodes[n].operands) keep[v] = true;
    for (ValueId v : nodes[n].results) keep[v] = true;
  }
  for (const Output& o : outputs) keep[o.value] = true;
  for (const Update& u : updates) keep[u.target] = keep[u.value] = true;

  std::vector<ValueId> remap(values.size(), UINT32_MAX);
  std::vector<Value> newValues;
  for (ValueId v = 0; v < values.size(); ++v)
    if (keep[v]) remap[v] = (ValueId)newValues.size(), newValues.push_back(std::move(values[v]));
  std::vector<Node> newNodes;
  for (NodeId n : order) {
    Node node = std::move(nodes[n]);
    for (ValueId& v : node.operands) v = remap[v];
    for (size_t i = 0; i < node.results.size(); ++i) {
      node.results[i] = remap[node.results[i]];
      newValues[node.results[i]].def = (NodeId)newNodes.size();
    }
    newNodes.push_back(std::move(node));
  }
  auto remapList = [&](std::vector<ValueId>& list) {
    std::vector<ValueId> out;
    for (ValueId v : list)
      if (remap[v] != UINT32_MAX) out.push_back(remap[v]);
    list = std::move(out);
  };
  remapList(inputs);
  remapList(constants);
  for (Output& o : outputs) o.value = remap[o.value];
  for (Update& u : updates) u.target = remap[u.target], u.value = remap[u.value];
  values = std::move(newValues);
  nodes = std::move(newNodes);
  rebuildNames();
  return ok();
}

Graph Graph::clone() const {
  Graph g = *this;
  for (Value& v : g.values)
    if (!v.data.empty()) v.data = v.data.clone();
  return g;
}

}  // namespace graphc
