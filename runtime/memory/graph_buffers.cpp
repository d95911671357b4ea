// Memory planning: the buffer requests of a graph's intermediate values, in node order.
#include <algorithm>

#include "ir/fusion_group.h"
#include "runtime/memory/memory_plan.h"

namespace graphc {
namespace {

// Per node, the step it runs at (a fused group's members all run at its last node), and per
// value whether it stays inside its group.
struct Schedule {
  std::vector<int32_t> stepOf;
  std::vector<char> internal;
  std::vector<int32_t> groupAt;  // per node: the index in `groups` of the group ending there, or -1
  std::vector<FusionGroup> groups;
};

Schedule schedule(const Graph& g, bool fusedGroups) {
  Schedule s;
  s.stepOf.resize(g.nodes.size());
  for (size_t n = 0; n < g.nodes.size(); ++n) s.stepOf[n] = int32_t(n);
  s.internal.assign(g.values.size(), 0);
  s.groupAt.assign(g.nodes.size(), -1);
  if (!fusedGroups) return s;
  s.groups = fusionGroups(g);
  for (size_t k = 0; k < s.groups.size(); ++k) {
    const FusionGroup& group = s.groups[k];
    s.groupAt[group.members.back()] = int32_t(k);
    for (NodeId m : group.members) {
      s.stepOf[m] = int32_t(group.members.back());
      for (ValueId r : g.nodes[m].results)
        s.internal[r] = std::find(group.outputs.begin(), group.outputs.end(), r) == group.outputs.end();
    }
  }
  return s;
}

}  // namespace

// Step i is node i. Inputs, constants and graph outputs live in buffers the caller owns, so only
// the other node results compete for the arena.
GraphBuffers graphBuffers(const Graph& g, bool fusedGroups) {
  GraphBuffers out;
  Schedule s = schedule(g, fusedGroups);
  std::vector<bool> isOutput(g.values.size());
  for (const Output& o : g.outputs) isOutput[o.value] = true;
  std::vector<int32_t> lastUse(g.values.size(), -1);
  int32_t lastStep = 0;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    if (g.nodes[n].dead) continue;
    for (ValueId v : g.nodes[n].operands) lastUse[v] = std::max(lastUse[v], s.stepOf[n]);
    lastStep = std::max(lastStep, s.stepOf[n]);
  }
  // An update's new value is copied into its target after the last step (unless it is written
  // there in place, which takes it out of the arena): it lives to the end.
  for (const Update& u : g.updates) lastUse[u.value] = lastStep;
  std::vector<int32_t> requestOf(g.values.size(), -1);
  std::vector<char> reused(g.values.size(), 0);  // inputs of a group that an output already took
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const Node& node = g.nodes[n];
    if (node.dead) continue;
    int32_t step = s.stepOf[n];
    for (size_t result = 0; result < node.results.size(); ++result) {
      ValueId v = node.results[result];
      const Value& val = g.value(v);
      if (isOutput[v] || val.isConstant() || val.kind == ValueKind::Input || s.internal[v]) continue;
      BufferRequest r;
      r.bytes = val.type.bytes();
      r.start = step;
      r.end = std::max(step, lastUse[v]);  // an unused result is still written
      r.name = val.name;
      // In place: the op table says which operand a result may overwrite (mayOverwrite); it
      // must have the same size and die here. Same element count too, so that element i is
      // read before element i is written. A fused group's output may take any input of its
      // type that dies at the group.
      auto dying = [&](ValueId in) {
        return requestOf[in] >= 0 && !reused[in] && lastUse[in] == step && g.type(in).bytes() == r.bytes &&
               g.type(in).numel() == val.type.numel();
      };
      if (fusedGroups && fusionGroupOf(node) && s.groupAt[s.stepOf[n]] >= 0) {
        for (ValueId in : s.groups[s.groupAt[s.stepOf[n]]].inputs)
          if (dying(in) && g.type(in) == val.type) {
            r.reuse = requestOf[in], reused[in] = 1;
            break;
          }
      } else {
        for (size_t k = 0; k < node.operands.size() && r.reuse < 0; ++k)
          if (mayOverwrite(node.info(), result, k) && dying(node.operands[k])) r.reuse = requestOf[node.operands[k]];
      }
      requestOf[v] = int32_t(out.requests.size());
      out.requests.push_back(std::move(r));
      out.valueOf.push_back(v);
    }
  }
  return out;
}

}  // namespace graphc
