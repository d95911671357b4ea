// Training ops. Gradients use oneDNN's backward primitives (eltwise with the output, matmul for
// dense_grad, convolution backward data/weights, pooling and layer-norm backward); optimizer
// updates, one_hot, gather_grad and slice_grad are our kernels. Non-f32 runs on the interpreter.
#include "backend/dnnl/kernels.h"
#include "backend/dnnl/lowering.h"
#include "runtime/state.h"

namespace graphc::dnnl {
namespace {

using dt = dn::memory::data_type;
using tag = dn::memory::format_tag;
using alg = dn::algorithm;

dn::memory::desc f32(const Shape& s) { return plainDesc(s, DType::f32); }

// diff_src = diff_dst * f'(y) for an activation whose derivative follows from its output y.
Result<int> eltwiseBackwardFromOutput(Lowering& L, const Node& n, Activation act, float alpha, float beta, int dy, int y,
                                      const Shape& shape, int dx) {
  alg a;
  switch (act) {
    case Activation::Relu: a = alg::eltwise_relu_use_dst_for_bwd, alpha = 0; break;
    case Activation::LeakyRelu: a = alg::eltwise_relu_use_dst_for_bwd; break;
    case Activation::Sigmoid: a = alg::eltwise_logistic_use_dst_for_bwd; break;
    case Activation::Tanh: a = alg::eltwise_tanh_use_dst_for_bwd; break;
    case Activation::Clip: a = alg::eltwise_clip_v2_use_dst_for_bwd; break;
    case Activation::Elu: a = alg::eltwise_elu_use_dst_for_bwd; break;
    default:
      return Error(fmt::format("a {} derivative needs the pre-activation; autodiff folds it into dy first", activationName(act)));
  }
  dn::memory::desc md = f32(shape);
  auto pd = dnnlTry(L.describe(n), [&] {
    dn::eltwise_forward::primitive_desc hint(dn::eltwise_forward::desc(dn::prop_kind::forward_training, a, md, alpha, beta), L.engine);
    return dn::eltwise_backward::primitive_desc(dn::eltwise_backward::desc(a, md, md, alpha, beta), L.attr(), L.engine, hint);
  });
  if (!pd) return pd.takeError();
  L.addPrimitive(*pd, {{DNNL_ARG_DST, L.memref(y, md)}, {DNNL_ARG_DIFF_DST, L.memref(dy, md)}, {DNNL_ARG_DIFF_SRC, L.memref(dx, md)}},
                 L.describe(n));
  return dx;
}

// A plain matmul over strided views: dst[M,N] = src[M,K] . wei[K,N].
Status matmulViews(Lowering& L, const Node& n, int src, const dn::memory::desc& smd, int wei, const dn::memory::desc& wmd,
                   int dst, const dn::memory::desc& dmd) {
  auto pd = dnnlTry(L.describe(n), [&] { return dn::matmul::primitive_desc(dn::matmul::desc(smd, wmd, dmd), L.attr(), L.engine); });
  if (!pd) return pd.takeError();
  L.addPrimitive(*pd, {{DNNL_ARG_SRC, L.memref(src, smd)}, {DNNL_ARG_WEIGHTS, L.memref(wei, wmd)}, {DNNL_ARG_DST, L.memref(dst, dmd)}},
                 L.describe(n));
  return ok();
}

// dense_grad(dy, x, w, y) -> (dx, dw, db) with dz = dy * act'(y): dx = dz.w^T, dw = x^T.dz and
// db = the column sums of dz; the transposes are strided views, never copies. For relu (and no
// activation) our kernel makes dz and db in one pass, and for small shapes dx and dw as well.
// With bf16 x and w (the precision pass), both products read dz rounded to bf16 and accumulate in
// f32, as the interpreter defines it; db sums the unrounded dz.
Status denseGrad(Lowering& L, const Node& n, const OpCtx& c) {
  ValueId dyV = n.operands[0], xV = n.operands[1], wV = n.operands[2], yV = n.operands[3];
  int64_t k = L.type(wV).shape[0], nn = L.type(wV).shape[1], m = nn ? L.type(dyV).numel() / nn : 0;
  Activation act = *parseActivation(c.s("activation"));
  bool bf16 = L.type(xV).dtype == DType::bf16;
  DType dzType = bf16 ? DType::bf16 : DType::f32;  // what the products read
  int dy = L.plainBuffer(dyV), x = L.plainBuffer(xV), w = L.plainBuffer(wV);
  bool ours = act == Activation::Relu || act == Activation::None;  // dz (and db) from our kernel alone
  DenseGradMode mode{.relu = act == Activation::Relu, .gemms = ours && !bf16 && m * k * nn <= kSmallGemm, .bf16Dz = bf16};
  // dz in f32 (the kernel's input): dy itself, or the eltwise backward's result; dz for the
  // products: that, unless the kernel writes it (relu's mask, or the rounding to bf16).
  int dzf = ours ? dy : L.tempBuffer((size_t)(m * nn) * 4, "dz f32");
  int dz = mode.relu || bf16 ? L.tempBuffer((size_t)(m * nn) * dtypeSize(dzType), "dz") : dzf;
  if (!ours)
    GRAPHC_TRY(eltwiseBackwardFromOutput(L, n, act, (float)c.f("alpha"), (float)c.f("beta"), dy, L.plainBuffer(yV), {m, nn}, dzf));
  bool wantDx = L.isUsed(n.results[0]);  // not for the first layer: x is the model's input
  int dx = L.defineResult(n.results[0]), dw = L.defineResult(n.results[1]), db = L.defineResult(n.results[2]);
  int y = mode.relu ? L.plainBuffer(yV) : -1;
  int scratch = mode.gemms ? L.tempBuffer((size_t)(k * nn) * 4, "dense_grad scratch") : -1;
  std::vector<int> reads{dzf}, writes{db};
  if (mode.relu) reads.push_back(y);
  if (dz != dzf) writes.push_back(dz);
  if (mode.gemms) reads.push_back(x), reads.push_back(w), writes.push_back(dw), writes.push_back(scratch);
  if (mode.gemms && wantDx) writes.push_back(dx);
  L.addKernel(denseGradKernel({dzf, x, w, y, dz, wantDx ? dx : -1, dw, db, scratch}, mode, m, k, nn), reads, writes,
              L.describe(n));
  if (mode.gemms) return ok();
  dn::memory::desc dzMd = plainDesc({m, nn}, dzType);
  if (wantDx) GRAPHC_TRY(matmulViews(L, n, dz, dzMd, w, stridedDesc({nn, k}, dnnlType(dzType), {1, nn}), dx, f32({m, k})));
  return matmulViews(L, n, x, stridedDesc({k, m}, dnnlType(dzType), {1, k}), dz, dzMd, dw, f32({k, nn}));
}

struct ConvGeometry {
  dn::memory::dims strides, dilation, padL, padR, wdims;
  int64_t group;
  ConvGeometry(const OpCtx& c, const Shape& x, const Shape& w, const Shape& y) {
    const auto &st = c.ints("strides"), &p = c.ints("pads"), &d = c.ints("dilations");
    group = c.i("group");
    strides = {st[0], st[1]}, dilation = {d[0] - 1, d[1] - 1}, padL = {p[0], p[1]};
    padR = {padEnd(x[2], w[2], st[0], d[0], p[0], p[2], y[2]), padEnd(x[3], w[3], st[1], d[1], p[1], p[3], y[3])};
    wdims = group == 1 ? dn::memory::dims{w[0], w[1], w[2], w[3]} : dn::memory::dims{group, w[0] / group, w[1], w[2], w[3]};
  }
  dn::memory::desc weightsPlain(DType t) const { return plainDesc(Shape(wdims.begin(), wdims.end()), t); }
  // The forward pass the gradients belong to, on operands of dtype t (bf16 under --precision
  // bf16, whose forward convolution also reads bf16).
  dn::convolution_forward::primitive_desc hint(Lowering& L, const Shape& x, const Shape& y, DType t) const {
    dt d = dnnlType(t);
    return dn::convolution_forward::primitive_desc(
        dn::convolution_forward::desc(dn::prop_kind::forward_training, alg::convolution_direct, dn::memory::desc(dimsOf(x), d, tag::any),
                                      dn::memory::desc(wdims, d, tag::any), dn::memory::desc(dimsOf(y), d, tag::any), strides,
                                      dilation, padL, padR),
        L.engine);
  }
};

// dx = conv_backward_data(dy, w): f32, or bf16 dy and w into an f32 dx (oneDNN's bf16 kernel).
Status convGradInput(Lowering& L, const Node& n, const OpCtx& c) {
  ValueId dyV = n.operands[0], wV = n.operands[1], dxV = n.results[0];
  const Shape &xs = L.type(dxV).shape, &ws = L.type(wV).shape, &ys = L.type(dyV).shape;
  DType operands = L.type(dyV).dtype;
  ConvGeometry geo(c, xs, ws, ys);
  auto pd = dnnlTry(L.describe(n), [&] {
    return dn::convolution_backward_data::primitive_desc(
        dn::convolution_backward_data::desc(alg::convolution_direct, dn::memory::desc(dimsOf(xs), dt::f32, tag::any),
                                            dn::memory::desc(geo.wdims, dnnlType(operands), tag::any),
                                            dn::memory::desc(dimsOf(ys), dnnlType(operands), tag::any), geo.strides, geo.dilation,
                                            geo.padL, geo.padR),
        L.attr(), L.engine, geo.hint(L, xs, ys, operands));
  });
  if (!pd) return pd.takeError();
  int wei;
  dn::memory::desc want = pd->weights_desc(), plain = geo.weightsPlain(operands);
  if (L.isConstant(wV)) {
    GRAPHC_ASSIGN(int packed, L.prepackConstant(wV, want));
    wei = L.memref(packed, want);
  } else {
    // Trained weights change every step: reorder them per run (seen grouped when group > 1).
    wei = L.memref(L.plainBuffer(wV), plain);
    if (want != plain) {
      int t = L.memref(L.tempBuffer(want.get_size(), "weights"), want);
      GRAPHC_TRY(L.addReorder(wei, t, "reorder weights for " + L.describe(n)));
      wei = t;
    }
  }
  int dy = L.inLayout(dyV, pd->diff_dst_desc());
  dn::memory::desc dmd = pd->diff_src_desc();
  int dx = L.memref(L.defineResult(dxV, dmd), dmd);
  L.addPrimitive(*pd, {{DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DIFF_SRC, dx}}, L.describe(n));
  return ok();
}

// dw = conv_backward_weights(dy, x): f32, or bf16 dy and x into an f32 dw (oneDNN's bf16 kernel).
Status convGradWeight(Lowering& L, const Node& n, const OpCtx& c) {
  ValueId dyV = n.operands[0], xV = n.operands[1], dwV = n.results[0];
  const Shape &xs = L.type(xV).shape, &ws = L.type(dwV).shape, &ys = L.type(dyV).shape;
  DType operands = L.type(dyV).dtype;
  ConvGeometry geo(c, xs, ws, ys);
  // Grouped weights come out plain (goihw has OIHW's bytes); ungrouped ones in oneDNN's choice.
  dn::memory::desc wmd = geo.group == 1 ? dn::memory::desc(geo.wdims, dt::f32, tag::any) : geo.weightsPlain(DType::f32);
  auto pd = dnnlTry(L.describe(n), [&] {
    return dn::convolution_backward_weights::primitive_desc(
        dn::convolution_backward_weights::desc(alg::convolution_direct, dn::memory::desc(dimsOf(xs), dnnlType(operands), tag::any), wmd,
                                               dn::memory::desc(dimsOf(ys), dnnlType(operands), tag::any), geo.strides, geo.dilation,
                                               geo.padL, geo.padR),
        L.attr(), L.engine, geo.hint(L, xs, ys, operands));
  });
  if (!pd) return pd.takeError();
  int x = L.inLayout(xV, pd->src_desc()), dy = L.inLayout(dyV, pd->diff_dst_desc());
  dn::memory::desc dmd = pd->diff_weights_desc();
  int dw = L.memref(geo.group == 1 ? L.defineResult(dwV, dmd) : L.defineResult(dwV), dmd);
  L.addPrimitive(*pd, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_WEIGHTS, dw}}, L.describe(n));
  return ok();
}

