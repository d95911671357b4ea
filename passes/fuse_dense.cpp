// fuse_dense: matmul + bias add + activation + residual add become one dense op, which the
// backends run as one GEMM with a fused epilogue instead of three or four memory passes.
//
// dense(x, w, b[, r]){activation} = act(x.w + b) [+ r]. Every rule swallows only values that
// nothing else uses, so no intermediate is lost or computed twice.
#include "passes/graph_utils.h"
#include "passes/rewrite.h"

namespace graphc {
namespace {

ValueId operand(const Graph& g, NodeId n, size_t i) { return g.node(n).operands[i]; }

// add(matmul(x, w), b) or add(b, matmul(x, w)) -> dense(x, w, b), for a 2-D w [K, N] and a bias
// of exactly [N] (a [1, N] bias would broadcast the same but is not dense's operand shape).
bool matmulBias(Graph& g, NodeId n, PassContext&) {
  for (size_t i : {0u, 1u}) {
    const Node* mm = fusableProducer(g, operand(g, n, i), OpKind::MatMul);
    ValueId b = operand(g, n, 1 - i);
    if (!mm) continue;
    ValueId x = mm->operands[0], w = mm->operands[1];
    const TensorType& wt = g.type(w);
    if (wt.rank() != 2 || g.type(b) != TensorType{wt.dtype, {wt.shape[1]}}) continue;
    if (replaceWithNewNode(g, n, OpKind::Dense, {x, w, b}, {})) return true;
  }
  return false;
}

// act(dense(x, w, b){none}) -> dense(x, w, b){act}. Imported Gemms arrive as dense already. Not
// with a residual: act(xw + b + r) is not act(xw + b) + r.
bool denseActivation(Graph& g, NodeId n, PassContext&) {
  auto act = fusedActivationAttrs(g.node(n));
  if (!act) return false;
  const Node* d = fusableProducer(g, operand(g, n, 0), OpKind::Dense);
  if (!d || d->operands.size() != 3 || stringAttr(*d, "activation") != "none") return false;
  std::vector<ValueId> operands = d->operands;
  return replaceWithNewNode(g, n, OpKind::Dense, std::move(operands), std::move(*act));
}

// act(matmul(x, w)) -> dense(x, w, zeros){act}: adding a zero bias in the epilogue costs
// nothing next to the memory pass the separate activation would take.
bool matmulActivation(Graph& g, NodeId n, PassContext&) {
  auto act = fusedActivationAttrs(g.node(n));
  if (!act) return false;
  const Node* mm = fusableProducer(g, operand(g, n, 0), OpKind::MatMul);
  if (!mm || g.type(mm->operands[1]).rank() != 2) return false;
  ValueId x = mm->operands[0], w = mm->operands[1];
  const TensorType& wt = g.type(w);
  ValueId zeros = g.addConstant(g.uniqueName("zero_bias"), Tensor(TensorType{wt.dtype, {wt.shape[1]}}));
  // When the types disagree the orphaned constant is dropped by the driver's finalize().
  return replaceWithNewNode(g, n, OpKind::Dense, {x, w, zeros}, std::move(*act));
}

// add(dense(x, w, b), r) or add(r, dense(...)) -> dense(x, w, b, r) when r has the dense
// result's exact type (a broadcast add is not a residual). Sound for every activation: the
// residual is added after it, as in the unfused graph.
bool denseResidual(Graph& g, NodeId n, PassContext&) {
  for (size_t i : {0u, 1u}) {
    ValueId dv = operand(g, n, i), r = operand(g, n, 1 - i);
    const Node* d = fusableProducer(g, dv, OpKind::Dense);
    if (!d || d->operands.size() != 3 || g.type(r) != g.type(dv)) continue;
    std::vector<ValueId> operands = d->operands;
    operands.push_back(r);
    AttrMap attrs = d->attrs;
    if (replaceWithNewNode(g, n, OpKind::Dense, std::move(operands), std::move(attrs))) return true;
  }
  return false;
}

constexpr Pattern kPatterns[] = {
    {"matmul-bias-to-dense", OpKind::Add, matmulBias},
    {"dense-residual", OpKind::Add, denseResidual},
    {"dense-activation", std::nullopt, denseActivation},
    {"matmul-activation-to-dense", std::nullopt, matmulActivation},
};

}  // namespace

Status runFuseDense(Graph& g, PassContext& ctx) {
  GRAPHC_TRY(applyPatterns(g, kPatterns, ctx));
  return ok();
}

}  // namespace graphc
