// raise_hard_swish: x * hard_sigmoid(x){alpha = 1/6, beta = 1/2} -> hard_swish(x), the form
// torch.onnx writes below opset 14: one elementwise op instead of two passes over the tensor.
#include "passes/graph_utils.h"
#include "passes/rewrite.h"

namespace graphc {
namespace {

// The hard_sigmoid may have other users: they keep it, and the product still becomes one op.
bool timesHardSigmoid(Graph& g, NodeId n, PassContext&) {
  for (size_t i : {0u, 1u}) {
    ValueId x = g.node(n).operands[1 - i];
    const Node* s = producerOf(g, g.node(n).operands[i], OpKind::HardSigmoid);
    if (!s || s->operands[0] != x) continue;
    AttrMap a = withDefaults(OpKind::HardSigmoid, s->attrs);
    // The exporters' constants went through f32 (1/6 = 0.166666672).
    if (!nearlyEqual(std::get<double>(*a.find("alpha")), 1.0 / 6) || std::get<double>(*a.find("beta")) != 0.5) continue;
    if (replaceWithNewNode(g, n, OpKind::HardSwish, {x}, {})) return true;
  }
  return false;
}

constexpr Pattern kPatterns[] = {{"times-hard-sigmoid", OpKind::Mul, timesHardSigmoid}};

}  // namespace

Status runRaiseHardSwish(Graph& g, PassContext& ctx) {
  GRAPHC_TRY(applyPatterns(g, kPatterns, ctx));
  return ok();
}

}  // namespace graphc