// Pooling backward, plain layouts. max is ours (kernels_pool.cpp), which sends dy to the
// element the interpreter picks, NaN included; avg with count_include_pad and a ceil_mode
// overhang pre-scales dy (see lower_conv.cpp).
Status poolGrad(Lowering& L, const Node& n, const OpCtx& c) {
  bool isMax = n.op == OpKind::MaxPool2dGrad;
  ValueId dyV = n.operands[0], dxV = n.results[0];
  const Shape &xs = L.type(dxV).shape, &ys = L.type(dyV).shape;
  const auto &k = c.ints("kernel"), &st = c.ints("strides"), &p = c.ints("pads");
  if (isMax) {
    const auto& dil = c.ints("dilations");
    PoolGeometry g{xs[0], xs[1], 1, xs[2], xs[3], ys[2], ys[3], k[0], k[1], st[0], st[1], dil[0], dil[1], p[0], p[1]};
    int dy = L.plainBuffer(dyV), x = L.plainBuffer(n.operands[1]), dx = L.defineResult(dxV);
    L.addKernel(maxPoolGradKernel(g, dy, x, dx), {dy, x}, {dx}, L.describe(n));
    return ok();
  }
  int64_t prH = padEnd(xs[2], k[0], st[0], 1, p[0], p[2], ys[2]), prW = padEnd(xs[3], k[1], st[1], 1, p[1], p[3], ys[3]);
  bool includePad = c.i("count_include_pad");
  alg a = includePad ? alg::pooling_avg_include_padding : alg::pooling_avg_exclude_padding;
  dn::memory::desc xmd = f32(xs), ymd = f32(ys);
  dn::memory::dims strides{st[0], st[1]}, kernel{k[0], k[1]}, dil{0, 0}, padL{p[0], p[1]}, padR{prH, prW};
  auto fwd = dnnlTry(L.describe(n), [&] {
    return dn::pooling_v2_forward::primitive_desc(
        dn::pooling_v2_forward::desc(dn::prop_kind::forward_training, a, xmd, ymd, strides, kernel, dil, padL, padR), L.attr(), L.engine);
  });
  if (!fwd) return fwd.takeError();
  auto bwd = dnnlTry(L.describe(n), [&] {
    return dn::pooling_v2_backward::primitive_desc(dn::pooling_v2_backward::desc(a, xmd, ymd, strides, kernel, dil, padL, padR),
                                                  L.attr(), L.engine, *fwd);
  });
  if (!bwd) return bwd.takeError();
  int dy = L.plainBuffer(dyV);
  std::vector<std::pair<int, int>> args;
  if (includePad && (prH > p[2] || prW > p[3])) {
    Tensor scale(TensorType{DType::f32, {1, 1, ys[2], ys[3]}});
    for (int64_t i = 0; i < ys[2]; ++i)
      for (int64_t j = 0; j < ys[3]; ++j) {
        int64_t y0 = i * st[0] - p[0], x0 = j * st[1] - p[1];
        int64_t ye = std::min(y0 + k[0], xs[2] + p[2]), xe = std::min(x0 + k[1], xs[3] + p[3]);
        scale.data<float>()[i * ys[3] + j] = (float)(k[0] * k[1]) / (float)((ye - y0) * (xe - x0));
      }
    dn::memory::desc smd = f32(scale.shape());
    auto mul = dnnlTry(L.describe(n), [&] {
      return dn::binary::primitive_desc(dn::binary::desc(alg::binary_mul, ymd, smd, ymd), L.attr(), L.engine);
    });
    if (!mul) return mul.takeError();
    int scaled = L.tempBuffer(ymd.get_size(), "scaled dy");
    L.addPrimitive(*mul, {{DNNL_ARG_SRC_0, L.memref(dy, ymd)}, {DNNL_ARG_SRC_1, L.memref(L.addConstTensor(std::move(scale)), smd)},
                          {DNNL_ARG_DST, L.memref(scaled, ymd)}},
                   L.describe(n) + " (padding count)");
    dy = scaled;
  }
  int dx = L.defineResult(dxV);
  args.push_back({DNNL_ARG_DIFF_DST, L.memref(dy, ymd)});
  args.push_back({DNNL_ARG_DIFF_SRC, L.memref(dx, xmd)});
  L.addPrimitive(*bwd, std::move(args), L.describe(n));
  return ok();
}

