// Common-subexpression elimination: a node with the same op, operands and attributes as an
// earlier one reuses its results; Consts with the same type and bytes are merged.
//
// Params are never merged, even when equal: two zero-initialized biases are two weights that
// training will move apart.
#include <string_view>
#include <type_traits>
#include <variant>
#include <unordered_map>
#include <ostream>

#include <fmt/format.h>

#include "passes/graph_utils.h"
#include "passes/pass.h"

namespace graphc {
namespace {

size_t mix(size_t h, size_t v) { return h ^ (v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2)); }

// Commutative ops compare with sorted operands, so add(a, b) meets add(b, a).
std::vector<ValueId> keyOperands(const Node& n) {
  std::vector<ValueId> ops = n.operands;
  if (n.info().has(kCommutative) && ops.size() == 2 && ops[1] < ops[0]) std::swap(ops[0], ops[1]);
  return ops;
}

struct Key {
  OpKind op;
  std::vector<ValueId> operands;
  AttrMap attrs;  // with defaults filled in
  bool operator==(const Key&) const = default;
};

// Hashes the attribute values too: nodes that differ only there (a thousand slices of one
// tensor) must not share a bucket, or the pass turns quadratic.
size_t hashAttr(const Attr& a) {
  return std::visit([](const auto& x) -> size_t {
    using T = std::decay_t<decltype(x)>;
    if constexpr (std::is_same_v<T, std::vector<int64_t>> || std::is_same_v<T, std::vector<double>>) {
      size_t h = x.size();
      for (auto e : x) h = mix(h, std::hash<typename T::value_type>{}(e));
      return h;
    } else {
      return std::hash<T>{}(x);
    }
  }, a);
}

struct KeyHash {
  size_t operator()(const Key& k) const {
    size_t h = (size_t)k.op;
    for (ValueId v : k.operands) h = mix(h, v);
    for (const auto& [name, value] : k.attrs) h = mix(mix(h, std::hash<std::string>{}(name)), hashAttr(value));
    return h;
  }
};

// Merges equal Consts; returns old -> kept for every value (identity for the rest).
std::vector<ValueId> mergeConstants(const Graph& g) {
  std::vector<ValueId> canon(g.values.size());
  for (ValueId v = 0; v < canon.size(); ++v) canon[v] = v;
  std::unordered_map<std::string_view, std::vector<ValueId>> byBytes;
  for (ValueId c : g.constants) {
    const Value& val = g.value(c);
    if (val.kind != ValueKind::Const || val.data.empty()) continue;
    std::string_view bytes(static_cast<const char*>(val.data.raw()), val.data.bytes());
    auto& candidates = byBytes[bytes];
    for (ValueId seen : candidates)
      if (g.type(seen) == val.type) {  // same bytes, same type: same constant
        canon[c] = seen;
        break;
      }
    if (canon[c] == c) candidates.push_back(c);
  }
  return canon;
}

}  // namespace

Status runCSE(Graph& g, PassContext& ctx) {
  std::vector<ValueId> canon = mergeConstants(g);
  std::unordered_map<Key, NodeId, KeyHash> seen;
  // Nodes are in topological order, so operands are already canonical when a node is reached.
  for (NodeId id = 0; id < g.nodes.size(); ++id) {
    Node& n = g.nodes[id];
    if (n.dead) continue;
    for (ValueId& v : n.operands) v = canon[v];
    if (hasSideEffects(n.info())) continue;  // two writes (or two messages) are two
    auto [it, inserted] = seen.try_emplace(Key{n.op, keyOperands(n), withDefaults(n.op, n.attrs)}, id);
    if (inserted) continue;
    const Node& first = g.nodes[it->second];
    for (size_t i = 0; i < n.results.size(); ++i) canon[n.results[i]] = first.results[i];
    n.dead = true;
    if (ctx.debugRewrites && ctx.log && !n.results.empty())
      *ctx.log << fmt::format("cse: %{} reuses %{}\n", g.value(n.results[0]).name, g.value(first.results[0]).name);
  }
  for (Output& o : g.outputs) o.value = canon[o.value];
  for (Update& u : g.updates) u.value = canon[u.value];
  return g.finalize();
}

}  // namespace graphc
