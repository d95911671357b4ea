// Graph-editing helpers shared by the passes.
#include "passes/graph_utils.h"

#include <utility>

#include "ir/builder.h"

namespace graphc {

bool isSplatConst(const Graph& g, ValueId v, double value) {
  const Value& val = g.value(v);
  if (val.kind != ValueKind::Const || val.data.empty()) return false;
  for (int64_t i = 0; i < val.data.numel(); ++i)
    if (val.data.at(i) != value) return false;
  return true;
}

const Node* producerOf(const Graph& g, ValueId v, OpKind op) {
  const Node* n = g.producer(v);
  return n && !n->dead && n->op == op ? n : nullptr;
}

AttrMap withDefaults(OpKind op, const AttrMap& attrs) {
  AttrMap out = attrs;
  for (const AttrSpec& spec : opInfo(op).attrs)
    if (spec.defaultValue && !attrs.find(spec.name)) out.set(spec.name, *spec.defaultValue);
  return out;
}

void replaceNode(Graph& g, NodeId n, ValueId v) {
  g.replaceAllUses(g.node(n).results.at(0), v);
  g.node(n).dead = true;
}

bool replaceWithNewNode(Graph& g, NodeId n, OpKind op, std::vector<ValueId> operands, AttrMap attrs) {
  ValueId old = g.node(n).results.at(0);
  std::vector<TensorType> types;
  for (ValueId v : operands) types.push_back(g.type(v));
  auto inferred = inferTypes(op, types, attrs);
  if (!inferred || inferred->size() != 1 || inferred->front() != g.type(old)) return false;
  Loc loc = g.node(n).loc;
  NodeId m = g.addNode(op, std::move(operands), std::move(attrs), std::move(*inferred), {g.value(old).name}, loc);
  ValueId fresh = g.node(m).results[0];
  swapNames(g, old, fresh);
  replaceNode(g, n, fresh);
  return true;
}

void swapNames(Graph& g, ValueId a, ValueId b) { std::swap(g.value(a).name, g.value(b).name); }

}  // namespace graphc
