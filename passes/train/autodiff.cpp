// Reverse-mode autodiff: a backward walk that calls one gradient rule per node.
#include "passes/train/autodiff.h"

#include <fmt/format.h>

#include "ir/grad.h"
#include "ir/verifier.h"

namespace graphc {

Result<std::vector<ValueId>> buildGradients(Graph& g, ValueId loss, std::span<const ValueId> wrt) {
  if (loss >= g.values.size()) return Error("autodiff: the loss is not a value of the graph");
  const TensorType lossType = g.type(loss);
  if (!isFloat(lossType.dtype) || lossType.numel() != 1)
    return Error(fmt::format("autodiff: the loss '%{}' must be a float scalar, got {}", g.value(loss).name, lossType.str()));
  Builder b(g);
  std::pair<ValueId, ValueId> seed{loss, b.constant(Tensor::scalar(lossType.dtype, 1.0).reshaped(lossType.shape), "loss.seed")};
  return buildGradients(g, std::span(&seed, 1), wrt);
}

Result<std::vector<ValueId>> buildGradients(Graph& g, std::span<const std::pair<ValueId, ValueId>> seeds,
                                            std::span<const ValueId> wrt) {
  if (seeds.empty()) return Error("autodiff: no gradient to start from");
  for (auto [v, dv] : seeds)
    if (v >= g.values.size() || dv >= g.values.size() || g.type(v) != g.type(dv))
      return Error("autodiff: a seed gradient must be a value of the graph typed like its value");
  ValueId loss = seeds[0].first;  // named in errors
  size_t numValues = g.values.size(), numNodes = g.nodes.size();

  // needs[v]: v depends on something in wrt through float values, so a gradient must reach it.
  std::vector<bool> needs(numValues, false);
  for (ValueId v : wrt) {
    if (v >= numValues) return Error("autodiff: a value to differentiate with respect to is not in the graph");
    needs[v] = isFloat(g.type(v).dtype);
  }
  for (const Node& n : g.nodes) {
    if (n.dead) continue;
    bool any = false;
    for (ValueId v : n.operands) any = any || needs[v];
    if (any)
      for (ValueId r : n.results) needs[r] = isFloat(g.type(r).dtype);
  }

  std::vector<ValueId> grad(numValues, UINT32_MAX);
  Builder b(g);
  for (auto [v, dv] : seeds) grad[v] = dv;
  auto accumulate = [&](ValueId v, ValueId gv) {
    grad[v] = grad[v] == UINT32_MAX ? gv : b.create(OpKind::Add, {grad[v], gv}, {}, g.value(v).name + ".grad");
  };

  for (size_t i = numNodes; i-- > 0;) {
    if (g.nodes[i].dead) continue;
    Node node = g.nodes[i];  // a copy: rules append nodes
    std::vector<ValueId> dys;
    bool anyDy = false;
    for (ValueId r : node.results) dys.push_back(grad[r]), anyDy = anyDy || grad[r] != UINT32_MAX;
    std::vector<bool> wants;
    bool anyWant = false;
    for (ValueId v : node.operands) wants.push_back(needs[v]), anyWant = anyWant || needs[v];
    if (!anyDy || !anyWant) continue;
    GradFn rule = gradRule(node.op);
    if (!rule)
      return Error(ErrorCode::Unsupported, fmt::format("cannot differentiate '%{}': the gradient must pass through the {}, and '{}' has no gradient rule{}",
                               g.value(loss).name, describeNode(g, node), opName(node.op),
                               node.info().has(kNonDifferentiable) ? " (it is not differentiable)" : ""),
                   node.loc);
    GradCtx ctx(b, std::move(node), std::move(dys), std::move(wants), accumulate);
    rule(ctx);
    if (Status built = b.status(); !built)
      return Error(ErrorCode::Internal, fmt::format("internal error in the gradient rule of the {}: {}",
                                                    describeNode(g, g.nodes[i]), built.error().message()),
                   g.nodes[i].loc);
  }

  std::vector<ValueId> out;
  for (ValueId v : wrt) out.push_back(grad[v] != UINT32_MAX ? grad[v] : b.constant(Tensor(g.type(v)), g.value(v).name + ".grad"));
  return out;
}

}  // namespace graphc
