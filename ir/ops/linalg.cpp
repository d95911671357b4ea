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
  return single({accumulationType(a.dtype), out});
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
  // bf16 x and w accumulate in f32, and the bias, residual and result are f32.
  DType acc = accumulationType(x.dtype);
  if (w.dtype != x.dtype || b.dtype != acc)
    return inferError("x and w must share a dtype, and b must be {} (got {}, {} and {})", dtypeName(acc), x.str(), w.str(), b.str());
  if (b.shape != Shape{w.shape[1]}) return inferError("bias must be [{}], got {}", w.shape[1], b.str());
  Shape out = x.shape;
  out.back() = w.shape[1];
  if (c.operands.size() == 4 && (c.operands[3].shape != out || c.operands[3].dtype != acc))
    return inferError("residual must be {}, got {}", TensorType{acc, out}.str(), c.operands[3].str());
  return single({acc, out});
}

}  // namespace graphc

namespace graphc {

// dense_grad(dy, x, w, y) -> (dx, dw, db) for y = act(x.w + b).
Types inferDenseGrad(const OpCtx& c) {
  const TensorType &dy = c.operands[0], &x = c.operands[1], &w = c.operands[2], &y = c.operands[3];
  GRAPHC_TRY(checkActivation(c));
  if (x.rank() < 1 || w.rank() != 2 || x.shape.back() != w.shape[0])
    return inferError("x {} and w {} do not make a dense op", x.str(), w.str());
  Shape out = x.shape;
  out.back() = w.shape[1];
  if (dy.shape != out || y.shape != out) return inferError("dy {} and y {} must be [{}]", dy.str(), y.str(), shapeStr(out));
  // bf16 x and w: dy, y and every gradient are f32; the GEMMs read dz rounded to bf16.
  DType acc = accumulationType(x.dtype);
  if (w.dtype != x.dtype || dy.dtype != acc || y.dtype != acc)
    return inferError("x and w must share a dtype, and dy and y must be {} (got {}, {}, {} and {})", dtypeName(acc), dy.str(),
                      x.str(), w.str(), y.str());
  return std::vector<TensorType>{{acc, x.shape}, {acc, w.shape}, {acc, {w.shape[1]}}};
}

}  // namespace graphc

// Gradient rules of matmul and dense.
#include "ir/grad.h"

namespace graphc {

// NumPy matmul: promote 1-D operands, then dA = dY.B^T and dB = A^T.dY over the broadcast batch,
// summed back to each operand's batch shape.
void gradMatMul(GradCtx& c) {
  ValueId a = c.x(0), b = c.x(1);
  Shape sa = c.shape(a), sb = c.shape(b);
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  Shape out = *broadcastShapes(Shape(sa.begin(), sa.end() - 2), Shape(sb.begin(), sb.end() - 2));
  out.push_back(sa[sa.size() - 2]);
  out.push_back(sb.back());
  ValueId dy = c.reshape(c.dy(), out);
  auto swapLast = [&](ValueId v) {
    std::vector<int64_t> perm;
    int64_t r = c.type(v).rank();
    for (int64_t d = 0; d < r; ++d) perm.push_back(d);
    std::swap(perm[r - 1], perm[r - 2]);
    return c.op(OpKind::Transpose, {v}, attrsOf({{"perm", perm}}));
  };
  if (c.wants(0)) {
    ValueId da = c.op(OpKind::MatMul, {dy, swapLast(c.reshape(b, sb))});
    c.addGrad(0, c.reshape(c.sumTo(da, sa), c.shape(a)));
  }
  if (c.wants(1)) {
    ValueId db = c.op(OpKind::MatMul, {swapLast(c.reshape(a, sa)), dy});
    c.addGrad(1, c.reshape(c.sumTo(db, sb), c.shape(b)));
  }
}

// dense(x, w, b[, r]) = act(x.w + b) [+ r]. Activations whose derivative follows from the output
// go to one dense_grad; gelu and silu recompute the pre-activation and fold their derivative first.
void gradDense(GradCtx& c) {
  auto act = *parseActivation(c.s("activation"));
  bool hasResidual = c.numOperands() == 4;
  ValueId dy = c.dy();
  if (hasResidual && c.wants(3)) c.addGrad(3, dy);
  if (!c.wants(0) && !c.wants(1) && !c.wants(2)) return;
  AttrMap attrs = attrsOf({{"activation", c.s("activation")}, {"alpha", c.f("alpha")}, {"beta", c.f("beta")}});
  std::vector<ValueId> xwb{c.x(0), c.x(1), c.x(2)};
  ValueId y = c.y();
  if (derivativeNeedsInput(act)) {
    ValueId z = c.op(OpKind::Dense, xwb);
    dy = activationGrad(c, act, 0, 0, dy, z);
    attrs = {};
    y = z;
  } else if (hasResidual) {
    y = c.op(OpKind::Dense, xwb, attrs);  // the activation's output without the residual
  }
  std::vector<ValueId> g = c.ops(OpKind::DenseGrad, {dy, c.x(0), c.x(1), y}, attrs);
  for (size_t i = 0; i < 3; ++i)
    if (c.wants(i)) c.addGrad(i, g[i]);
}

}  // namespace graphc
