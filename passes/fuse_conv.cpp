// fuse_conv: a conv2d absorbs the activation, the per-channel bias add and the residual add that
// follow it, so that they run in the convolution's epilogue rather than as extra passes over
// the feature map.
#include "passes/graph_utils.h"
#include "passes/rewrite.h"

namespace graphc {
namespace {

ValueId operand(const Graph& g, NodeId n, size_t i) { return g.node(n).operands[i]; }

// The conv2d producing v when a fusion may extend it: v's only use, no residual yet, and no
// activation yet (anything added after an activation or residual is not an epilogue step that
// commutes with them).
const Node* plainConv(const Graph& g, ValueId v) {
  const Node* c = fusableProducer(g, v, OpKind::Conv2d);
  return c && c->operands.size() == 3 && stringAttr(*c, "activation") == "none" ? c : nullptr;
}

// act(conv2d(x, w, b){none}) -> conv2d(x, w, b){act}.
bool convActivation(Graph& g, NodeId n, PassContext&) {
  auto act = fusedActivationAttrs(g.node(n));
  if (!act) return false;
  const Node* c = plainConv(g, operand(g, n, 0));
  if (!c) return false;
  std::vector<ValueId> operands = c->operands;
  AttrMap attrs = c->attrs;
  attrs.erase("alpha");
  attrs.erase("beta");
  for (const auto& [k, v] : *act) attrs.set(k, v);
  return replaceWithNewNode(g, n, OpKind::Conv2d, std::move(operands), std::move(attrs));
}

// add(conv2d(...), r) or add(r, conv2d(...)) -> conv2d(..., r) when r has the conv result's
// exact type. Residual comes after the activation in conv2d, as in the unfused graph.
bool convResidual(Graph& g, NodeId n, PassContext&) {
  for (size_t i : {0u, 1u}) {
    ValueId cv = operand(g, n, i), r = operand(g, n, 1 - i);
    const Node* c = fusableProducer(g, cv, OpKind::Conv2d);
    if (!c || c->operands.size() != 3 || g.type(r) != g.type(cv)) continue;
    std::vector<ValueId> operands = c->operands;
    operands.push_back(r);
    AttrMap attrs = c->attrs;
    if (replaceWithNewNode(g, n, OpKind::Conv2d, std::move(operands), std::move(attrs))) return true;
  }
  return false;
}

// add(conv2d(x, w, b){none}, c) with a constant b and a constant per-channel c of shape
// [C, 1, 1] or [1, C, 1, 1] -> conv2d(x, w, b + c). (A [C] constant would broadcast along the
// width instead, and is left alone.) The new bias is a Param when either part was a weight.
bool convChannelBias(Graph& g, NodeId n, PassContext&) {
  for (size_t i : {0u, 1u}) {
    ValueId cv = operand(g, n, i), add = operand(g, n, 1 - i);
    const Node* c = plainConv(g, cv);
    if (!c) continue;
    ValueId b = c->operands[2];
    const Value &bias = g.value(b), &extra = g.value(add);
    int64_t channels = bias.type.shape[0];
    Shape s = extra.type.shape;
    bool perChannel = s == Shape{channels, 1, 1} || s == Shape{1, channels, 1, 1};
    if (!perChannel || !bias.isConstant() || !extra.isConstant() || extra.type.dtype != bias.type.dtype) continue;
    if (g.type(g.node(n).results[0]) != g.type(cv)) continue;  // the add must not broadcast wider
    Tensor sum = bias.data.clone();
    for (int64_t k = 0; k < channels; ++k) sum.set(k, sum.at(k) + extra.data.at(k));
    ValueKind kind = bias.kind == ValueKind::Param || extra.kind == ValueKind::Param ? ValueKind::Param : ValueKind::Const;
    std::vector<ValueId> operands = c->operands;
    AttrMap attrs = c->attrs;
    std::string name = g.uniqueName(bias.name);
    operands[2] = g.addConstant(std::move(name), std::move(sum), kind);  // invalidates bias, extra
    if (replaceWithNewNode(g, n, OpKind::Conv2d, std::move(operands), std::move(attrs))) return true;
  }
  return false;
}

constexpr Pattern kPatterns[] = {
    {"conv-channel-bias", OpKind::Add, convChannelBias},
    {"conv-residual", OpKind::Add, convResidual},
    {"conv-activation", std::nullopt, convActivation},
};

}  // namespace

Status runFuseConv(Graph& g, PassContext& ctx) {
  GRAPHC_TRY(applyPatterns(g, kPatterns, ctx));
  return ok();
}

}  // namespace graphc
