// Reductions and axis normalizations (softmax, layer and batch norm): shape inference.
#include "ir/ops/infer.h"

#include <algorithm>

namespace graphc {

Types inferReduce(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  std::vector<bool> reduced(x.rank(), c.ints("axes").empty());
  for (int64_t a : c.ints("axes")) {
    auto n = normalizeAxis(a, x.rank());
    if (!n) return inferError("reduction axis {} is out of range for {}", a, x.str());
    if (reduced[*n]) return inferError("reduction axis {} appears twice", a);
    reduced[*n] = true;
  }
  if (x.dtype == DType::boolean) return inferError("'{}' does not take bool", c.info.name);
  Shape out;
  for (int64_t i = 0; i < x.rank(); ++i) {
    if (!reduced[i])
      out.push_back(x.shape[i]);
    else if (c.i("keepdims"))
      out.push_back(1);
  }
  return single({x.dtype, out});
}

Types inferSoftmax(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  if (!isFloat(x.dtype)) return inferError("'{}' needs a floating-point operand, got {}", c.info.name, x.str());
  if (!normalizeAxis(c.i("axis"), x.rank())) return inferError("axis {} is out of range for {}", c.i("axis"), x.str());
  return single(x);
}

Types inferLayerNorm(const OpCtx& c) {
  const TensorType &x = c.operands[0], &scale = c.operands[1], &bias = c.operands[2];
  auto axis = normalizeAxis(c.i("axis"), x.rank());
  if (!axis) return inferError("axis {} is out of range for {}", c.i("axis"), x.str());
  Shape normShape(x.shape.begin() + *axis, x.shape.end());
  for (const TensorType* t : {&scale, &bias}) {
    if (t->dtype != x.dtype) return inferError("scale and bias must be {} like the input, got {}", dtypeName(x.dtype), t->str());
    if (t->shape != normShape)
      return inferError("scale and bias must have shape [{}] (the normalized axes of {}), got {}",
                        shapeStr(normShape), x.str(), t->str());
  }
  if (c.f("epsilon") < 0) return inferError("epsilon must not be negative");
  return single(x);
}

Types inferBatchNorm(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  if (x.rank() < 2) return inferError("input must have a channel axis (rank >= 2), got {}", x.str());
  for (size_t i = 1; i < 5; ++i) {
    const TensorType& t = c.operands[i];
    if (t.dtype != x.dtype || t.shape != Shape{x.shape[1]})
      return inferError("operand #{} must be {}[{}] (one per channel), got {}", i, dtypeName(x.dtype), x.shape[1], t.str());
  }
  return single(x);
}

}  // namespace graphc
