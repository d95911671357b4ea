// Graphviz rendering. Fused ops (dense, conv2d with an activation or residual) are drawn as
// clusters listing what was folded into them, so fusion decisions are visible at a glance.
#include "frontend/dot/dot.h"

#include <fmt/format.h>

namespace graphc {

static std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == '<' || c == '>' || c == '|') out += '\\';
    out += c;
  }
  return out;
}

static std::string fusedParts(const Node& n) {
  if (!n.info().has(kFused)) return {};
  std::string parts = n.op == OpKind::Dense ? "matmul + bias" : "conv + bias";
  if (const Attr* a = n.attrs.find("activation"); a && std::get<std::string>(*a) != "none") {
    const std::string& act = std::get<std::string>(*a);
    auto f = [&](const char* name) {
      const Attr* v = n.attrs.find(name);
      return v ? std::get<double>(*v) : 0.0;
    };
    parts += " + " + act;
    // The parameter is part of what was fused: leaky_relu(0.2) and relu are different epilogues.
    if (act == "leaky_relu" || act == "elu") parts += fmt::format("({})", f("alpha"));
    if (act == "clip") parts += fmt::format("[{}, {}]", f("alpha"), f("beta"));
  }
  if (n.operands.size() == 4) parts += " + residual";
  return parts;
}

std::string graphToDot(const Graph& g) {
  std::string out = fmt::format("digraph \"{}\" {{\n  rankdir=TB;\n  node [fontname=\"monospace\", fontsize=10];\n",
                                escape(g.name));
  for (ValueId v : g.inputs)
    out += fmt::format("  v{} [shape=invhouse, style=filled, fillcolor=\"#d8e8ff\", label=\"{}\\n{}\"];\n", v,
                       escape(g.value(v).name), g.value(v).type.str());
  for (ValueId v : g.constants) {
    const Value& val = g.value(v);
    out += fmt::format("  v{} [shape=note, style=filled, fillcolor=\"{}\", label=\"{} {}\\n{}\"];\n", v,
                       val.kind == ValueKind::Param ? "#fff2cc" : val.kind == ValueKind::State ? "#e6ccff" : "#eeeeee",
                       val.kind == ValueKind::Param ? "param" : val.kind == ValueKind::State ? "state" : "const",
                       escape(val.name), val.type.str());
  }
  for (NodeId id = 0; id < g.nodes.size(); ++id) {
    const Node& n = g.nodes[id];
    if (n.dead) continue;
    std::string types;
    for (ValueId r : n.results) types += (types.empty() ? "" : ", ") + g.type(r).str();
    std::string fused = fusedParts(n);
    std::string label = fmt::format("{}\\n{}", opName(n.op), types);
    if (!fused.empty()) {
      out += fmt::format("  subgraph cluster_n{} {{\n    label=\"fused: {}\"; style=filled; fillcolor=\"#e2f0d9\";\n", id, fused);
      out += fmt::format("    n{} [shape=box, style=\"rounded,filled\", fillcolor=white, label=\"{}\"];\n  }}\n", id, label);
    } else {
      out += fmt::format("  n{} [shape=box, style=rounded, label=\"{}\"];\n", id, label);
    }
    for (size_t i = 0; i < n.operands.size(); ++i) {
      ValueId v = n.operands[i];
      const Node* p = g.producer(v);
      std::string from = p ? fmt::format("n{}", g.value(v).def) : fmt::format("v{}", v);
      out += fmt::format("  {} -> n{} [label=\"{}\"];\n", from, id, escape(g.value(v).name));
    }
  }
  for (size_t i = 0; i < g.outputs.size(); ++i) {
    ValueId v = g.outputs[i].value;
    const Node* p = g.producer(v);
    out += fmt::format("  out{} [shape=house, style=filled, fillcolor=\"#ffd8d8\", label=\"{}\\n{}\"];\n", i,
                       escape(g.outputs[i].name), g.type(v).str());
    out += fmt::format("  {} -> out{};\n", p ? fmt::format("n{}", g.value(v).def) : fmt::format("v{}", v), i);
  }
  return out + "}\n";
}

}  // namespace graphc
