// Data movement: reshape is a view, transpose and positive-step slices are oneDNN reorders
// between strided descriptors (f32), concat is the concat primitive (f32); gather, expand and
// the other dtypes use our bytewise kernels.
#include <algorithm>
#include <optional>

#include "backend/dnnl/kernels.h"
#include "backend/dnnl/lowering.h"

namespace graphc::dnnl {
namespace {

// Copies the strided view (strides and offset in elements of x) of x into y.
Status stridedCopy(Lowering& L, const Node& n, const std::vector<int64_t>& strides, int64_t offset, bool reorderOk) {
  ValueId x = n.operands[0], y = n.results[0];
  const TensorType& ty = L.type(y);
  int src = L.plainBuffer(x);
  // oneDNN takes no view whose rows overlap in its sense (x[:, :, ::2, ::2]: a stride below the
  // extent of the axis inside it); our strided kernel copies those.
  std::optional<dn::memory::desc> describable;
  if (reorderOk && ty.dtype == DType::f32 && ty.rank() > 0) {
    try {
      describable = stridedDesc(dimsOf(ty.shape), dn::memory::data_type::f32, strides);
    } catch (const dn::error&) {
    }
  }
  if (describable) {
    dn::memory::desc view = *describable;
    view.data.offset0 = offset;
    dn::memory::desc plain = plainDesc(ty.shape, ty.dtype);
    auto pd = dnnlTry(L.describe(n), [&] { return dn::reorder::primitive_desc(L.engine, view, L.engine, plain, L.attr()); });
    if (pd) {
      int dst = L.defineResult(y);
      L.addPrimitive(*pd, {{DNNL_ARG_SRC, L.memref(src, view)}, {DNNL_ARG_DST, L.memref(dst, plain)}}, L.describe(n));
      return ok();
    }
  }
  int dst = L.defineResult(y);
  L.addKernel(stridedCopyKernel(dtypeSize(ty.dtype), ty.shape, strides, offset, src, dst), {src}, {dst}, L.describe(n));
  return ok();
}

}  // namespace

SliceView sliceView(const Shape& x, const OpCtx& c) {
  SliceView v;
  Shape inStrides = stridesOf(x);
  v.strides = inStrides;
  // The resolution shape inference made (which succeeded before lowering): one rule everywhere,
  // with steps normalized so that the strides below cannot overflow.
  SliceWindow w = *resolveSlice(x, c);
  for (size_t a = 0; a < x.size(); ++a) {
    v.offset += w.start[a] * inStrides[a];
    v.strides[a] = inStrides[a] * w.step[a];
    v.positive &= w.step[a] > 0;
  }
  return v;
}

// Whether only matmuls read v (no output, no update): those run on a strided view, so a
// transpose into v (attention's head split, K^T) needs no copy.
static bool onlyMatMulsRead(const Lowering& L, ValueId v) {
  const auto& readers = L.readers(v);
  return !L.heldOutside(v) && !readers.empty() &&
         std::ranges::all_of(readers, [](const Node* m) { return m->op == OpKind::MatMul; });
}

Status lowerMovement(Lowering& L, const Node& n) {
  std::vector<TensorType> types = L.graph.types(n.operands);
  OpCtx c{n.info(), types, n.attrs};
  ValueId x = n.operands[0], y = n.results[0];
  const TensorType &tx = types[0], &ty = L.type(y);
  Shape inStrides = stridesOf(tx.shape);

  switch (n.op) {
    case OpKind::Reshape:
      L.aliasResult(y, L.plainBuffer(x));  // same bytes, another shape: no step at all
      return ok();
    case OpKind::Transpose: {
      std::vector<int64_t> strides;
      for (int64_t p : c.ints("perm")) strides.push_back(inStrides[p]);
      if ((ty.dtype == DType::f32 || ty.dtype == DType::bf16) && ty.rank() >= 2 && ty.numel() > 0 && onlyMatMulsRead(L, y)) {
        L.viewResult(y, L.plainBuffer(x), stridedDesc(dimsOf(ty.shape), dnnlType(ty.dtype), strides));
        return ok();
      }
      return stridedCopy(L, n, strides, 0, true);
    }
    case OpKind::Slice: {
      SliceView view = sliceView(tx.shape, c);
      return stridedCopy(L, n, view.strides, view.offset, view.positive);
    }
    case OpKind::Expand:
      return stridedCopy(L, n, broadcastStrides(tx.shape, ty.shape), 0, false);
    case OpKind::Concat: {
      int64_t axis = *normalizeAxis(c.i("axis"), ty.rank());
      bool anyEmpty = false;
      std::vector<int> ins;
      for (ValueId v : n.operands) ins.push_back(L.plainBuffer(v)), anyEmpty |= L.type(v).numel() == 0;
      if (ty.dtype == DType::f32 && !anyEmpty) {
        std::vector<dn::memory::desc> mds;
        for (ValueId v : n.operands) mds.push_back(plainDesc(L.type(v).shape, DType::f32));
        dn::memory::desc dmd = plainDesc(ty.shape, DType::f32);
        auto pd = dnnlTry(L.describe(n), [&] { return dn::concat::primitive_desc(dmd, (int)axis, mds, L.engine, L.attr()); });
        if (!pd) return pd.takeError();
        int dst = L.defineResult(y);
        std::vector<std::pair<int, int>> args;
        for (size_t i = 0; i < ins.size(); ++i) args.push_back({DNNL_ARG_MULTIPLE_SRC + (int)i, L.memref(ins[i], mds[i])});
        args.push_back({DNNL_ARG_DST, L.memref(dst, dmd)});
        L.addPrimitive(*pd, std::move(args), L.describe(n));
        return ok();
      }
      int64_t outer = 1;
      for (int64_t d = 0; d < axis; ++d) outer *= ty.shape[d];
      std::vector<int64_t> inner;
      for (ValueId v : n.operands) inner.push_back(outer ? L.type(v).numel() / outer : 0);
      int dst = L.defineResult(y);
      L.addKernel(concatKernel(dtypeSize(ty.dtype), outer, inner, ins, dst), ins, {dst}, L.describe(n));
      return ok();
    }
    case OpKind::Gather: {
      int64_t axis = *normalizeAxis(c.i("axis"), tx.rank());
      int64_t outer = 1, inner = 1;
      for (int64_t d = 0; d < axis; ++d) outer *= tx.shape[d];
      for (int64_t d = axis + 1; d < tx.rank(); ++d) inner *= tx.shape[d];
      int data = L.plainBuffer(x), index = L.plainBuffer(n.operands[1]);
      int dst = L.defineResult(y);
      L.addKernel(gatherKernel(dtypeSize(ty.dtype), types[1].dtype, outer, tx.shape[axis], inner, types[1].numel(), data,
                               index, dst),
                  {data, index}, {dst}, L.describe(n));
      return ok();
    }
    default: return Error("not a movement op");
  }
}

}  // namespace graphc::dnnl
