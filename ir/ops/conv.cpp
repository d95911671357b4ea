// Convolution and pooling (NCHW): shape inference.
#include "ir/ops/infer.h"

namespace graphc {

Status checkActivation(const OpCtx& c);  // linalg.cpp

static Status checkWindowAttrs(const OpCtx& c, bool hasDilations) {
  if (c.ints("strides").size() != 2) return inferError("strides must have 2 entries");
  if (c.ints("pads").size() != 4) return inferError("pads must have 4 entries [top, left, bottom, right]");
  for (int64_t s : c.ints("strides"))
    if (s < 1) return inferError("strides must be positive");
  for (int64_t p : c.ints("pads"))
    if (p < 0) return inferError("pads must not be negative");
  if (hasDilations) {
    if (c.ints("dilations").size() != 2) return inferError("dilations must have 2 entries");
    for (int64_t d : c.ints("dilations"))
      if (d < 1) return inferError("dilations must be positive");
  }
  return ok();
}

// Output extent of one spatial axis.
static int64_t outExtent(int64_t in, int64_t k, int64_t stride, int64_t padBegin, int64_t padEnd, int64_t dilation, bool ceil) {
  int64_t span = dilation * (k - 1) + 1;
  int64_t num = in + padBegin + padEnd - span;
  if (num < 0) return 0;
  return (ceil ? (num + stride - 1) / stride : num / stride) + 1;
}

Types inferConv2d(const OpCtx& c) {
  const TensorType &x = c.operands[0], &w = c.operands[1], &b = c.operands[2];
  GRAPHC_TRY(checkActivation(c));
  GRAPHC_TRY(checkWindowAttrs(c, true));
  if (x.rank() != 4 || w.rank() != 4) return inferError("needs 4-D input (NCHW) and weights (OIHW), got {} and {}", x.str(), w.str());
  int64_t group = c.i("group");
  if (group < 1 || x.shape[1] % group || w.shape[0] % group)
    return inferError("group {} does not divide the channels of {} and {}", group, x.str(), w.str());
  if (w.shape[1] * group != x.shape[1])
    return inferError("weights {} expect {} input channels, input {} has {}", w.str(), w.shape[1] * group, x.str(), x.shape[1]);
  DType acc = accumulationType(x.dtype);  // bf16 input and weights accumulate in f32
  if (w.dtype != x.dtype || b.dtype != acc)
    return inferError("input and weights must share a dtype, and the bias must be {} (got {}, {} and {})", dtypeName(acc), x.str(),
                      w.str(), b.str());
  if (b.shape != Shape{w.shape[0]}) return inferError("bias must be [{}], got {}", w.shape[0], b.str());
  const auto &s = c.ints("strides"), &p = c.ints("pads"), &d = c.ints("dilations");
  int64_t oh = outExtent(x.shape[2], w.shape[2], s[0], p[0], p[2], d[0], false);
  int64_t ow = outExtent(x.shape[3], w.shape[3], s[1], p[1], p[3], d[1], false);
  if (oh < 1 || ow < 1) return inferError("kernel {}x{} does not fit the padded input {}", w.shape[2], w.shape[3], x.str());
  Shape out{x.shape[0], w.shape[0], oh, ow};
  if (c.operands.size() == 4 && (c.operands[3].shape != out || c.operands[3].dtype != acc))
    return inferError("residual must be {}, got {}", TensorType{acc, out}.str(), c.operands[3].str());
  return single({acc, out});
}

Types inferPool2d(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  bool isMax = c.info.kind == OpKind::MaxPool2d;
  GRAPHC_TRY(checkWindowAttrs(c, isMax));
  if (x.rank() != 4) return inferError("needs a 4-D input (NCHW), got {}", x.str());
  const auto& k = c.ints("kernel");
  if (k.size() != 2 || k[0] < 1 || k[1] < 1) return inferError("kernel must be two positive sizes");
  const auto &s = c.ints("strides"), &p = c.ints("pads");
  if (p[0] >= k[0] || p[2] >= k[0] || p[1] >= k[1] || p[3] >= k[1]) return inferError("pads must be smaller than the kernel");
  int64_t dh = isMax ? c.ints("dilations")[0] : 1, dw = isMax ? c.ints("dilations")[1] : 1;
  bool ceil = c.i("ceil_mode") != 0;
  int64_t oh = outExtent(x.shape[2], k[0], s[0], p[0], p[2], dh, ceil);
  int64_t ow = outExtent(x.shape[3], k[1], s[1], p[1], p[3], dw, ceil);
  // With ceil_mode the last window must start inside the input or the left padding.
  if (ceil && (oh - 1) * s[0] >= x.shape[2] + p[0]) --oh;
  if (ceil && (ow - 1) * s[1] >= x.shape[3] + p[1]) --ow;
  if (oh < 1 || ow < 1) return inferError("kernel {}x{} does not fit the padded input {}", k[0], k[1], x.str());
  return single({x.dtype, {x.shape[0], x.shape[1], oh, ow}});
}

Types inferGlobalPool(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  if (x.rank() != 4) return inferError("needs a 4-D input (NCHW), got {}", x.str());
  return single({x.dtype, {x.shape[0], x.shape[1], 1, 1}});
}

}  // namespace graphc

