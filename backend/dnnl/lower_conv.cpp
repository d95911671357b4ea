// conv2d and pooling on oneDNN. Convolution picks its own (blocked) layouts: weights are
// packed once at prepare, the output stays blocked for the pools, eltwise ops and batch norms
// that follow, and a reorder to plain appears only where a consumer needs it.
#include "backend/dnnl/kernels.h"
#include "backend/dnnl/lowering.h"

namespace graphc::dnnl {

int64_t padEnd(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe, int64_t out) {
  int64_t span = d * (k - 1) + 1;
  if ((in + pb + pe - span) / s + 1 == out) return pe;
  return (out - 1) * s + span - in - pb;
}

namespace {

using dt = dn::memory::data_type;
using tag = dn::memory::format_tag;

// The channel block of a 4-D layout: 1 for plain NCHW, b for nChw{b}c, 0 for another.
int64_t channelBlock(const dn::memory::desc& md, const Shape& s, dt type = dt::f32) {
  for (auto [t, b] : {std::pair{tag::nchw, 1}, {tag::nChw8c, 8}, {tag::nChw16c, 16}})
    if (md == dn::memory::desc(dimsOf(s), type, t)) return b;
  return 0;
}

Status conv(Lowering& L, const Node& n, const OpCtx& c) {
  ValueId x = n.operands[0], w = n.operands[1], b = n.operands[2], y = n.results[0];
  const TensorType &tx = L.type(x), &tw = L.type(w), &ty = L.type(y);
  const auto &st = c.ints("strides"), &pads = c.ints("pads"), &dil = c.ints("dilations");
  int64_t g = c.i("group");
  dn::memory::dims wdims = g == 1 ? dn::memory::dims{tw.shape[0], tw.shape[1], tw.shape[2], tw.shape[3]}
                                  : dn::memory::dims{g, tw.shape[0] / g, tw.shape[1], tw.shape[2], tw.shape[3]};
  dn::memory::dims strides{st[0], st[1]}, dilation{dil[0] - 1, dil[1] - 1}, padL{pads[0], pads[1]};
  dn::memory::dims padR{padEnd(tx.shape[2], tw.shape[2], st[0], dil[0], pads[0], pads[2], ty.shape[2]),
                        padEnd(tx.shape[3], tw.shape[3], st[1], dil[1], pads[1], pads[3], ty.shape[3])};
  // bf16 x and w (--precision bf16) run on oneDNN's bf16 kernels into an f32 y, or into a bf16 y
  // when y's only reader rounds it to bf16 (the next product's operand): oneDNN rounds in the
  // epilogue, to nearest even as the cast does (but for subnormal f32 results, which its
  // conversion instruction may flush to zero), and the cast's pass (and the reorders around it)
  // is saved. A residual sum stays f32, as its addition does.
  bool residual = n.operands.size() == 4;
  const Node* r = L.soleReader(y);
  bool writesBf16 = tx.dtype == DType::bf16 && !residual && r && r->op == OpKind::Cast && L.type(r->results[0]).dtype == DType::bf16;
  if (writesBf16) y = r->results[0];
  dt yType = writesBf16 ? dt::bf16 : dt::f32;
  dn::memory::desc anyX(dimsOf(tx.shape), dnnlType(tx.dtype), tag::any), anyY(dimsOf(ty.shape), yType, tag::any);
  dn::memory::desc bmd = plainDesc(L.type(b).shape, DType::f32);
  dn::memory::desc wplain = plainDesc(Shape(wdims.begin(), wdims.end()), tw.dtype);
  bool packable = L.isConstant(w);

  dn::primitive_attr attr = L.attr();
  dn::post_ops ops;
  appendActivation(ops, c);
  if (residual) ops.append_sum(1.f);  // act(conv + b) + residual, with dst holding the residual
  attr.set_post_ops(ops);
  dn::memory::desc wmd = packable ? dn::memory::desc(wdims, dnnlType(tw.dtype), tag::any) : wplain;
  auto make = [&](const dn::memory::desc& xmd, const dn::memory::desc& ymd = {}) {
    return dnnlTry(L.describe(n), [&] {
      return dn::convolution_forward::primitive_desc(
          dn::convolution_forward::desc(dn::prop_kind::forward_inference, dn::algorithm::convolution_direct, xmd, wmd, bmd,
                                        ymd.data.ndims ? ymd : anyY, strides, dilation, padL, padR),
          attr, L.engine);
    });
  };
  auto isJit = [](const dn::convolution_forward::primitive_desc& p) { return std::string(p.impl_info_str()).rfind("jit:", 0) == 0; };
  // A plain input with very few channels (an image) suits oneDNN's direct "first convolution"
  // kernel, which reads nchw as it is: LeNet's 1-channel conv at batch 64 took 0.20 ms there
  // against 0.36 ms in the brgconv kernel that format `any` picks (nhwc), and no reorder. Only
  // when oneDNN has a jit kernel for it; gemm and reference kernels are slower than a reorder.
  Result<dn::convolution_forward::primitive_desc> pd = Error("unset");
  if (!L.isBlocked(x) && g == 1 && tx.shape[1] <= 3) {
    pd = make(plainDesc(tx.shape, tx.dtype));
    if (pd && !isJit(*pd)) pd = Error("not a jit kernel");
  }
  // Few input channels (LeNet's second conv has 6): the same direct kernel writing nChw16c
  // beat brgconv's nhwc, 0.14 against 0.17 ms on one thread and 0.08 against 0.14 on two
  // (standalone oneDNN probe, batch 64, 6->16 channels, 12x12).
  if (!pd && g == 1 && tx.shape[1] <= 8 && ty.shape[1] % 16 == 0) {
    pd = make(anyX, dn::memory::desc(dimsOf(ty.shape), yType, tag::nChw16c));
    if (pd && !isJit(*pd)) pd = Error("not a jit kernel");
  }
  // A bf16 input already in channel blocks (a cast of such an output, in its layout) is read as
  // it is, and the output kept in the same blocks, when oneDNN has a kernel (not its reference)
  // for it, rather than reordered to the nhwc `any` picks (ResNet-50 b16: 24 ms per run).
  int64_t inBlock = tx.dtype == DType::bf16 ? channelBlock(L.layoutOf(x), tx.shape, dt::bf16) : 0;
  if (!pd && inBlock > 1) {
    dn::memory::desc blockedY(dimsOf(ty.shape), yType, inBlock == 8 ? tag::nChw8c : tag::nChw16c);
    pd = make(L.layoutOf(x), blockedY);
    if (pd && std::string(pd->impl_info_str()).rfind("ref", 0) == 0) pd = Error("only the reference kernel");
  }
  // bf16 kernels pick an nhwc f32 output by themselves, which our pools would read back to
  // plain first (LeNet's first pool: 1.0 ms against 0.17 blocked): ask for the channel blocks
  // the f32 path keeps, when oneDNN has a kernel (not its reference) for it. Where the channels
  // fill the blocks (no padding), the elementwise ops and casts after run in those blocks too,
  // and the next convolution reads them (above).
  if (!pd && tx.dtype == DType::bf16 && !writesBf16)
    for (tag block : {tag::nChw16c, tag::nChw8c}) {
      if (pd) break;
      pd = make(anyX, dn::memory::desc(dimsOf(ty.shape), dt::f32, block));
      if (pd && std::string(pd->impl_info_str()).rfind("ref", 0) == 0) pd = Error("only the reference kernel");
    }
  if (!pd) pd = make(anyX);
  if (!pd) return pd.takeError();

  int src = L.inLayout(x, pd->src_desc());
  int wei;
  if (packable) {
    GRAPHC_ASSIGN(int packed, L.prepackConstant(w, pd->weights_desc()));
    wei = L.memref(packed, pd->weights_desc());
  } else {
    wei = L.memref(L.plainBuffer(w), wplain);
  }
  int bias = L.memref(L.plainBuffer(b), bmd);
  dn::memory::desc dmd = pd->dst_desc();
  int dst = L.memref(L.defineResult(y, dmd), dmd);
  // The sum post-op adds to what dst holds: the residual goes there first, by a copy that the
  // memory plan makes nothing where the residual dies here (ResNet's identity shortcuts).
  if (residual) {
    ValueId rv = n.operands[3];
    if (!L.isView(rv) && L.layoutOf(rv) == dmd) {
      int from = L.bufferOf(rv), to = L.bufferOf(y);
      L.addKernel(copyKernel(dmd.get_size(), from, to), {from}, {to}, "residual into " + L.describe(n));
      L.allowReuse(from, to);
    } else {
      GRAPHC_TRY(L.addReorder(L.inLayout(rv, L.layoutOf(rv)), dst, "residual into " + L.describe(n)));
    }
  }
  L.addPrimitive(*pd, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}}, L.describe(n));
  if (writesBf16) L.takeOver(*r);
  return ok();
}