// layer_norm_grad(dy, x, scale) -> (dx, dscale, dbias): a statistics-only forward pass gives
// the mean and variance the backward primitive needs.
Status layerNormGrad(Lowering& L, const Node& n, const OpCtx& c) {
  ValueId dyV = n.operands[0], xV = n.operands[1];
  const TensorType& t = L.type(xV);
  auto [rows, inner] = layerNormRows(t, *normalizeAxis(c.i("axis"), t.rank()));
  dn::memory::desc md = f32({rows, inner}), ss = f32({inner});
  float eps = (float)c.f("epsilon");
  using nf = dn::normalization_flags;
  auto stats = dnnlTry(L.describe(n), [&] {
    return dn::layer_normalization_forward::primitive_desc(
        dn::layer_normalization_forward::desc(dn::prop_kind::forward_training, md, eps, nf::none), L.attr(), L.engine);
  });
  if (!stats) return stats.takeError();
  auto bwd = dnnlTry(L.describe(n), [&] {
    dn::layer_normalization_forward::primitive_desc hint(
        dn::layer_normalization_forward::desc(dn::prop_kind::forward_training, md, eps, nf::use_scale | nf::use_shift), L.engine);
    return dn::layer_normalization_backward::primitive_desc(
        dn::layer_normalization_backward::desc(dn::prop_kind::backward, md, md, eps, nf::use_scale | nf::use_shift), L.attr(),
        L.engine, hint);
  });
  if (!bwd) return bwd.takeError();
  int x = L.memref(L.plainBuffer(xV), md), dy = L.memref(L.plainBuffer(dyV), md);
  int mean = L.memref(L.tempBuffer(stats->mean_desc().get_size(), "mean"), stats->mean_desc());
  int var = L.memref(L.tempBuffer(stats->variance_desc().get_size(), "variance"), stats->variance_desc());
  int normalized = L.memref(L.tempBuffer(md.get_size(), "normalized"), md);
  L.addPrimitive(*stats, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, normalized}, {DNNL_ARG_MEAN, mean}, {DNNL_ARG_VARIANCE, var}},
                 L.describe(n) + " (statistics)");
  int scale = L.memref(L.plainBuffer(n.operands[2]), ss);
  int dx = L.memref(L.defineResult(n.results[0]), md);
  int dscale = L.memref(L.defineResult(n.results[1]), ss), dbias = L.memref(L.defineResult(n.results[2]), ss);
  L.addPrimitive(*bwd,
                 // oneDNN 2.6 refuses to run without a SHIFT argument although no gradient depends on
                 // the shift's values; the scale stands in for it (read only).
                 {{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_MEAN, mean}, {DNNL_ARG_VARIANCE, var}, {DNNL_ARG_SCALE, scale},
                  {DNNL_ARG_SHIFT, scale}, {DNNL_ARG_DIFF_SRC, dx}, {DNNL_ARG_DIFF_SCALE, dscale}, {DNNL_ARG_DIFF_SHIFT, dbias}},
                 L.describe(n));
  return ok();
}

