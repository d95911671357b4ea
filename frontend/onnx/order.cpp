// The order the graph walk visits nodes in, and the checks that make the graph a graph: every
// value defined once, every input and output defined, no cycle. They run before anything else
// reads the node list, ONNX's version converter included, which dereferences what it cannot find.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "frontend/onnx/model.h"

namespace graphc::onnxfe {

std::set<std::string> definedBeforeNodes(const OnnxModel& m) {
  std::set<std::string> names = m.skipped;
  for (const OnnxInput& i : m.inputs) names.insert(i.name);
  for (const auto& init : m.initializers) names.insert(init.first);
  return names;
}

Result<std::vector<size_t>> topoOrder(const OnnxModel& m, const std::set<std::string>& available) {
  std::map<std::string, size_t> producer;
  for (const OnnxNode& n : m.nodes)
    for (const std::string& o : n.outputs) {
      if (o.empty()) continue;
      if (available.count(o) || !producer.emplace(o, n.index).second)
        return Error(ErrorCode::Parse, fmt::format("{}: {}: value '{}' is defined more than once", m.file, describe(n), o));
    }
  std::vector<std::vector<size_t>> users(m.nodes.size());
  std::vector<size_t> pending(m.nodes.size(), 0);
  for (const OnnxNode& n : m.nodes)
    for (const std::string& i : n.inputs) {
      if (i.empty() || available.count(i)) continue;
      auto it = producer.find(i);
      if (it == producer.end())
        return Error(ErrorCode::Parse, fmt::format("{}: {}: input '{}' is not produced by any node, input or initializer", m.file, describe(n), i));
      users[it->second].push_back(n.index);
      ++pending[n.index];
    }
  for (const std::string& o : m.outputs)
    if (!available.count(o) && !producer.count(o))
      return Error(ErrorCode::Parse, fmt::format("{}: graph output '{}' is not produced by any node, input or initializer", m.file, o));
  std::vector<size_t> order, ready;
  for (size_t k = m.nodes.size(); k-- > 0;)
    if (pending[k] == 0) ready.push_back(k);
  while (!ready.empty()) {  // a stack of ready nodes, lowest index on top: keeps the file's order
    size_t k = ready.back();
    ready.pop_back();
    order.push_back(k);
    std::vector<size_t> next;
    for (size_t u : users[k])
      if (--pending[u] == 0) next.push_back(u);
    std::sort(next.rbegin(), next.rend());
    ready.insert(ready.end(), next.begin(), next.end());
    std::sort(ready.rbegin(), ready.rend());
  }
  if (order.size() != m.nodes.size()) {
    for (const OnnxNode& n : m.nodes)
      if (pending[n.index]) return Error(ErrorCode::Parse, fmt::format("{}: the graph has a cycle through {}", m.file, describe(n)));
  }
  return order;
}

}  // namespace graphc::onnxfe