// Max pooling is ours (kernels_pool.cpp: oneDNN's loses NaN and -inf), in the input's layout
// when it is plain or channel-blocked.
Status maxPool(Lowering& L, const Node& n, const OpCtx& c) {
  ValueId x = n.operands[0], y = n.results[0];
  const TensorType &tx = L.type(x), &ty = L.type(y);
  dn::memory::desc md = L.layoutOf(x);
  int64_t block = channelBlock(md, tx.shape);
  if (!block) md = plainDesc(tx.shape, DType::f32), block = 1;
  const auto &k = c.ints("kernel"), &st = c.ints("strides"), &pads = c.ints("pads"), &dil = c.ints("dilations");
  PoolGeometry g{tx.shape[0], tx.shape[1], block, tx.shape[2], tx.shape[3], ty.shape[2], ty.shape[3],
                 k[0], k[1], st[0], st[1], dil[0], dil[1], pads[0], pads[1]};
  int src = L.bufferOf(x);
  if (block == 1) src = L.plainBuffer(x);
  dn::memory::desc out = block == 1 ? plainDesc(ty.shape, DType::f32)
                                    : dn::memory::desc(dimsOf(ty.shape), dt::f32, block == 8 ? tag::nChw8c : tag::nChw16c);
  int dst = L.defineResult(y, out);
  L.addKernel(maxPoolKernel(g, src, dst), {src}, {dst}, L.describe(n));
  return ok();
}