// A bucket's start and wait: host steps between the primitives, on the run's communicator.
Status lowerCollective(Lowering& L, const Node& n, const OpCtx& c) {
  std::vector<int64_t> counts;
  const auto& gradients = n.op == OpKind::AllreduceStart ? n.operands : n.results;
  for (ValueId v : gradients) counts.push_back(L.type(v).numel());
  if (n.op == OpKind::AllreduceStart) {
    std::vector<int> ins;
    for (ValueId v : n.operands) ins.push_back(L.plainBuffer(v));
    int buffer = L.defineResult(n.results[0]);
    L.addKernel(allreduceStartKernel(c.i("bucket"), std::move(counts), ins, buffer), ins, {buffer}, L.describe(n));
    return ok();
  }
  int buffer = L.plainBuffer(n.operands[0]);
  std::vector<int> outs;
  for (ValueId r : n.results) outs.push_back(L.defineResult(r));
  L.addKernel(allreduceWaitKernel(c.i("bucket"), std::move(counts), buffer, outs), {buffer}, outs, L.describe(n));
  return ok();
}

}  // namespace

Status lowerTraining(Lowering& L, const Node& n) {
  std::vector<TensorType> types = L.graph.types(n.operands);
  OpCtx c{n.info(), types, n.attrs};
  const TensorType& out = L.type(n.results[0]);

  if (n.op == OpKind::OneHot) {  // any output dtype
    int in = L.plainBuffer(n.operands[0]), o = L.defineResult(n.results[0]);
    L.addKernel(oneHotKernel(types[0].dtype, out.dtype, types[0].numel(), c.i("depth"), in, o), {in}, {o}, L.describe(n));
    return ok();
  }
  if (n.op == OpKind::SliceGrad) {  // bytewise, any dtype
    SliceView view = sliceView(out.shape, c);
    int dy = L.plainBuffer(n.operands[0]), dx = L.defineResult(n.results[0]);
    L.addKernel(sliceGradKernel(dtypeSize(out.dtype), out.bytes(), types[0].shape, view.strides, view.offset, dy, dx), {dy}, {dx},
                L.describe(n));
    return ok();
  }
  if (n.op == OpKind::AllreduceStart || n.op == OpKind::AllreduceWait) return lowerCollective(L, n, c);
  // A product on bf16 operands (--precision bf16) computes in f32, its result's dtype.
  DType computes = n.info().has(kBf16Operands) ? out.dtype : types[0].dtype;
  if (computes != DType::f32) return lowerFallback(L, n);

  switch (n.op) {
    case OpKind::ReluGrad: {
      int dx = L.defineResult(n.results[0]);
      GRAPHC_TRY(eltwiseBackwardFromOutput(L, n, Activation::Relu, 0, 0, L.plainBuffer(n.operands[0]), L.plainBuffer(n.operands[1]),
                                           out.shape, dx));
      return ok();
    }
    case OpKind::DenseGrad: return denseGrad(L, n, c);
    case OpKind::SoftmaxCrossEntropy: {
      int z = L.plainBuffer(n.operands[0]), t = L.plainBuffer(n.operands[1]);
      int loss = L.defineResult(n.results[0]), dz = L.defineResult(n.results[1]);
      L.addKernel(softmaxCrossEntropyKernel(types[0].shape[0], types[0].shape[1], z, t, loss, dz), {z, t}, {loss, dz}, L.describe(n));
      return ok();
    }
    case OpKind::Conv2dGradInput: return convGradInput(L, n, c);
    case OpKind::Conv2dGradWeight: return convGradWeight(L, n, c);
    case OpKind::MaxPool2dGrad: case OpKind::AvgPool2dGrad: return poolGrad(L, n, c);
    case OpKind::LayerNormGrad: return layerNormGrad(L, n, c);
    case OpKind::GatherGrad: {
      int64_t axis = *normalizeAxis(c.i("axis"), out.rank()), outer = 1, inner = 1;
      for (int64_t d = 0; d < axis; ++d) outer *= out.shape[d];
      for (int64_t d = axis + 1; d < out.rank(); ++d) inner *= out.shape[d];
      int dy = L.plainBuffer(n.operands[0]), idx = L.plainBuffer(n.operands[1]), dx = L.defineResult(n.results[0]);
      L.addKernel(gatherGradKernel(types[1].dtype, outer, out.shape[axis], inner, types[1].numel(), dy, idx, dx), {dy, idx}, {dx},
                  L.describe(n));
      return ok();
    }
    case OpKind::SgdUpdate: case OpKind::MomentumUpdate: case OpKind::AdamUpdate: {
      std::vector<int> ins, outs;
      for (ValueId v : n.operands) ins.push_back(L.plainBuffer(v));
      for (ValueId r : n.results) outs.push_back(L.defineResult(r));
      if (const Node* copyCast = bf16CopyCast(L.graph, n)) {  // the kernel rounds the new weight as it writes it
        outs.push_back(L.defineResult(copyCast->results[0]));
        L.takeOver(*copyCast);
      }
      DType stepType = n.op == OpKind::AdamUpdate ? types[4].dtype : DType::f32;
      // Consecutive updates (one per param) share one step: one pass, one OpenMP region.
      if (joinOptimizerKernel(L.lastKernel(), n.op, c, stepType, out.numel(), ins, outs)) {
        L.touchLastStep(ins, outs);
        return ok();
      }
      L.addKernel(optimizerKernel(n.op, c, stepType, out.numel(), ins, outs), ins, outs, L.describe(n));
      return ok();
    }
    default: return Error("not a training op");
  }
}

}  // namespace graphc::dnnl
