// MatMul and the fused Dense op: shape inference.
#include "ir/ops/infer.h"

namespace graphc {

// NumPy matmul: 1-D operands are promoted and the promoted axis removed; batch axes broadcast.
Types inferMatMul(const OpCtx& c) {
  const TensorType &a = c.operands[0], &b = c.operands[1];
  if (a.dtype != b.dtype) return inferError("operand dtypes differ: {} and {}", a.str(), b.str());
  if (a.rank() == 0 || b.rank() == 0) return inferError("operands must have rank >= 1, got {} and {}", a.str(), b.str());
  Shape sa = a.shape, sb = b.shape;
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  int64_t k = sa.back(), k2 = sb[sb.size() - 2];
  if (k != k2) return inferError("contraction sizes differ: {} and {}", a.str(), b.str());
  auto batch = broadcastShapes(Shape(sa.begin(), sa.end() - 2), Shape(sb.begin(), sb.end() - 2));
  if (!batch) return inferError("batch dimensions of {} and {} do not broadcast", a.str(), b.str());
  Shape out = *batch;
  if (a.rank() > 1) out.push_back(sa[sa.size() - 2]);
  if (b.rank() > 1) out.push_back(sb.back());
  return single({a.dtype, out});
}

Status checkActivation(const OpCtx& c) {
  auto act = parseActivation(c.s("activation"));
  if (!act) return inferError("unknown activation '{}'", c.s("activation"));
  if (*act == Activation::Clip && c.f("alpha") > c.f("beta"))
    return inferError("clip activation needs alpha (min) <= beta (max)");
  return ok();
}

Types inferDense(const OpCtx& c) {
  const TensorType &x = c.operands[0], &w = c.operands[1], &b = c.operands[2];
  GRAPHC_TRY(checkActivation(c));
  if (x.rank() < 1 || w.rank() != 2) return inferError("needs x of rank >= 1 and w of rank 2, got {} and {}", x.str(), w.str());
  if (x.shape.back() != w.shape[0]) return inferError("x {} and w {} disagree on the contraction size", x.str(), w.str());
  if (w.dtype != x.dtype || b.dtype != x.dtype) return inferError("x, w and b must share a dtype");
  if (b.shape != Shape{w.shape[1]}) return inferError("bias must be [{}], got {}", w.shape[1], b.str());
  Shape out = x.shape;
  out.back() = w.shape[1];
  if (c.operands.size() == 4 && (c.operands[3].shape != out || c.operands[3].dtype != x.dtype))
    return inferError("residual must be {}, got {}", TensorType{x.dtype, out}.str(), c.operands[3].str());
  return single({x.dtype, out});
}

}  // namespace graphc
