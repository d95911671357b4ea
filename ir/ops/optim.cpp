// Optimizer update ops (sgd, momentum, adam): shape inference. They have no gradient rules.
#include "ir/ops/infer.h"

namespace graphc {

// Every tensor operand is the weight's type; names are for messages.
static Status sameAsWeight(const OpCtx& c, std::initializer_list<std::pair<size_t, const char*>> operands) {
  const TensorType& w = c.operands[0];
  if (!isFloat(w.dtype)) return inferError("the weight must be floating-point, got {}", w.str());
  for (auto [i, name] : operands)
    if (c.operands[i] != w) return inferError("{} must be {} like the weight, got {}", name, w.str(), c.operands[i].str());
  if (c.f("lr") < 0) return inferError("lr must not be negative");
  return ok();
}

Types inferSgdUpdate(const OpCtx& c) {
  GRAPHC_TRY(sameAsWeight(c, {{1, "the gradient"}}));
  return single(c.operands[0]);
}

Types inferMomentumUpdate(const OpCtx& c) {
  GRAPHC_TRY(sameAsWeight(c, {{1, "the gradient"}, {2, "the momentum buffer"}}));
  return std::vector<TensorType>{c.operands[0], c.operands[0]};
}

Types inferAdamUpdate(const OpCtx& c) {
  GRAPHC_TRY(sameAsWeight(c, {{1, "the gradient"}, {2, "the first moment"}, {3, "the second moment"}}));
  const TensorType& step = c.operands[4];
  if (step.numel() != 1 || step.dtype == DType::boolean) return inferError("step must be a numeric scalar, got {}", step.str());
  for (const char* b : {"beta1", "beta2"})
    if (c.f(b) < 0 || c.f(b) >= 1) return inferError("{} must be in [0, 1), got {}", b, c.f(b));
  return std::vector<TensorType>{c.operands[0], c.operands[0], c.operands[0]};
}

}  // namespace graphc
