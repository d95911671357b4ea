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

Types inferTopK(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  if (x.dtype == DType::boolean || isStorageType(x.dtype)) return inferError("'top_k' does not take {}", dtypeName(x.dtype));
  auto axis = normalizeAxis(c.i("axis"), x.rank());
  if (!axis) return inferError("axis {} is out of range for {}", c.i("axis"), x.str());
  int64_t k = c.i("k");
  if (k < 0 || k > x.shape[*axis]) return inferError("k = {} is outside [0, {}], the extent of axis {} of {}", k, x.shape[*axis], *axis, x.str());
  if (c.i("largest") != 0 && c.i("largest") != 1) return inferError("largest must be 0 or 1, got {}", c.i("largest"));
  Shape out = x.shape;
  out[*axis] = k;
  return single({DType::i64, out});
}

Types inferSoftmax(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  if (!isFloat(x.dtype)) return inferError("'{}' needs a floating-point operand, got {}", c.info.name, x.str());
  if (!normalizeAxis(c.i("axis"), x.rank())) return inferError("axis {} is out of range for {}", c.i("axis"), x.str());
  return single(x);
}

Types inferSoftmaxCrossEntropy(const OpCtx& c) {
  const TensorType &z = c.operands[0], &t = c.operands[1];
  if (!isFloat(z.dtype) || z.rank() != 2) return inferError("logits must be a float [N, classes], got {}", z.str());
  if (t != z) return inferError("the target must be {} like the logits, got {}", z.str(), t.str());
  return std::vector<TensorType>{{z.dtype, {}}, z};
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

namespace graphc {

// layer_norm_grad(dy, x, scale) -> (dx, dscale, dbias).
Types inferLayerNormGrad(const OpCtx& c) {
  const TensorType &dy = c.operands[0], &x = c.operands[1], &scale = c.operands[2];
  if (dy != x) return inferError("dy {} and x {} must have the same type", dy.str(), x.str());
  std::vector<TensorType> fwd{x, scale, scale};
  OpCtx f{opInfo(OpKind::LayerNorm), fwd, c.attrs};
  GRAPHC_TRY(inferLayerNorm(f));
  return std::vector<TensorType>{x, scale, scale};
}

}  // namespace graphc

// Gradient rules of the reductions and normalizations.
#include "ir/grad.h"

namespace graphc {

// The reduced axes of a reduction node, normalized, and its result's shape with keepdims.
static std::vector<int64_t> reducedAxes(GradCtx& c) {
  int64_t rank = c.type(c.x(0)).rank();
  std::vector<int64_t> axes;
  for (int64_t a : c.ints("axes")) axes.push_back(*normalizeAxis(a, rank));
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  return axes;
}

static Shape keptShape(GradCtx& c) {
  Shape s = c.shape(c.x(0));
  for (int64_t a : reducedAxes(c)) s[a] = 1;
  return s;
}

// dy (or the result) brought back to the input's rank and shape.
static ValueId spread(GradCtx& c, ValueId v) { return c.expand(c.reshape(v, keptShape(c)), c.shape(c.x(0))); }

void gradReduceSum(GradCtx& c) { c.addGrad(0, spread(c, c.dy())); }

void gradReduceMean(GradCtx& c) {
  int64_t count = 1;
  for (int64_t a : reducedAxes(c)) count *= c.shape(c.x(0))[a];
  ValueId dy = c.dy();
  c.addGrad(0, spread(c, c.div(dy, c.scalar((double)count, dy))));
}

// To every maximal element, shared evenly between ties (as PyTorch's amax does).
void gradReduceMax(GradCtx& c) {
  ValueId x = c.x(0);
  ValueId mask = c.op(OpKind::Cast, {c.op(OpKind::Equal, {x, spread(c, c.y())})},
                      attrsOf({{"to", std::string(dtypeName(c.type(x).dtype))}}));
  ValueId count = c.op(OpKind::ReduceSum, {mask}, attrsOf({{"axes", reducedAxes(c)}, {"keepdims", int64_t{1}}}));
  ValueId share = c.div(c.reshape(c.dy(), keptShape(c)), count);
  c.addGrad(0, c.mul(mask, share));
}

// d/dx_i of the product is the product of the other elements: y / x_i where x_i is not 0. At a
// zero it is the product of the rest, which is nonzero only when that zero is the only one.
void gradReduceProd(GradCtx& c) {
  ValueId x = c.x(0);
  AttrMap kept = attrsOf({{"axes", reducedAxes(c)}, {"keepdims", int64_t{1}}});
  ValueId zero = c.op(OpKind::Equal, {x, c.scalar(0, x)});
  ValueId nonzeros = c.where(zero, c.scalar(1, x), x);
  ValueId zeroCount = c.op(OpKind::ReduceSum, {c.op(OpKind::Cast, {zero}, attrsOf({{"to", std::string(dtypeName(c.type(x).dtype))}}))}, kept);
  ValueId onlyZero = c.op(OpKind::Equal, {zeroCount, c.scalar(1, x)});
  ValueId rest = c.where(onlyZero, c.op(OpKind::ReduceProd, {nonzeros}, kept), c.scalar(0, x));
  ValueId others = c.where(zero, spread(c, rest), c.div(spread(c, c.y()), nonzeros));
  c.addGrad(0, c.mul(others, spread(c, c.dy())));
}

void gradSoftmax(GradCtx& c) {
  // dx = y * (dy - sum(dy * y))
  ValueId y = c.y(), dy = c.dy();
  AttrMap axis = attrsOf({{"axes", std::vector<int64_t>{c.i("axis")}}, {"keepdims", int64_t{1}}});
  ValueId dot = c.op(OpKind::ReduceSum, {c.mul(dy, y)}, axis);
  c.addGrad(0, c.mul(y, c.sub(dy, dot)));
}

void gradLogSoftmax(GradCtx& c) {
  // dx = dy - exp(y) * sum(dy)
  ValueId y = c.y(), dy = c.dy();
  AttrMap axis = attrsOf({{"axes", std::vector<int64_t>{c.i("axis")}}, {"keepdims", int64_t{1}}});
  ValueId sum = c.op(OpKind::ReduceSum, {dy}, axis);
  c.addGrad(0, c.sub(dy, c.mul(c.op(OpKind::Exp, {y}), sum)));
}

void gradLayerNorm(GradCtx& c) {
  AttrMap attrs = attrsOf({{"axis", c.i("axis")}, {"epsilon", c.f("epsilon")}});
  std::vector<ValueId> g = c.ops(OpKind::LayerNormGrad, {c.dy(), c.x(0), c.x(1)}, attrs);
  for (size_t i = 0; i < 3; ++i)
    if (c.wants(i)) c.addGrad(i, g[i]);
}

// Inference-mode batch norm y = (x - mean) * scale / sqrt(var + eps) + bias, per channel (axis 1).
void gradBatchNorm(GradCtx& c) {
  ValueId x = c.x(0), dy = c.dy();
  const Shape& xs = c.shape(x);
  Shape chan(xs.size(), 1);
  chan[1] = xs[1];
  auto perChannel = [&](ValueId v) { return c.reshape(v, chan); };
  std::vector<int64_t> others;
  for (int64_t d = 0; d < (int64_t)xs.size(); ++d)
    if (d != 1) others.push_back(d);
  auto sumOthers = [&](ValueId v) {
    return c.op(OpKind::ReduceSum, {v}, attrsOf({{"axes", others}, {"keepdims", int64_t{0}}}));
  };
  ValueId scale = c.x(1), mean = c.x(3), var = c.x(4);
  ValueId inv = c.op(OpKind::Reciprocal, {c.op(OpKind::Sqrt, {c.add(var, c.scalar(c.f("epsilon"), var))})});
  ValueId centered = c.sub(x, perChannel(mean));
  ValueId sumDy = c.wants(2) || c.wants(3) ? sumOthers(dy) : UINT32_MAX;
  if (c.wants(0)) c.addGrad(0, c.mul(dy, perChannel(c.mul(scale, inv))));
  if (c.wants(1)) c.addGrad(1, c.mul(sumOthers(c.mul(dy, centered)), inv));
  if (c.wants(2)) c.addGrad(2, sumDy);
  if (c.wants(3)) c.addGrad(3, c.neg(c.mul(sumDy, c.mul(scale, inv))));
  if (c.wants(4)) {
    // d/dvar (var + eps)^-1/2 = -1/2 (var + eps)^-3/2 = -1/2 inv^3
    ValueId inv3 = c.mul(inv, c.mul(inv, inv));
    ValueId t = c.mul(sumOthers(c.mul(dy, centered)), c.mul(scale, inv3));
    c.addGrad(4, c.mul(t, c.scalar(-0.5, t)));
  }
}

}  // namespace graphc
