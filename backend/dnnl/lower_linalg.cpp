// matmul (batched, broadcasting) and the fused dense op on the oneDNN matmul primitive:
// constant weights are packed once at prepare (format `any`), the activation is an eltwise
// post-op and the residual a binary-add post-op.
#include <algorithm>

#include "backend/dnnl/kernels.h"
#include "backend/dnnl/lowering.h"

namespace graphc::dnnl {

using dt = dn::memory::data_type;

void appendActivation(dn::post_ops& ops, const OpCtx& c) {
  float alpha = (float)c.f("alpha"), beta = (float)c.f("beta");
  using alg = dn::algorithm;
  switch (*parseActivation(c.s("activation"))) {
    case Activation::None: return;
    case Activation::Relu: ops.append_eltwise(1.f, alg::eltwise_relu, 0.f, 0.f); return;
    case Activation::LeakyRelu: ops.append_eltwise(1.f, alg::eltwise_relu, alpha, 0.f); return;
    case Activation::Gelu: ops.append_eltwise(1.f, alg::eltwise_gelu_erf, 0.f, 0.f); return;
    case Activation::Sigmoid: ops.append_eltwise(1.f, alg::eltwise_logistic, 0.f, 0.f); return;
    case Activation::Tanh: ops.append_eltwise(1.f, alg::eltwise_tanh, 0.f, 0.f); return;
    case Activation::Clip: ops.append_eltwise(1.f, alg::eltwise_clip_v2, alpha, beta); return;
    case Activation::Elu: ops.append_eltwise(1.f, alg::eltwise_elu, alpha, 0.f); return;
    case Activation::Silu: ops.append_eltwise(1.f, alg::eltwise_swish, 1.f, 0.f); return;
  }
}

namespace {

Shape padFront(const Shape& s, size_t rank) {
  Shape out(rank - s.size(), 1);
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

// One matmul primitive: src [.., M, K] . weights [.., K, N] (+ bias [.., 1, N]) -> dst [.., M, N],
// all plain except constant 2-D weights, which oneDNN may pack (format `any`).
struct MatMulPlan {
  Shape src, wei, dst;
  ValueId a, b, bias = UINT32_MAX, residual = UINT32_MAX;
  ValueId out = UINT32_MAX;  // the node's result unless set
  DType outType = DType::f32;  // bf16 when a cast to bf16 after it is taken over
  // Constant weights and bias made at prepare, in place of b's and bias's data.
  const Tensor *weightData = nullptr, *biasData = nullptr;
  float scale = 1;             // an output scale (a constant scalar mul taken over)
  dn::memory::desc dstView;    // a strided destination in out's buffer (a transpose taken over)
};

dn::primitive_attr baseAttr(const Lowering& L, const MatMulPlan& p) {
  dn::primitive_attr attr = L.attr();
  if (p.scale != 1) attr.set_output_scales(0, {p.scale});
  return attr;
}

bool takesOver(const MatMulPlan& p) { return p.scale != 1 || p.dstView.data.ndims; }
bool isRefImpl(const dn::matmul::primitive_desc& d) { return std::string(d.impl_info_str()).rfind("ref", 0) == 0; }

// An operand that is a strided view (a transpose only matmuls read) is read in place when oneDNN
// takes its strides. True when this made the step (a plain matmul on view operands), false when
// the general path must (copying views to row-major).
Result<bool> matmulOnViews(Lowering& L, const Node& n, const MatMulPlan& p, bool fused, const dn::memory::desc& dmd,
                           ValueId out) {
  auto isView = [&](ValueId v, const Shape& s) { return L.isView(v) && L.layoutOf(v).dims() == dimsOf(s); };
  bool srcView = isView(p.a, p.src), weiView = !L.isConstant(p.b) && isView(p.b, p.wei);
  if (!srcView && !weiView) return false;
  auto pd = dnnlTry(L.describe(n), [&] {
    dn::memory::desc smd = srcView ? L.layoutOf(p.a) : plainDesc(p.src, L.type(p.a).dtype);
    dn::memory::desc wmd = weiView ? L.layoutOf(p.b) : plainDesc(p.wei, L.type(p.b).dtype);
    return dn::matmul::primitive_desc(dn::matmul::desc(smd, wmd, dmd), baseAttr(L, p), L.engine);
  });
  // Taking over a scale or transpose must not cost a copy of a view operand, nor land on
  // oneDNN's reference implementation: the caller then keeps those nodes as steps instead.
  if (takesOver(p) && (!pd || isRefImpl(*pd))) return Error("the views do not take the strided destination");
  if (fused || p.bias != UINT32_MAX || p.residual != UINT32_MAX || !pd) return false;
  dn::memory::desc smd = pd->src_desc(), wmd = pd->weights_desc();
  int src = srcView ? L.bufferOf(p.a) : L.plainBuffer(p.a), wei = weiView ? L.bufferOf(p.b) : L.plainBuffer(p.b);
  int dst = L.defineResult(out);
  L.addPrimitive(*pd, {{DNNL_ARG_SRC, L.memref(src, smd)}, {DNNL_ARG_WEIGHTS, L.memref(wei, wmd)}, {DNNL_ARG_DST, L.memref(dst, dmd)}},
                 L.describe(n));
  return true;
}

// The primitive with its bias, activation and residual post-ops, on plain operands. Packed
// weights and the copy-free residual (a binary post-op) come first; it steps down until oneDNN
// accepts, and says in asBinary which residual form won.
Result<dn::matmul::primitive_desc> fusedMatmulDesc(Lowering& L, const Node& n, const OpCtx& c, const MatMulPlan& p, bool fused,
                                                   const dn::memory::desc& dmd, const dn::memory::desc& bmd, bool& asBinary) {
  // bf16 operands (--precision bf16) multiply on oneDNN's bf16 kernels into an f32 result.
  DType weightType = p.weightData ? p.weightData->dtype() : L.type(p.b).dtype;
  dn::memory::desc smd = plainDesc(p.src, L.type(p.a).dtype), wplain = plainDesc(p.wei, weightType);
  bool packable = p.weightData || L.isConstant(p.b);
  auto make = [&](bool anyWeights, bool residualAsBinary) {
    dn::primitive_attr attr = baseAttr(L, p);
    dn::post_ops ops;
    if (fused) appendActivation(ops, c);
    if (p.residual != UINT32_MAX) {
      if (residualAsBinary) ops.append_binary(dn::algorithm::binary_add, dmd);
      else ops.append_sum(1.f);
    }
    attr.set_post_ops(ops);
    dn::memory::desc wmd = anyWeights ? dn::memory::desc(dimsOf(p.wei), dnnlType(weightType), dn::memory::format_tag::any) : wplain;
    auto desc = bmd.data.ndims ? dn::matmul::desc(smd, wmd, bmd, dmd) : dn::matmul::desc(smd, wmd, dmd);
    return dn::matmul::primitive_desc(desc, attr, L.engine);
  };
  Result<dn::matmul::primitive_desc> pd = Error("unset");
  for (int attempt = 0; attempt < 4 && !pd; ++attempt) {
    bool anyW = packable && attempt % 2 == 0;
    asBinary = attempt < 2;
    if (!packable && attempt % 2 == 0) continue;
    pd = dnnlTry(L.describe(n), [&] { return make(anyW, asBinary); });
  }
  return pd;
}

// Binds the fused matmul's operands (constant weights packed once, at prepare) and adds its step.
Status addFusedMatmul(Lowering& L, const Node& n, const OpCtx& c, const MatMulPlan& p, bool fused,
                      const dn::matmul::primitive_desc& pd, const dn::memory::desc& dmd, const dn::memory::desc& bmd,
                      bool asBinary, ValueId out) {
  int src = L.plainBuffer(p.a);
  int wei;
  dn::memory::desc wmd = pd.weights_desc();
  if (p.weightData) {
    GRAPHC_ASSIGN(wei, L.prepackTensor(*p.weightData, wmd, L.describe(n) + " weights"));
  } else if (L.isConstant(p.b)) {
    GRAPHC_ASSIGN(wei, L.prepackConstant(p.b, wmd));
  } else {
    wei = L.plainBuffer(p.b);
  }
  std::vector<std::pair<int, int>> args = {{DNNL_ARG_SRC, L.memref(src, plainDesc(p.src, L.type(p.a).dtype))},
                                           {DNNL_ARG_WEIGHTS, L.memref(wei, wmd)}};
  if (p.bias != UINT32_MAX)
    args.push_back({DNNL_ARG_BIAS, L.memref(p.biasData ? L.addConstTensor(*p.biasData) : L.plainBuffer(p.bias), bmd)});
  int dst = L.defineResult(out);
  if (p.residual != UINT32_MAX) {
    int res = L.plainBuffer(p.residual);
    if (asBinary) {
      int idx = fused && *parseActivation(c.s("activation")) != Activation::None ? 1 : 0;  // post-op index
      args.push_back({DNNL_ARG_ATTR_MULTIPLE_POST_OP(idx) | DNNL_ARG_SRC_1, L.memref(res, dmd)});
    } else {
      // sum post-op: dst starts as a copy of the residual.
      GRAPHC_TRY(L.addReorder(L.memref(res, dmd), L.memref(dst, dmd), "residual copy"));
    }
  }
  args.push_back({DNNL_ARG_DST, L.memref(dst, dmd)});
  L.addPrimitive(pd, std::move(args), L.describe(n));
  return ok();
}

// One matmul step: on view operands as they are when it can, else on plain ones with its fused
// post-ops.
Status matmul(Lowering& L, const Node& n, const OpCtx& c, const MatMulPlan& p, bool fused) {
  dn::memory::desc dmd = p.dstView.data.ndims ? p.dstView : plainDesc(p.dst, p.outType);
  ValueId out = p.out != UINT32_MAX ? p.out : n.results[0];
  GRAPHC_ASSIGN(bool done, matmulOnViews(L, n, p, fused, dmd, out));
  if (done) return ok();
  dn::memory::desc bmd;
  if (p.bias != UINT32_MAX) {
    Shape bs(p.dst.size(), 1);
    bs.back() = p.dst.back();
    bmd = plainDesc(bs, DType::f32);
  }
  bool asBinary = true;
  GRAPHC_ASSIGN(auto pd, fusedMatmulDesc(L, n, c, p, fused, dmd, bmd, asBinary));
  if (takesOver(p) && isRefImpl(pd)) return Error("only the reference matmul takes the strided destination");
  return addFusedMatmul(L, n, c, p, fused, pd, dmd, bmd, asBinary, out);
}

// The nodes after a plain matmul that its step does as well, filling in the plan: a mul by a
// constant scalar becomes the output scale (attention's 1/sqrt(d)), a cast to bf16 the output
// type, and then a transpose a strided destination (attention's head merge), so that none of
// them costs a pass over memory.
std::vector<const Node*> takeOverAfter(const Lowering& L, const Node& n, MatMulPlan& p) {
  std::vector<const Node*> over;
  ValueId v = n.results[0];
  if (L.type(v).shape != p.dst) return over;  // a 1-D operand's axis was removed
  const Node* r = L.soleReader(v);
  if (r && r->op == OpKind::Mul && r->operands[0] != r->operands[1]) {
    ValueId k = r->operands[0] == v ? r->operands[1] : r->operands[0];
    const TensorType& kt = L.type(k);
    if (L.isConstant(k) && kt.dtype == DType::f32 && kt.numel() == 1 && L.type(r->results[0]).shape == p.dst) {
      p.scale = L.constData(k).data<float>()[0];
      over.push_back(r);
      v = p.out = r->results[0];
      r = L.soleReader(v);
    }
  }
  // On bf16 operands, a cast of the result to bf16 (the next product's operand): oneDNN rounds
  // in the epilogue, as for dense.
  bool bf16 = L.type(p.a).dtype == DType::bf16 && L.type(p.b).dtype == DType::bf16;
  if (bf16 && r && r->op == OpKind::Cast && L.type(r->results[0]).dtype == DType::bf16) {
    p.outType = DType::bf16;
    over.push_back(r);
    v = p.out = r->results[0];
    r = L.soleReader(v);
  }
  if (r && r->op == OpKind::Transpose) {
    ValueId t = r->results[0];
    Shape plain = stridesOf(L.type(t).shape);
    std::vector<int64_t> strides(p.dst.size());
    const TensorType& vt = L.type(v);
    const auto& perm = OpCtx{r->info(), std::span(&vt, 1), r->attrs}.ints("perm");
    for (size_t i = 0; i < perm.size(); ++i) strides[perm[i]] = plain[i];
    p.dstView = stridedDesc(dimsOf(p.dst), dnnlType(p.outType), strides);
    over.push_back(r);
    p.out = t;
  }
  return over;
}

// A column block [begin, begin + count) of a dense's result that a last-axis slice reads.
struct ColumnSlice {
  const Node* slice;
  int64_t begin, count;
};

// When only last-axis slices read a dense's result (attention's Q/K/V split of one in-projection)
// and its weights and bias are constant, the slices of the result: the dense then runs as one
// matmul per slice, on that block of columns, so the slices copy nothing and each result is a
// dense buffer (oneDNN's brgemm matmul takes no row stride other than the row length).
std::vector<ColumnSlice> columnSlices(const Lowering& L, const Node& n) {
  ValueId y = n.results[0];
  if (n.operands.size() != 3 || !L.isConstant(n.operands[1]) || !L.isConstant(n.operands[2]) || L.heldOutside(y)) return {};
  if (L.type(n.operands[1]).dtype != DType::f32) return {};  // the slices' weights are cut as f32
  const TensorType& t = L.type(y);
  int64_t last = t.rank() - 1;
  std::vector<ColumnSlice> out;
  for (const Node* m : L.readers(y)) {
    if (m->op != OpKind::Slice) return {};
    OpCtx c{m->info(), std::span(&t, 1), m->attrs};
    Result<SliceWindow> w = resolveSlice(t.shape, c);
    if (!w) return {};
    for (int64_t a = 0; a <= last; ++a)
      if (w->step[a] != 1 || (a < last && w->shape[a] != t.shape[a])) return {};
    if (w->shape[last] == 0) return {};
    out.push_back({m, w->start[last], w->shape[last]});
  }
  return out;
}

Status denseByColumns(Lowering& L, const Node& n, const OpCtx& c, const MatMulPlan& whole,
                      const std::vector<ColumnSlice>& slices) {
  const float *w = L.constData(whole.b).data<float>(), *bias = L.constData(whole.bias).data<float>();
  int64_t k = whole.wei[0], cols = whole.wei[1];
  for (const ColumnSlice& s : slices) {
    Tensor ws = Tensor::uninitialized({DType::f32, {k, s.count}}), bs = Tensor::uninitialized({DType::f32, {s.count}});
    for (int64_t r = 0; r < k; ++r)
      std::copy_n(w + r * cols + s.begin, s.count, ws.data<float>() + r * s.count);
    std::copy_n(bias + s.begin, s.count, bs.data<float>());
    MatMulPlan p = whole;
    p.wei = {k, s.count}, p.dst = {whole.dst[0], s.count};
    p.out = s.slice->results[0], p.weightData = &ws, p.biasData = &bs;
    GRAPHC_TRY(matmul(L, n, c, p, true));
    L.takeOver(*s.slice);
  }
  return ok();
}

Status denseGemv(Lowering& L, const Node& n, int64_t k, int64_t cols) {
  std::vector<TensorType> types = L.graph.types(n.operands);
  bool relu = *parseActivation(OpCtx{n.info(), types, n.attrs}.s("activation")) == Activation::Relu;
  int w = L.addConstTensor(packGemvWeights(L.constData(n.operands[1])));
  int bias = L.addConstTensor(padGemvBias(L.constData(n.operands[2])));
  int x = L.plainBuffer(n.operands[0]), y = L.defineResult(n.results[0]);
  // Which way the panels go this run: counted per context, in its state block.
  int runs = L.contextState(sizeof(uint64_t), L.graph.value(n.results[0]).name + ".gemv_runs");
  L.addKernel(gemvKernel(relu, k, cols, {x, w, bias, y, runs}), {x, w, bias}, {y}, L.describe(n) + " (gemv)");
  return ok();
}

}  // namespace

// A dense on one row (batch 1) with constant weights runs on our matrix-vector kernel: reading
// the weights is all its work, and the kernel orders its reads so that more of them hit L2.
bool runsOnGemv(const Lowering& L, const Node& n) {
  if (n.op != OpKind::Dense || n.operands.size() != 3 || !gemvAvailable()) return false;
  std::vector<TensorType> types = L.graph.types(n.operands);
  Activation act = *parseActivation(OpCtx{n.info(), types, n.attrs}.s("activation"));
  int64_t cols = types[1].shape[1];
  return types[0].dtype == DType::f32 && L.type(n.results[0]).numel() == cols && L.isConstant(n.operands[1]) &&
         L.isConstant(n.operands[2]) && (act == Activation::None || act == Activation::Relu);
}

Status lowerLinalg(Lowering& L, const Node& n) {
  std::vector<TensorType> types = L.graph.types(n.operands);
  bool bf16 = types[0].dtype == DType::bf16 && types[1].dtype == DType::bf16;
  if (types[0].dtype != DType::f32 && !bf16) return lowerFallback(L, n);
  OpCtx c{n.info(), types, n.attrs};
  MatMulPlan p;
  p.a = n.operands[0], p.b = n.operands[1];
  if (n.op == OpKind::Dense) {
    int64_t k = types[1].shape[0], nn = types[1].shape[1], m = L.type(n.results[0]).numel() / nn;  // nn > 0: empty results never get here
    if (runsOnGemv(L, n)) return denseGemv(L, n, k, nn);
    p.src = {m, k}, p.wei = {k, nn}, p.dst = {m, nn};
    p.bias = n.operands[2];
    if (n.operands.size() == 4) p.residual = n.operands[3];
    if (std::vector<ColumnSlice> slices = columnSlices(L, n); !slices.empty()) return denseByColumns(L, n, c, p, slices);
    // A bf16 dense whose only reader rounds its result to bf16 (the next product's operand)
    // writes bf16 itself: oneDNN rounds in the epilogue, to nearest even as the cast does (but
    // for subnormal f32 results, which its conversion instruction may flush to zero), which
    // saves the cast's pass over the activation.
    const Node* r = L.soleReader(n.results[0]);
    if (bf16 && p.residual == UINT32_MAX && r && r->op == OpKind::Cast && L.type(r->results[0]).dtype == DType::bf16) {
      MatMulPlan taking = p;
      taking.out = r->results[0], taking.outType = DType::bf16;
      if (matmul(L, n, c, taking, true)) {
        L.takeOver(*r);
        return ok();
      }
    }
    return matmul(L, n, c, p, true);
  }
  // NumPy matmul: 1-D operands are promoted; batch axes broadcast (oneDNN broadcasts unit
  // batch dims of either operand); the output's bytes do not depend on the removed axes.
  Shape sa = types[0].shape, sb = types[1].shape;
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  size_t rank = std::max(sa.size(), sb.size());
  p.src = padFront(sa, rank), p.wei = padFront(sb, rank);
  p.dst = *broadcastShapes(Shape(p.src.begin(), p.src.end() - 2), Shape(p.wei.begin(), p.wei.end() - 2));
  p.dst.push_back(sa[sa.size() - 2]);
  p.dst.push_back(sb.back());
  MatMulPlan taking = p;
  std::vector<const Node*> over = takeOverAfter(L, n, taking);
  // oneDNN may refuse the scale or the strides (nothing is added before it decides): then the
  // nodes after keep their own steps.
  if (!over.empty() && matmul(L, n, c, taking, false)) {
    for (const Node* m : over) L.takeOver(*m);
    return ok();
  }
  return matmul(L, n, c, p, false);
}

}  // namespace graphc::dnnl
