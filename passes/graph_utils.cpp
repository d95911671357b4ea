// Graph-editing helpers shared by the passes.
#include "passes/graph_utils.h"

#include <cmath>
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
  std::vector<TensorType> types = g.types(operands);
  auto inferred = inferTypes(op, types, attrs);
  if (!inferred || inferred->size() != 1 || inferred->front() != g.type(old)) return false;
  Loc loc = g.node(n).loc;
  NodeId m = g.addNode(op, std::move(operands), std::move(attrs), std::move(*inferred), {g.value(old).name}, loc);
  ValueId fresh = g.node(m).results[0];
  swapNames(g, old, fresh);
  replaceNode(g, n, fresh);
  return true;
}

uint32_t useCount(const Graph& g, ValueId v) {
  uint32_t count = 0;
  for (const Node& n : g.nodes)
    if (!n.dead)
      for (ValueId u : n.operands) count += u == v;
  for (const Output& o : g.outputs) count += o.value == v;
  return count;
}

const Node* fusableProducer(const Graph& g, ValueId v, OpKind op) {
  const Node* p = producerOf(g, v, op);
  return p && useCount(g, v) == 1 ? p : nullptr;
}

std::string stringAttr(const Node& n, std::string_view name) {
  return std::get<std::string>(*withDefaults(n.op, n.attrs).find(name));
}

std::optional<double> scalarConstant(const Graph& g, ValueId v) {
  const Value& val = g.value(v);
  if (!val.isConstant() || val.data.numel() != 1) return std::nullopt;
  return val.data.at(0);
}

bool nearlyEqual(double a, double b, double rel) { return std::abs(a - b) <= rel * std::abs(b); }

std::optional<AttrMap> fusedActivationAttrs(const Node& n) {
  const AttrMap full = withDefaults(n.op, n.attrs);
  auto f = [&](std::string_view name) { return std::get<double>(*full.find(name)); };
  AttrMap a;
  auto act = [&](const char* name) { a.set("activation", std::string(name)); };
  switch (n.op) {
    case OpKind::Relu: act("relu"); break;
    case OpKind::Gelu: act("gelu"); break;
    case OpKind::Silu: act("silu"); break;
    case OpKind::Sigmoid: act("sigmoid"); break;
    case OpKind::Tanh: act("tanh"); break;
    case OpKind::LeakyRelu: act("leaky_relu"), a.set("alpha", f("alpha")); break;
    case OpKind::Elu: act("elu"), a.set("alpha", f("alpha")); break;
    case OpKind::Clip: act("clip"), a.set("alpha", f("min")), a.set("beta", f("max")); break;
    default: return std::nullopt;
  }
  return a;
}

void swapNames(Graph& g, ValueId a, ValueId b) { std::swap(g.value(a).name, g.value(b).name); }

}  // namespace graphc
