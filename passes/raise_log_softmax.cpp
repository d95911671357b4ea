// raise_log_softmax: log(softmax(x)) -> log_softmax(x), one op that is also better behaved: it
// computes x - max - log(sum(exp(x - max))) and so stays finite where softmax underflows to 0
// and its log would be -inf (the only place the results differ).
#include "passes/graph_utils.h"
#include "passes/rewrite.h"

namespace graphc {
namespace {

// The softmax may have other users (a model's probabilities output, say): they keep it, and the
// log still gets the stable form, which matters most when training on that output.
bool logOfSoftmax(Graph& g, NodeId n, PassContext&) {
  const Node* s = producerOf(g, g.node(n).operands[0], OpKind::Softmax);
  if (!s) return false;
  ValueId x = s->operands[0];
  AttrMap attrs = s->attrs;
  return replaceWithNewNode(g, n, OpKind::LogSoftmax, {x}, std::move(attrs));
}

constexpr Pattern kPatterns[] = {{"log-of-softmax", OpKind::Log, logOfSoftmax}};

}  // namespace

Status runRaiseLogSoftmax(Graph& g, PassContext& ctx) {
  GRAPHC_TRY(applyPatterns(g, kPatterns, ctx));
  return ok();
}

}  // namespace graphc
