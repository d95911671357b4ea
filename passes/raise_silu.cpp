// raise_silu: x * sigmoid(x) -> silu(x), the form torch.onnx writes for SiLU (swish): one op that
// fuse_conv and fuse_dense can fold into the convolution or dense before it (a oneDNN post-op),
// instead of a sigmoid and a product each passing over the tensor.
#include "passes/graph_utils.h"
#include "passes/rewrite.h"

namespace graphc {
namespace {

// The sigmoid may have other users: they keep it, and the product still becomes one op.
bool timesSigmoid(Graph& g, NodeId n, PassContext&) {
  for (size_t i : {0u, 1u}) {
    ValueId x = g.node(n).operands[1 - i];
    const Node* s = producerOf(g, g.node(n).operands[i], OpKind::Sigmoid);
    if (s && s->operands[0] == x && replaceWithNewNode(g, n, OpKind::Silu, {x}, {})) return true;
  }
  return false;
}

constexpr Pattern kPatterns[] = {{"times-sigmoid", OpKind::Mul, timesSigmoid}};

}  // namespace

Status runRaiseSilu(Graph& g, PassContext& ctx) {
  GRAPHC_TRY(applyPatterns(g, kPatterns, ctx));
  return ok();
}

}  // namespace graphc
