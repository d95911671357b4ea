// Memory planning: the buffer requests of a graph's intermediate values, in node order.
#include <algorithm>

#include "runtime/memory/memory_plan.h"

namespace graphc {

// Step i is node i. Inputs, constants and graph outputs live in buffers the caller owns, so only
// the other node results compete for the arena.
GraphBuffers graphBuffers(const Graph& g) {
  GraphBuffers out;
  std::vector<bool> isOutput(g.values.size());
  for (const Output& o : g.outputs) isOutput[o.value] = true;
  std::vector<int32_t> lastUse(g.values.size(), -1);
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    if (g.nodes[n].dead) continue;
    for (ValueId v : g.nodes[n].operands) lastUse[v] = std::max(lastUse[v], int32_t(n));
  }
  std::vector<int32_t> requestOf(g.values.size(), -1);
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const Node& node = g.nodes[n];
    if (node.dead) continue;
    for (size_t result = 0; result < node.results.size(); ++result) {
      ValueId v = node.results[result];
      const Value& val = g.value(v);
      if (isOutput[v] || val.isConstant() || val.kind == ValueKind::Input) continue;
      BufferRequest r;
      r.bytes = val.type.bytes();
      r.start = int32_t(n);
      r.end = std::max(int32_t(n), lastUse[v]);  // an unused result is still written
      r.name = val.name;
      // In place: the op table says which operand a result may overwrite (mayOverwrite); it
      // must have the same size and die here. Same element count too, so that element i is
      // read before element i is written.
      for (size_t k = 0; k < node.operands.size() && r.reuse < 0; ++k) {
        ValueId in = node.operands[k];
        int32_t src = requestOf[in];
        if (src < 0 || !mayOverwrite(node.info(), result, k) || lastUse[in] != int32_t(n) ||
            g.type(in).bytes() != r.bytes || g.type(in).numel() != val.type.numel())
          continue;
        r.reuse = src;  // a value dies at one node
      }
      requestOf[v] = int32_t(out.requests.size());
      out.requests.push_back(std::move(r));
      out.valueOf.push_back(v);
    }
  }
  return out;
}

}  // namespace graphc