namespace graphc {

// The backward window ops check that the forward op on the shapes they name gives dy's shape.
static Status checkForward(OpKind forward, const OpCtx& c, std::vector<TensorType> operands, const TensorType& dy) {
  OpCtx fwd{opInfo(forward), operands, c.attrs};
  GRAPHC_ASSIGN(std::vector<TensorType> out, opInfo(forward).infer(fwd));
  // A bf16 dy stands for the forward's f32 result, rounded (the precision pass's doing).
  if (out[0] != TensorType{accumulationType(dy.dtype), dy.shape})
    return inferError("dy must be {} (the forward result), got {}", out[0].str(), dy.str());
  return ok();
}

static Result<TensorType> shapeAttr(const OpCtx& c, std::string_view name, DType dtype) {
  const auto& s = c.ints(name);
  if (s.size() != 4) return inferError("{} must have 4 entries, got [{}]", name, shapeStr(s));
  for (int64_t d : s)
    if (d < 1) return inferError("{} [{}] must be positive", name, shapeStr(s));
  return TensorType{dtype, s};
}

Types inferConv2dGradInput(const OpCtx& c) {
  const TensorType &dy = c.operands[0], &w = c.operands[1];
  GRAPHC_ASSIGN(TensorType x, shapeAttr(c, "input_shape", dy.dtype));
  if (w.rank() != 4) return inferError("weights must be 4-D (OIHW), got {}", w.str());
  if (w.dtype != dy.dtype) return inferError("dy {} and weights {} must share a dtype", dy.str(), w.str());
  GRAPHC_TRY(checkForward(OpKind::Conv2d, c, {x, w, {accumulationType(w.dtype), {w.shape[0]}}}, dy));
  return single({accumulationType(x.dtype), x.shape});
}

Types inferConv2dGradWeight(const OpCtx& c) {
  const TensorType &dy = c.operands[0], &x = c.operands[1];
  GRAPHC_ASSIGN(TensorType w, shapeAttr(c, "weight_shape", dy.dtype));
  if (x.dtype != dy.dtype) return inferError("dy {} and input {} must share a dtype", dy.str(), x.str());
  GRAPHC_TRY(checkForward(OpKind::Conv2d, c, {x, w, {accumulationType(w.dtype), {w.shape[0]}}}, dy));
  return single({accumulationType(w.dtype), w.shape});
}

Types inferMaxPool2dGrad(const OpCtx& c) {
  GRAPHC_TRY(checkForward(OpKind::MaxPool2d, c, {c.operands[1]}, c.operands[0]));
  return single(c.operands[1]);
}

Types inferAvgPool2dGrad(const OpCtx& c) {
  GRAPHC_ASSIGN(TensorType x, shapeAttr(c, "input_shape", c.operands[0].dtype));
  GRAPHC_TRY(checkForward(OpKind::AvgPool2d, c, {x}, c.operands[0]));
  return single(x);
}

}  // namespace graphc

