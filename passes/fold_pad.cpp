// fold_pad: a zero-filled pad of the spatial axes in front of a conv2d or avg_pool2d becomes that
// op's own padding, so the padded copy is never made (torch exports AvgPool2d with
// count_include_pad as pad + average pool); a pad that pads nothing is dropped.
#include <algorithm>

#include "passes/graph_utils.h"
#include "passes/rewrite.h"

namespace graphc {
namespace {

const std::vector<int64_t>& intsOf(const AttrMap& a, std::string_view name) { return std::get<std::vector<int64_t>>(*a.find(name)); }

// The [top, left, bottom, right] of a constant-0 pad of a 4-D (NCHW) tensor that pads only H and
// W, read from the pad producing v.
std::optional<std::vector<int64_t>> spatialZeroPads(const Graph& g, ValueId v) {
  const Node* pad = producerOf(g, v, OpKind::Pad);
  if (!pad) return std::nullopt;
  AttrMap a = withDefaults(OpKind::Pad, pad->attrs);
  if (std::get<std::string>(*a.find("mode")) != "constant" || std::get<double>(*a.find("value")) != 0) return std::nullopt;
  const auto& p = intsOf(a, "pads");
  if (p.size() != 8 || p[0] || p[1] || p[4] || p[5]) return std::nullopt;
  return std::vector<int64_t>{p[2], p[3], p[6], p[7]};
}

// op(pad(x){0}){pads = q} -> op(x){pads = q + the pad's}, keeping every other operand.
bool foldInto(Graph& g, NodeId n, AttrMap attrs) {
  auto extra = spatialZeroPads(g, g.node(n).operands[0]);
  if (!extra) return false;
  std::vector<int64_t> pads = intsOf(attrs, "pads");
  for (size_t k = 0; k < 4; ++k) pads[k] += (*extra)[k];
  attrs.set("pads", pads);
  std::vector<ValueId> operands = g.node(n).operands;
  operands[0] = g.producer(operands[0])->operands[0];
  OpKind op = g.node(n).op;
  return replaceWithNewNode(g, n, op, std::move(operands), std::move(attrs));
}

// A convolution pads with zeros itself: its pads simply grow.
bool padIntoConv(Graph& g, NodeId n, PassContext&) { return foldInto(g, n, withDefaults(OpKind::Conv2d, g.node(n).attrs)); }

// The pad's zeros are real taps of the pool, so they count in the divisor: the folded pool
// counts its pads, which is only the same pool if it already did or had no pads of its own.
bool padIntoAvgPool(Graph& g, NodeId n, PassContext&) {
  AttrMap attrs = withDefaults(OpKind::AvgPool2d, g.node(n).attrs);
  const auto& own = intsOf(attrs, "pads");
  bool ownPads = std::any_of(own.begin(), own.end(), [](int64_t p) { return p != 0; });
  if (ownPads && std::get<int64_t>(*attrs.find("count_include_pad")) == 0) return false;
  attrs.set("count_include_pad", int64_t{1});
  return foldInto(g, n, std::move(attrs));
}

bool padNothing(Graph& g, NodeId n, PassContext&) {
  AttrMap attrs = withDefaults(OpKind::Pad, g.node(n).attrs);
  const auto& pads = intsOf(attrs, "pads");
  if (std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p != 0; })) return false;
  replaceNode(g, n, g.node(n).operands[0]);
  return true;
}

constexpr Pattern kPatterns[] = {
    {"pad-nothing", OpKind::Pad, padNothing},
    {"pad-into-conv", OpKind::Conv2d, padIntoConv},
    {"pad-into-avg-pool", OpKind::AvgPool2d, padIntoAvgPool},
};

}  // namespace

Status runFoldPad(Graph& g, PassContext& ctx) {
  GRAPHC_TRY(applyPatterns(g, kPatterns, ctx));
  return ok();
}

}  // namespace graphc
