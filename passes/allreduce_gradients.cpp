// allreduce_gradients: data-parallel training's gradient averaging, in the graph. The gradients
// the optimizer updates read are grouped into buckets of PassContext::allreduceBucketBytes, in
// reverse parameter order (the order backpropagation finishes them, as Horovod and PyTorch DDP
// fuse them). Each bucket gets an allreduce_start placed right after its last gradient is made,
// so that its communication can run under the rest of the backward pass, and an allreduce_wait
// placed right before the first update that reads it; the updates then read the averages.
// The driver runs this pass only when the step runs on more than one rank.
#include <fmt/format.h>

#include "ir/builder.h"
#include "ir/grad.h"
#include "passes/pass.h"

namespace graphc {
namespace {

struct Bucket {
  std::vector<NodeId> updates;  // the update nodes whose gradients it carries
  std::vector<ValueId> grads;
  size_t bytes = 0;
};

// Buckets over the update nodes taken last to first.
Result<std::vector<Bucket>> formBuckets(const Graph& g, size_t bucketBytes) {
  std::vector<Bucket> buckets;
  for (NodeId n = (NodeId)g.nodes.size(); n-- > 0;) {
    const Node& node = g.nodes[n];
    if (node.dead || !node.info().has(kStateful)) continue;
    ValueId grad = node.operands[1];  // every optimizer update: (weight, gradient, ...)
    if (g.type(grad).dtype != DType::f32)
      return Error(ErrorCode::Unsupported, fmt::format("the gradient of %{} is {}; distributed training averages f32 gradients",
                                                       g.value(node.operands[0]).name, g.type(grad).str()));
    if (buckets.empty() || buckets.back().bytes >= bucketBytes) buckets.emplace_back();
    buckets.back().updates.push_back(n);
    buckets.back().grads.push_back(grad);
    buckets.back().bytes += g.type(grad).bytes();
  }
  return buckets;
}

}  // namespace

Status runAllreduceGradients(Graph& g, PassContext& ctx) {
  for (const Node& n : g.nodes)
    if (!n.dead && n.op == OpKind::AllreduceStart) return Error("the gradients are averaged already (the graph has allreduce_start)");
  GRAPHC_ASSIGN(std::vector<Bucket> buckets, formBuckets(g, std::max<size_t>(ctx.allreduceBucketBytes, 1)));
  size_t original = g.nodes.size();
  // Where the new nodes go: starts after a node, waits before one (original node ids).
  std::vector<std::vector<NodeId>> startsAfter(original), waitsBefore(original);
  for (size_t k = 0; k < buckets.size(); ++k) {
    Bucket& b = buckets[k];
    NodeId lastGrad = 0, firstUpdate = UINT32_MAX;
    std::vector<Shape> shapes;
    std::vector<TensorType> meanTypes;
    std::vector<std::string> meanNames;
    for (ValueId grad : b.grads) {
      if (g.value(grad).def != kNoNode) lastGrad = std::max(lastGrad, g.value(grad).def);
      shapes.push_back(g.type(grad).shape);
      meanTypes.push_back(g.type(grad));
      meanNames.push_back(g.uniqueName(g.value(grad).name + ".mean"));
    }
    for (NodeId u : b.updates) firstUpdate = std::min(firstUpdate, u);
    AttrMap startAttrs = attrsOf({{"bucket", (int64_t)k}});
    AttrMap waitAttrs = attrsOf({{"bucket", (int64_t)k}, {"shapes", encodeShapes(shapes)}});
    GRAPHC_ASSIGN(std::vector<TensorType> bufferType, inferTypes(OpKind::AllreduceStart, g.types(b.grads), startAttrs));
    NodeId start = g.addNode(OpKind::AllreduceStart, b.grads, startAttrs, bufferType, {g.uniqueName(fmt::format("bucket{}", k))});
    ValueId buffer = g.nodes[start].results[0];
    NodeId wait = g.addNode(OpKind::AllreduceWait, {buffer}, waitAttrs, meanTypes, meanNames);
    for (size_t i = 0; i < b.updates.size(); ++i) g.nodes[b.updates[i]].operands[1] = g.nodes[wait].results[i];
    startsAfter[lastGrad].push_back(start);
    waitsBefore[firstUpdate].push_back(wait);
  }
  // The new order: each original node with its waits just before it and its starts just after.
  std::vector<Node> ordered;
  ordered.reserve(g.nodes.size());
  for (NodeId n = 0; n < original; ++n) {
    for (NodeId w : waitsBefore[n]) ordered.push_back(std::move(g.nodes[w]));
    ordered.push_back(std::move(g.nodes[n]));
    for (NodeId s : startsAfter[n]) ordered.push_back(std::move(g.nodes[s]));
  }
  g.nodes = std::move(ordered);
  for (NodeId n = 0; n < g.nodes.size(); ++n)
    for (ValueId r : g.nodes[n].results) g.value(r).def = n;
  return g.finalize();
}

}  // namespace graphc
