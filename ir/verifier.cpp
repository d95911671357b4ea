// Verifier: SSA structure, then every node's operand types, attributes and result types.
#include "ir/verifier.h"

#include <fmt/format.h>

#include "ir/builder.h"
#include "ir/fusion_group.h"

namespace graphc {

std::string describeNode(const Graph& g, const Node& n) {
  std::string results;
  for (ValueId r : n.results) results += (results.empty() ? "%" : ", %") + g.value(r).name;
  return fmt::format("'{}' node defining {}", opName(n.op), results.empty() ? "nothing" : results);
}

Status verify(const Graph& g) {
  Error errors;
  errors.code = ErrorCode::Shape;
  auto fail = [&](Loc loc, std::string msg) { errors.diags.push_back({std::move(loc), std::move(msg), {}}); };

  std::vector<bool> defined(g.values.size(), false);
  for (ValueId v : g.inputs) defined[v] = true;
  for (ValueId v : g.constants) {
    defined[v] = true;
    const Value& val = g.value(v);
    if (val.data.empty() || val.data.type() != val.type)
      fail(val.loc, fmt::format("constant '%{}' of type {} has no data of that type", val.name, val.type.str()));
    if (val.kind == ValueKind::Param && !isFloat(val.type.dtype))
      fail(val.loc, fmt::format("parameter '%{}' must be floating-point, got {}", val.name, val.type.str()));
  }
  for (NodeId id = 0; id < g.nodes.size(); ++id) {
    const Node& n = g.nodes[id];
    if (n.dead) continue;
    bool operandsOk = true;
    for (size_t i = 0; i < n.operands.size(); ++i) {
      ValueId v = n.operands[i];
      if (v >= g.values.size() || !defined[v]) {
        fail(n.loc, fmt::format("{}: operand #{} is used before it is defined", describeNode(g, n), i));
        operandsOk = false;
      }
    }
    for (ValueId r : n.results) {
      if (r >= g.values.size() || g.value(r).def != id) {
        fail(n.loc, fmt::format("{}: result is not owned by this node", describeNode(g, n)));
        operandsOk = false;
      } else if (defined[r]) {
        fail(n.loc, fmt::format("{}: value defined twice", describeNode(g, n)));
      } else {
        defined[r] = true;
      }
    }
    if (!operandsOk) continue;
    std::vector<TensorType> types = g.types(n.operands);
    auto inferred = inferTypes(n.op, types, n.attrs);
    if (!inferred) {
      fail(n.loc, fmt::format("{}: {}", describeNode(g, n), inferred.error().message()));
      continue;
    }
    if (inferred->size() != n.results.size()) {
      fail(n.loc, fmt::format("{}: has {} results, expected {}", describeNode(g, n), n.results.size(), inferred->size()));
      continue;
    }
    for (size_t i = 0; i < n.results.size(); ++i)
      if ((*inferred)[i] != g.type(n.results[i]))
        fail(n.loc, fmt::format("{}: result type {} does not match the inferred type {}", describeNode(g, n),
                                g.type(n.results[i]).str(), (*inferred)[i].str()));
  }
  for (const Output& o : g.outputs)
    if (o.value >= g.values.size() || !defined[o.value])
      fail({}, fmt::format("output '{}' refers to an undefined value", o.name));
  std::vector<bool> updated(g.values.size(), false);
  for (const Update& u : g.updates) {
    if (u.target >= g.values.size() || u.value >= g.values.size() || !defined[u.value]) {
      fail({}, "an update refers to an undefined value");
      continue;
    }
    const Value &t = g.value(u.target), &v = g.value(u.value);
    if (t.kind != ValueKind::Param && t.kind != ValueKind::State)
      fail(t.loc, fmt::format("update target '%{}' must be a param or state", t.name));
    else if (t.type != v.type)
      fail(t.loc, fmt::format("update of '%{}' ({}) with '%{}' of type {}", t.name, t.type.str(), v.name, v.type.str()));
    if (updated[u.target]) fail(t.loc, fmt::format("'%{}' is updated more than once", t.name));
    updated[u.target] = true;
  }
  if (g.outputs.empty()) fail({}, fmt::format("graph '{}' has no outputs", g.name));
  // Groups are checked on an otherwise sound graph: their rules follow its values.
  if (errors.diags.empty()) verifyFusionGroups(g, errors.diags);
  if (!errors.diags.empty()) return errors;
  return ok();
}

}  // namespace graphc