Status pool(Lowering& L, const Node& n, const OpCtx& c) {
  ValueId x = n.operands[0], y = n.results[0];
  if (n.op == OpKind::MaxPool2d && L.type(x).dtype == DType::f32) return maxPool(L, n, c);
  const TensorType &tx = L.type(x), &ty = L.type(y);
  bool global = n.op == OpKind::GlobalAvgPool, isMax = n.op == OpKind::MaxPool2d;
  // oneDNN refuses a pooling descriptor over planes of no elements; their mean is 0/0 = NaN,
  // which the reference kernel writes.
  if (global && tx.shape[2] * tx.shape[3] == 0) return lowerFallback(L, n);
  int64_t kh = global ? tx.shape[2] : c.ints("kernel")[0], kw = global ? tx.shape[3] : c.ints("kernel")[1];
  std::vector<int64_t> st = global ? std::vector<int64_t>{1, 1} : c.ints("strides");
  std::vector<int64_t> pads = global ? std::vector<int64_t>{0, 0, 0, 0} : c.ints("pads");
  std::vector<int64_t> dil = isMax ? c.ints("dilations") : std::vector<int64_t>{1, 1};
  int64_t prH = padEnd(tx.shape[2], kh, st[0], dil[0], pads[0], pads[2], ty.shape[2]);
  int64_t prW = padEnd(tx.shape[3], kw, st[1], dil[1], pads[1], pads[3], ty.shape[3]);
  bool includePad = !global && !isMax && c.i("count_include_pad");
  // oneDNN divides by kh*kw; where a ceil_mode window overhangs the declared padding the IR
  // divides by the window clipped to the padded input, so a scale fixes those outputs.
  bool overhang = includePad && (prH > pads[2] || prW > pads[3]);
  auto a = isMax ? dn::algorithm::pooling_max
           : includePad ? dn::algorithm::pooling_avg_include_padding : dn::algorithm::pooling_avg_exclude_padding;
  dn::memory::desc smd = overhang ? plainDesc(tx.shape, DType::f32) : L.layoutOf(x);
  dn::memory::desc dmd = overhang ? plainDesc(ty.shape, DType::f32) : dn::memory::desc(dimsOf(ty.shape), dt::f32, tag::any);
  auto pd = dnnlTry(L.describe(n), [&] {
    return dn::pooling_v2_forward::primitive_desc(
        dn::pooling_v2_forward::desc(dn::prop_kind::forward_inference, a, smd, dmd, {st[0], st[1]}, {kh, kw},
                                     {dil[0] - 1, dil[1] - 1}, {pads[0], pads[1]}, {prH, prW}),
        L.attr(), L.engine);
  });
  if (!pd) return pd.takeError();
  int src = L.inLayout(x, smd);
  dmd = pd->dst_desc();
  if (!overhang) {
    int dst = L.memref(L.defineResult(y, dmd), dmd);
    L.addPrimitive(*pd, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}}, L.describe(n));
    return ok();
  }
  int64_t oh = ty.shape[2], ow = ty.shape[3];
  Tensor scale(TensorType{DType::f32, {1, 1, oh, ow}});
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j) {
      int64_t ys = i * st[0] - pads[0], xs = j * st[1] - pads[1];
      int64_t ye = std::min(ys + kh, tx.shape[2] + pads[2]), xe = std::min(xs + kw, tx.shape[3] + pads[3]);
      scale.data<float>()[i * ow + j] = (float)(kh * kw) / (float)((ye - ys) * (xe - xs));
    }
  dn::memory::desc smdScale = plainDesc(scale.shape(), DType::f32);
  auto mul = dnnlTry(L.describe(n), [&] {
    return dn::binary::primitive_desc(dn::binary::desc(dn::algorithm::binary_mul, dmd, smdScale, dmd), L.attr(), L.engine);
  });
  if (!mul) return mul.takeError();
  int dst = L.defineResult(y, dmd);
  L.addPrimitive(*pd, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, L.memref(dst, dmd)}}, L.describe(n));
  int scaleBuf = L.addConstTensor(std::move(scale));
  L.addPrimitive(*mul, {{DNNL_ARG_SRC_0, L.memref(dst, dmd)}, {DNNL_ARG_SRC_1, L.memref(scaleBuf, smdScale)}, {DNNL_ARG_DST, L.memref(dst, dmd)}},
                 L.describe(n) + " (padding count)");
  return ok();
}

}  // namespace

Status lowerConv(Lowering& L, const Node& n) {
  std::vector<TensorType> types = L.graph.types(n.operands);
  bool bf16 = n.op == OpKind::Conv2d && types[0].dtype == DType::bf16 && types[1].dtype == DType::bf16;
  if (types[0].dtype != DType::f32 && !bf16) return lowerFallback(L, n);
  OpCtx c{n.info(), types, n.attrs};
  return n.op == OpKind::Conv2d ? conv(L, n, c) : pool(L, n, c);
}

}  // namespace graphc::dnnl
