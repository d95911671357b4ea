// The calls of graphc_run and their keys, from which generate shares one function among the
// calls of repeated layers.
#include "backend/llvm/call_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "runtime/state.h"

namespace graphc::llvmjit {
namespace {

// An attribute's exact value (floats by their bits, so 0.1 and 0.1f differ).
std::string attrText(const Attr& a) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, double>) return fmt::format("{:a}", v);
        else if constexpr (std::is_same_v<T, std::vector<double>>) return fmt::format("[{:a}]", fmt::join(v, ","));
        else if constexpr (std::is_same_v<T, std::vector<int64_t>>) return fmt::format("[{}]", fmt::join(v, ","));
        else return fmt::format("{}", v);
      },
      a);
}

// op{attributes}, without the group id (two groups alike but for their ids are alike).
std::string opText(const Node& n) {
  std::string out(opName(n.op));
  out += '{';
  for (const auto& [name, value] : n.attrs)
    if (name != kFusionGroupAttr) out += fmt::format("{}={};", name, attrText(value));
  return out + '}';
}

}  // namespace

size_t CallPlan::argumentSlots() const {
  size_t slots = 0;
  for (const NodeCall& c : calls) slots += c.args.size() + (c.passesContext ? 1 : 0);
  return slots;
}

CallPlan planCalls(const Graph& g) {
  CallPlan plan;
  plan.groups = fusionGroups(g);
  std::vector<int> groupStartingAt(g.nodes.size(), -1);
  std::vector<char> grouped(g.nodes.size(), 0);
  for (size_t k = 0; k < plan.groups.size(); ++k) {
    groupStartingAt[plan.groups[k].members.front()] = (int)k;
    for (NodeId m : plan.groups[k].members) grouped[m] = 1;
  }
  std::vector<char> takenOver(g.nodes.size(), 0);  // a cast an optimizer update's call makes too
  for (const Node& n : g.nodes)
    if (const Node* copyCast = n.dead ? nullptr : bf16CopyCast(g, n)) takenOver[copyCast - g.nodes.data()] = 1;
  for (NodeId i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (n.dead || takenOver[i]) continue;
    NodeCall call{i, groupStartingAt[i], {}};
    if (call.group >= 0) {
      const FusionGroup& group = plan.groups[call.group];
      call.args = group.inputs;
      call.args.insert(call.args.end(), group.outputs.begin(), group.outputs.end());
    } else if (grouped[i]) {
      continue;  // run by its group's call
    } else {
      call.args = n.operands;
      call.args.insert(call.args.end(), n.results.begin(), n.results.end());
      if (const Node* copyCast = bf16CopyCast(g, n)) call.args.push_back(copyCast->results[0]);
      call.passesContext = n.info().has(kSideEffect);
    }
    plan.calls.push_back(std::move(call));
  }
  return plan;
}

std::string callKey(const Graph& g, const CallPlan& plan, const NodeCall& call) {
  std::string key;
  // Each argument by its type, and by the earlier argument it repeats, if any.
  std::map<ValueId, size_t> argument;
  for (size_t k = 0; k < call.args.size(); ++k) {
    auto [at, fresh] = argument.try_emplace(call.args[k], k);
    key += fresh ? g.type(call.args[k]).str() : fmt::format("=a{}", at->second);
    key += ',';
  }
  if (call.group < 0) return key + opText(g.nodes[call.node]);
  // A group: its members in order, each operand an argument or an earlier member's result.
  std::map<ValueId, std::string> local;
  for (const auto& [v, k] : argument) local[v] = fmt::format("a{}", k);
  const FusionGroup& group = plan.groups[call.group];
  for (size_t m = 0; m < group.members.size(); ++m) {
    const Node& n = g.nodes[group.members[m]];
    key += '|' + opText(n) + '(';
    for (ValueId v : n.operands) key += (local.count(v) ? local[v] : "?") + ',';
    key += ")->" + g.type(n.results[0]).str();
    // A member result that leaves the group is an argument too: which one is part of the key.
    if (auto out = argument.find(n.results[0]); out != argument.end()) key += fmt::format("=>a{}", out->second);
    local.try_emplace(n.results[0], fmt::format("m{}", m));
  }
  return key;
}

}  // namespace graphc::llvmjit