// Gradient rules of convolution and pooling.
#include "ir/grad.h"

namespace graphc {

static AttrMap windowAttrs(GradCtx& c, std::initializer_list<const char*> names) {
  AttrMap a;
  for (const char* n : names) a.set(n, c.attr(n));
  return a;
}

// conv2d(x, w, b[, r]) = act(conv(x, w) + b) [+ r]: dz = dy * act'(z), then one backward op
// per operand and a reduction for the bias.
void gradConv2d(GradCtx& c) {
  auto act = *parseActivation(c.s("activation"));
  bool hasResidual = c.numOperands() == 4;
  ValueId dz = c.dy();
  if (hasResidual && c.wants(3)) c.addGrad(3, dz);
  if (act == Activation::Relu && !hasResidual) {
    dz = c.op(OpKind::ReluGrad, {dz, c.y()});
  } else if (act != Activation::None) {
    AttrMap plain = windowAttrs(c, {"strides", "pads", "dilations", "group"});
    ValueId z = c.op(OpKind::Conv2d, {c.x(0), c.x(1), c.x(2)}, plain);
    dz = activationGrad(c, act, c.f("alpha"), c.f("beta"), dz, z);
  }
  if (c.wants(0)) {
    AttrMap a = windowAttrs(c, {"strides", "pads", "dilations", "group"});
    a.set("input_shape", c.shape(c.x(0)));
    c.addGrad(0, c.op(OpKind::Conv2dGradInput, {dz, c.x(1)}, a));
  }
  if (c.wants(1)) {
    AttrMap a = windowAttrs(c, {"strides", "pads", "dilations", "group"});
    a.set("weight_shape", c.shape(c.x(1)));
    c.addGrad(1, c.op(OpKind::Conv2dGradWeight, {dz, c.x(0)}, a));
  }
  if (c.wants(2))
    c.addGrad(2, c.op(OpKind::ReduceSum, {dz}, attrsOf({{"axes", std::vector<int64_t>{0, 2, 3}}, {"keepdims", int64_t{0}}})));
}

// conv2d_grad_input(x, w) applies the adjoint of conv2d(., w) to x; ConvTranspose imports as
// it. Its gradient in x is conv2d(dy, w) itself, and in w the weight gradient of conv2d(dy, w)
// against x, because <G(x, w), dy> = <x, conv2d(dy, w)>.
void gradConv2dGradInput(GradCtx& c) {
  AttrMap a = windowAttrs(c, {"strides", "pads", "dilations", "group"});
  ValueId g = c.dy();
  if (c.wants(0)) {
    ValueId noBias = c.expand(c.scalar(0.0, g), {c.shape(c.x(1))[0]});
    c.addGrad(0, c.op(OpKind::Conv2d, {g, c.x(1), noBias}, a));
  }
  if (c.wants(1)) {
    a.set("weight_shape", c.shape(c.x(1)));
    c.addGrad(1, c.op(OpKind::Conv2dGradWeight, {c.x(0), g}, a));
  }
}

void gradMaxPool2d(GradCtx& c) {
  AttrMap a = windowAttrs(c, {"kernel", "strides", "pads", "dilations", "ceil_mode"});
  c.addGrad(0, c.op(OpKind::MaxPool2dGrad, {c.dy(), c.x(0)}, a));
}

void gradAvgPool2d(GradCtx& c) {
  AttrMap a = windowAttrs(c, {"kernel", "strides", "pads", "ceil_mode", "count_include_pad"});
  a.set("input_shape", c.shape(c.x(0)));
  c.addGrad(0, c.op(OpKind::AvgPool2dGrad, {c.dy()}, a));
}

void gradGlobalAvgPool(GradCtx& c) {
  const Shape& s = c.shape(c.x(0));
  ValueId dy = c.dy();
  c.addGrad(0, c.expand(c.div(dy, c.scalar((double)(s[2] * s[3]), dy)), s));
}

}  // namespace graphc
