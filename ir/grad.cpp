// The gradient-rule table and what rules share: GradCtx, undoing broadcasts, activations.
#include "ir/grad.h"

#include <fmt/format.h>

#include <cmath>

namespace graphc {

// Rules live beside each op's shape inference (ir/ops/*.cpp).
#define GRAD(name) void name(GradCtx&);
GRAD(gradNeg) GRAD(gradAbs) GRAD(gradSqrt) GRAD(gradExp) GRAD(gradLog) GRAD(gradErf) GRAD(gradReciprocal)
GRAD(gradRelu) GRAD(gradLeakyRelu) GRAD(gradElu) GRAD(gradSigmoid) GRAD(gradTanh) GRAD(gradGelu) GRAD(gradSilu) GRAD(gradClip)
GRAD(gradAdd) GRAD(gradSub) GRAD(gradMul) GRAD(gradDiv) GRAD(gradPow) GRAD(gradMin) GRAD(gradMax) GRAD(gradWhere)
GRAD(gradSoftmax) GRAD(gradLogSoftmax) GRAD(gradLayerNorm) GRAD(gradBatchNorm)
GRAD(gradReduceSum) GRAD(gradReduceMean) GRAD(gradReduceMax) GRAD(gradReduceProd)
GRAD(gradReshape) GRAD(gradTranspose) GRAD(gradConcat) GRAD(gradSlice) GRAD(gradGather) GRAD(gradExpand)
GRAD(gradMatMul) GRAD(gradDense) GRAD(gradConv2d) GRAD(gradConv2dGradInput) GRAD(gradMaxPool2d) GRAD(gradAvgPool2d) GRAD(gradGlobalAvgPool)
GRAD(gradReluGrad) GRAD(gradSliceGrad) GRAD(gradGatherGrad)
GRAD(gradHardSigmoid) GRAD(gradHardSwish) GRAD(gradPad) GRAD(gradPadGrad)
GRAD(gradSin) GRAD(gradCos) GRAD(gradTan) GRAD(gradAsin) GRAD(gradAcos) GRAD(gradAtan)
GRAD(gradSinh) GRAD(gradCosh) GRAD(gradAsinh) GRAD(gradAcosh) GRAD(gradAtanh) GRAD(gradPiecewiseConstant)
#undef GRAD

// No default case: a new op in ops.def makes -Wswitch point here.
GradFn gradRule(OpKind op) {
  switch (op) {
    case OpKind::Neg: return gradNeg;
    case OpKind::Abs: return gradAbs;
    case OpKind::Sqrt: return gradSqrt;
    case OpKind::Exp: return gradExp;
    case OpKind::Log: return gradLog;
    case OpKind::Erf: return gradErf;
    case OpKind::Reciprocal: return gradReciprocal;
    case OpKind::Relu: return gradRelu;
    case OpKind::LeakyRelu: return gradLeakyRelu;
    case OpKind::Elu: return gradElu;
    case OpKind::Sigmoid: return gradSigmoid;
    case OpKind::Tanh: return gradTanh;
    case OpKind::Gelu: return gradGelu;
    case OpKind::Silu: return gradSilu;
    case OpKind::Clip: return gradClip;
    case OpKind::HardSigmoid: return gradHardSigmoid;
    case OpKind::HardSwish: return gradHardSwish;
    case OpKind::Sin: return gradSin;
    case OpKind::Cos: return gradCos;
    case OpKind::Tan: return gradTan;
    case OpKind::Asin: return gradAsin;
    case OpKind::Acos: return gradAcos;
    case OpKind::Atan: return gradAtan;
    case OpKind::Sinh: return gradSinh;
    case OpKind::Cosh: return gradCosh;
    case OpKind::Asinh: return gradAsinh;
    case OpKind::Acosh: return gradAcosh;
    case OpKind::Atanh: return gradAtanh;
    case OpKind::Floor: case OpKind::Ceil: case OpKind::Round: case OpKind::Sign: return gradPiecewiseConstant;
    case OpKind::Pad: return gradPad;
    case OpKind::PadGrad: return gradPadGrad;
    case OpKind::Add: return gradAdd;
    case OpKind::Sub: return gradSub;
    case OpKind::Mul: return gradMul;
    case OpKind::Div: return gradDiv;
    case OpKind::Pow: return gradPow;
    case OpKind::Min: return gradMin;
    case OpKind::Max: return gradMax;
    case OpKind::Where: return gradWhere;
    case OpKind::Softmax: return gradSoftmax;
    case OpKind::LogSoftmax: return gradLogSoftmax;
    case OpKind::LayerNorm: return gradLayerNorm;
    case OpKind::BatchNorm: return gradBatchNorm;
    case OpKind::ReduceSum: return gradReduceSum;
    case OpKind::ReduceMean: return gradReduceMean;
    case OpKind::ReduceMax: return gradReduceMax;
    case OpKind::ReduceProd: return gradReduceProd;
    case OpKind::Reshape: return gradReshape;
    case OpKind::Transpose: return gradTranspose;
    case OpKind::Concat: return gradConcat;
    case OpKind::Slice: return gradSlice;
    case OpKind::Gather: return gradGather;
    case OpKind::Expand: return gradExpand;
    case OpKind::MatMul: return gradMatMul;
    case OpKind::Dense: return gradDense;
    case OpKind::Conv2d: return gradConv2d;
    case OpKind::Conv2dGradInput: return gradConv2dGradInput;
    case OpKind::MaxPool2d: return gradMaxPool2d;
    case OpKind::AvgPool2d: return gradAvgPool2d;
    case OpKind::GlobalAvgPool: return gradGlobalAvgPool;
    case OpKind::ReluGrad: return gradReluGrad;
    case OpKind::SliceGrad: return gradSliceGrad;
    case OpKind::GatherGrad: return gradGatherGrad;
    // Piecewise constant or integer-valued: no gradient flows.
    case OpKind::Equal: case OpKind::Less: case OpKind::Greater: case OpKind::Cast: case OpKind::OneHot: case OpKind::TopK:
    // A fused loss gives its logits' gradient itself; autodiff starts there.
    case OpKind::SoftmaxCrossEntropy:
    // Optimizer updates end a training step; nothing differentiates through them.
    case OpKind::SgdUpdate: case OpKind::MomentumUpdate: case OpKind::AdamUpdate:
    // Collectives run on gradients already, between autodiff and the updates.
    case OpKind::AllreduceStart: case OpKind::AllreduceWait:
    // Second-order gradients of these backward ops are not supported.
    case OpKind::DenseGrad: case OpKind::Conv2dGradWeight:
    case OpKind::MaxPool2dGrad: case OpKind::AvgPool2dGrad: case OpKind::LayerNormGrad:
      return nullptr;
  }
  return nullptr;
}

AttrMap attrsOf(std::initializer_list<std::pair<std::string, Attr>> list) {
  AttrMap m;
  for (const auto& [k, v] : list) m.set(k, v);
  return m;
}

GradCtx::GradCtx(Builder& b, Node node, std::vector<ValueId> dys, std::vector<bool> wants, Accumulate accumulate)
    : b(b), node(std::move(node)), dys_(std::move(dys)), wants_(std::move(wants)), accumulate_(std::move(accumulate)) {}

ValueId GradCtx::dy(size_t i) {
  if (dys_[i] == UINT32_MAX) dys_[i] = zerosLike(y(i));
  return dys_[i];
}

void GradCtx::addGrad(size_t i, ValueId g) {
  if (type(g) != type(x(i))) {
    b.fail(Error(ErrorCode::Internal, fmt::format("gradient of operand #{} of '{}' is {}, expected {}", i, node.info().name,
                                                  type(g).str(), type(x(i)).str())));
    return;
  }
  if (wants_[i]) accumulate_(x(i), g);
}

const Attr& GradCtx::attr(std::string_view name) const {
  if (const Attr* a = node.attrs.find(name)) return *a;
  const AttrSpec* spec = node.info().findAttr(name);
  if (spec && spec->defaultValue) return *spec->defaultValue;
  b.fail(Error(ErrorCode::Internal, fmt::format("the gradient rule of '{}' reads attribute '{}', which it lacks", node.info().name, name)));
  static const Attr missing{};  // read by the rest of the rule only; autodiff reports the error
  return missing;
}

template <class T>
const T& GradCtx::attrAs(std::string_view name) const {
  if (const T* value = std::get_if<T>(&attr(name))) return *value;
  b.fail(Error(ErrorCode::Internal, fmt::format("the gradient rule of '{}' reads attribute '{}' as the wrong kind", node.info().name, name)));
  static const T missing{};
  return missing;
}
template const int64_t& GradCtx::attrAs(std::string_view) const;
template const double& GradCtx::attrAs(std::string_view) const;
template const std::string& GradCtx::attrAs(std::string_view) const;
template const std::vector<int64_t>& GradCtx::attrAs(std::string_view) const;

std::vector<ValueId> GradCtx::ops(OpKind op, std::vector<ValueId> operands, AttrMap attrs) {
  std::vector<ValueId> standIns(operands.size(), operands.empty() ? y() : operands.front());
  auto r = b.tryCreate(op, std::move(operands), std::move(attrs), b.graph().value(y()).name + ".grad");
  if (r) return *r;
  // A gradient op has no more results than operands (dense_grad: 4 -> 3), so a rule can index
  // the stand-ins as it would the results; autodiff reports the error after the rule.
  b.fail(Error(ErrorCode::Internal, fmt::format("'{}': {}", opName(op), r.error().message())));
  return standIns;
}

ValueId GradCtx::op(OpKind op, std::vector<ValueId> operands, AttrMap attrs) {
  return ops(op, std::move(operands), std::move(attrs)).front();
}

ValueId GradCtx::scalar(double v, ValueId like) { return b.scalar(type(like).dtype, v); }

ValueId GradCtx::zerosLike(ValueId v) { return b.constant(Tensor(type(v)), "zeros"); }

ValueId GradCtx::reshape(ValueId v, const Shape& s) {
  if (shape(v) == s) return v;
  return op(OpKind::Reshape, {v}, attrsOf({{"shape", s}}));
}

ValueId GradCtx::expand(ValueId v, const Shape& s) {
  if (shape(v) == s) return v;
  return op(OpKind::Expand, {v}, attrsOf({{"shape", s}}));
}

ValueId GradCtx::sumTo(ValueId g, const Shape& target) {
  Shape gs = shape(g);
  if (gs == target) return g;
  size_t lead = gs.size() - target.size();
  std::vector<int64_t> axes;
  for (size_t d = 0; d < gs.size(); ++d)
    if (d < lead || (target[d - lead] == 1 && gs[d] != 1)) axes.push_back((int64_t)d);
  if (!axes.empty()) g = op(OpKind::ReduceSum, {g}, attrsOf({{"axes", axes}, {"keepdims", int64_t{1}}}));
  return reshape(g, target);
}

ValueId activationGrad(GradCtx& c, Activation act, double alpha, double beta, ValueId dy, ValueId z) {
  auto k = [&](double v) { return c.scalar(v, z); };
  switch (act) {
    case Activation::None: return dy;
    case Activation::Relu: return c.op(OpKind::ReluGrad, {dy, z});  // z > 0 exactly where relu(z) > 0
    case Activation::LeakyRelu:
      return c.where(c.op(OpKind::Greater, {z, k(0)}), dy, c.mul(dy, k(alpha)));
    case Activation::Elu:
      return c.where(c.op(OpKind::Greater, {z, k(0)}), dy, c.mul(dy, c.mul(k(alpha), c.op(OpKind::Exp, {z}))));
    case Activation::Sigmoid: {
      ValueId s = c.op(OpKind::Sigmoid, {z});
      return c.mul(dy, c.mul(s, c.sub(k(1), s)));
    }
    case Activation::Tanh: {
      ValueId t = c.op(OpKind::Tanh, {z});
      return c.mul(dy, c.sub(k(1), c.mul(t, t)));
    }
    case Activation::Clip: {
      ValueId zero = k(0);
      ValueId inner = c.where(c.op(OpKind::Less, {z, k(beta)}), dy, zero);
      return c.where(c.op(OpKind::Greater, {z, k(alpha)}), inner, zero);
    }
    case Activation::Gelu: {
      // d/dz [z * Phi(z)] = Phi(z) + z * phi(z), the exact (erf) gelu.
      ValueId cdf = c.mul(k(0.5), c.add(k(1), c.op(OpKind::Erf, {c.mul(z, k(M_SQRT1_2))})));
      ValueId pdf = c.mul(k(0.5 * M_2_SQRTPI * M_SQRT1_2), c.op(OpKind::Exp, {c.mul(k(-0.5), c.mul(z, z))}));
      return c.mul(dy, c.add(cdf, c.mul(z, pdf)));
    }
    case Activation::Silu: {
      // d/dz [z s(z)] = s + z s (1 - s), s the sigmoid.
      ValueId s = c.op(OpKind::Sigmoid, {z});
      return c.mul(dy, c.add(s, c.mul(c.mul(z, s), c.sub(k(1), s))));
    }
  }
  return dy;
}

}  // namespace graphc
