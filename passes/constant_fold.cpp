// Constant folding: evaluate nodes whose operands are all constants (ir/eval), and replace their
// results by constants.
#include "ir/eval/fold_limit.h"
#include "ir/eval/interpreter.h"
#include "passes/graph_utils.h"
#include "passes/rewrite.h"

namespace graphc {
namespace {

bool foldable(const Graph& g, const Node& n) {
  // Only ValueKind::Const operands, never Params: params are weights, constant for inference
  // but trained later, and folding would bake today's value into the graph.
  for (ValueId v : n.operands)
    if (g.value(v).kind != ValueKind::Const) return false;
  // Stateful nodes matter for their writes; nodes without operands (none today) have nothing to fold.
  if (n.operands.empty() || hasSideEffects(n.info())) return false;
  return eval::withinFoldLimit(g.types(n.results));
}

// Replaces node id by constants holding its results, computed by ir/eval.
bool foldNode(Graph& g, NodeId id, PassContext&) {
  if (!foldable(g, g.nodes[id])) return false;
  const Node& n = g.nodes[id];
  std::vector<Tensor> operands;
  std::vector<TensorType> resultTypes;
  for (ValueId v : n.operands) operands.push_back(g.value(v).data);
  for (ValueId r : n.results) resultTypes.push_back(g.type(r));
  auto folded = eval::evalNode(n, operands, resultTypes);
  // A data-dependent failure (say a gather index out of range) is left for run time, where the
  // backend reports it against the same node.
  if (!folded || folded->size() != resultTypes.size()) return false;
  for (size_t i = 0; i < resultTypes.size(); ++i)
    if ((*folded)[i].type() != resultTypes[i]) return false;

  std::vector<ValueId> results = n.results;  // addConstant may reallocate g.values
  Loc loc = n.loc;
  for (size_t i = 0; i < results.size(); ++i) {
    // clone(): the interpreter may return a view of an operand's storage (a reshape).
    Tensor data = (*folded)[i].clone();
    ValueId c = g.addConstant(g.uniqueName(g.value(results[i]).name), std::move(data), ValueKind::Const, loc);
    swapNames(g, results[i], c);  // the constant keeps the folded value's name
    g.replaceAllUses(results[i], c);
  }
  g.nodes[id].dead = true;
  return true;
}

constexpr Pattern kPatterns[] = {{"fold-constant-node", std::nullopt, foldNode}};

}  // namespace

// The driver visits nodes in topological order, so a chain of constant nodes folds in one sweep.
Status runConstantFold(Graph& g, PassContext& ctx) {
  GRAPHC_TRY(applyPatterns(g, kPatterns, ctx));
  return ok();
}

}  // namespace graphc
