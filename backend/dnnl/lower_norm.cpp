// Normalizations and reductions on oneDNN: softmax_v2 (accurate and log), layer and batch
// normalization (inference, stored statistics), reduction (sum, mean, max).
#include "backend/dnnl/lowering.h"

namespace graphc::dnnl {

RowsView layerNormRows(const TensorType& t, int64_t axis) {
  int64_t inner = 1;
  for (int64_t d = axis; d < t.rank(); ++d) inner *= t.shape[d];
  return {inner ? t.numel() / inner : 0, inner};
}

namespace {

using dt = dn::memory::data_type;
using nf = dn::normalization_flags;

Status softmax(Lowering& L, const Node& n, const OpCtx& c) {
  ValueId x = n.operands[0], y = n.results[0];
  const TensorType& t = L.type(x);
  int axis = (int)*normalizeAxis(c.i("axis"), t.rank());
  dn::memory::desc md = plainDesc(t.shape, DType::f32);
  auto a = n.op == OpKind::Softmax ? dn::algorithm::softmax_accurate : dn::algorithm::softmax_log;
  auto describe = [&](const dn::memory::desc& dmd) {
    return dnnlTry(L.describe(n), [&] {
      return dn::softmax_v2_forward::primitive_desc(
          dn::softmax_v2_forward::desc(dn::prop_kind::forward_inference, a, md, dmd, t.rank() ? axis : 0), L.attr(), L.engine);
    });
  };
  // When only a cast to bf16 reads the result (attention's probabilities, the next matmul's
  // operand), softmax_v2 writes bf16 itself, rounding as the cast does (subnormal results may
  // flush to zero), and the cast's pass over the tensor is saved; not on oneDNN's reference
  // kernel (a CPU without bf16), which is slower than the cast.
  const Node* r = L.soleReader(y);
  if (r && r->op == OpKind::Cast && L.type(r->results[0]).dtype == DType::bf16) {
    dn::memory::desc bmd = plainDesc(t.shape, DType::bf16);
    if (auto pd = describe(bmd); pd && std::string(pd->impl_info_str()).rfind("ref", 0) != 0) {
      int src = L.plainBuffer(x), dst = L.defineResult(r->results[0]);
      L.addPrimitive(*pd, {{DNNL_ARG_SRC, L.memref(src, md)}, {DNNL_ARG_DST, L.memref(dst, bmd)}}, L.describe(n));
      L.takeOver(*r);
      return ok();
    }
  }
  auto pd = describe(md);
  if (!pd) return pd.takeError();
  int src = L.plainBuffer(x), dst = L.defineResult(y);
  L.addPrimitive(*pd, {{DNNL_ARG_SRC, L.memref(src, md)}, {DNNL_ARG_DST, L.memref(dst, md)}}, L.describe(n));
  return ok();
}

// layer_norm over axes [axis, rank): oneDNN normalizes the last axis, so x is seen as
// [rows, n] and scale/shift as [n].
Status layerNorm(Lowering& L, const Node& n, const OpCtx& c) {
  ValueId x = n.operands[0], y = n.results[0];
  const TensorType& t = L.type(x);
  auto [rows, inner] = layerNormRows(t, *normalizeAxis(c.i("axis"), t.rank()));
  dn::memory::desc md = plainDesc({rows, inner}, DType::f32), ss = plainDesc({inner}, DType::f32);
  auto pd = dnnlTry(L.describe(n), [&] {
    return dn::layer_normalization_forward::primitive_desc(
        dn::layer_normalization_forward::desc(dn::prop_kind::forward_inference, md, (float)c.f("epsilon"),
                                              nf::use_scale | nf::use_shift),
        L.attr(), L.engine);
  });
  if (!pd) return pd.takeError();
  int src = L.plainBuffer(x), scale = L.plainBuffer(n.operands[1]), shift = L.plainBuffer(n.operands[2]);
  int dst = L.defineResult(y);
  L.addPrimitive(*pd,
                 {{DNNL_ARG_SRC, L.memref(src, md)}, {DNNL_ARG_SCALE, L.memref(scale, ss)},
                  {DNNL_ARG_SHIFT, L.memref(shift, ss)}, {DNNL_ARG_DST, L.memref(dst, md)}},
                 L.describe(n));
  L.allowInPlace(n, 0, src, dst);
  return ok();
}

// batch_norm with the stored statistics. A 4-D input keeps its layout (so conv -> bn stays
// blocked); others are seen as [N, C, rest].
Status batchNorm(Lowering& L, const Node& n, const OpCtx& c) {
  ValueId x = n.operands[0], y = n.results[0];
  const TensorType& t = L.type(x);
  dn::memory::desc md;
  int src;
  if (t.rank() == 4) {
    md = L.layoutOf(x), src = L.bufferOf(x);
  } else {
    Shape s = {t.shape[0], t.shape[1]};
    if (t.rank() > 2) s.push_back(t.numel() / (t.shape[0] * t.shape[1]));
    md = plainDesc(s, DType::f32), src = L.plainBuffer(x);
  }
  dn::memory::desc ch = plainDesc({t.shape[1]}, DType::f32);
  auto pd = dnnlTry(L.describe(n), [&] {
    return dn::batch_normalization_forward::primitive_desc(
        dn::batch_normalization_forward::desc(dn::prop_kind::forward_inference, md, (float)c.f("epsilon"),
                                              nf::use_global_stats | nf::use_scale | nf::use_shift),
        L.attr(), L.engine);
  });
  if (!pd) return pd.takeError();
  int scale = L.plainBuffer(n.operands[1]), shift = L.plainBuffer(n.operands[2]);
  int mean = L.plainBuffer(n.operands[3]), var = L.plainBuffer(n.operands[4]);
  int dst = L.defineResult(y, t.rank() == 4 ? md : dn::memory::desc());
  L.addPrimitive(*pd,
                 {{DNNL_ARG_SRC, L.memref(src, md)}, {DNNL_ARG_SCALE, L.memref(scale, ch)}, {DNNL_ARG_SHIFT, L.memref(shift, ch)},
                  {DNNL_ARG_MEAN, L.memref(mean, ch)}, {DNNL_ARG_VARIANCE, L.memref(var, ch)}, {DNNL_ARG_DST, L.memref(dst, md)}},
                 L.describe(n));
  L.allowInPlace(n, 0, src, dst);
  return ok();
}

Status reduce(Lowering& L, const Node& n, const OpCtx& c) {
  ValueId x = n.operands[0], y = n.results[0];
  const TensorType& t = L.type(x);
  Shape kept = t.shape;
  for (size_t d = 0; d < kept.size(); ++d)
    if (c.ints("axes").empty()) kept[d] = 1;
  for (int64_t a : c.ints("axes")) kept[*normalizeAxis(a, t.rank())] = 1;
  if (n.op == OpKind::ReduceMax && t.numel() == 0)  // known from the shapes, so say it now
    return Error("reduce_max: maximum of an empty set of elements");
  // oneDNN's reduction_max skips NaN; the interpreter's kernel keeps it, as NumPy does.
  if (n.op == OpKind::ReduceMax) return lowerFallback(L, n);
  if (t.numel() == 0) return lowerFallback(L, n);  // the empty sum and product: 0 and 1
  int src = L.plainBuffer(x);
  if (kept == t.shape) {  // nothing to reduce: sum, mean and product of one element are the element
    L.aliasResult(y, src);
    return ok();
  }
  auto a = n.op == OpKind::ReduceSum ? dn::algorithm::reduction_sum
           : n.op == OpKind::ReduceMean ? dn::algorithm::reduction_mean : dn::algorithm::reduction_mul;
  dn::memory::desc smd = plainDesc(t.shape, DType::f32), dmd = plainDesc(kept, DType::f32);
  auto pd = dnnlTry(L.describe(n), [&] {
    return dn::reduction::primitive_desc(dn::reduction::desc(a, smd, dmd, 0.f, 0.f), L.attr(), L.engine);
  });
  if (!pd) return pd.takeError();
  int dst = L.defineResult(y);  // keepdims or not, the bytes are the same
  L.addPrimitive(*pd, {{DNNL_ARG_SRC, L.memref(src, smd)}, {DNNL_ARG_DST, L.memref(dst, dmd)}}, L.describe(n));
  return ok();
}

}  // namespace

Status lowerNorm(Lowering& L, const Node& n) {
  std::vector<TensorType> types = L.graph.types(n.operands);
  if (types[0].dtype != DType::f32) return lowerFallback(L, n);
  OpCtx c{n.info(), types, n.attrs};
  switch (n.op) {
    case OpKind::Softmax: case OpKind::LogSoftmax: return softmax(L, n, c);
    case OpKind::LayerNorm: return layerNorm(L, n, c);
    case OpKind::BatchNorm: return batchNorm(L, n, c);
    default: return reduce(L, n, c);
  }
}

}  // namespace graphc::dnnl
