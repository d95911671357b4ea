// Data movement: reshape, transpose, slice, concat, expand and gather. Each is a strided copy
// (loop nest over the output, the source read through its own strides); gather reads indices.
#include <fmt/format.h>

#include "backend/llvm/codegen.h"

namespace graphc::llvmjit {
namespace {

using llvm::Value;

// Contiguous runs at least this long are copied by memcpy rather than by a loop.
constexpr int64_t kMemcpyRun = 16;

// dst[dstOffset + sum_d i_d dstStrides_d] = src[srcOffset + sum_d i_d srcStrides_d] over shape.
void copy(Emitter& e, ValueId src, ValueId dst, const Shape& shape, Shape srcStrides, int64_t srcOffset,
          Shape dstStrides, int64_t dstOffset) {
  LoopNest nest(shape);
  nest.add(std::move(dstStrides), dstOffset);
  nest.add(std::move(srcStrides), srcOffset);
  nest.coalesce();
  // Rolled: a copy gains nothing from unrolling, and strided (transposing) copies unrolled and
  // vectorized into shuffles cost most of a model's JIT time.
  Emitter::KeepRolled rolled(e);
  size_t rank = nest.shape.size();
  if (rank && nest.shape.back() >= kMemcpyRun && nest.strides[0].back() == 1 && nest.strides[1].back() == 1) {
    // Contiguous runs on both sides: one memcpy per run (the whole tensor for a reshape).
    auto& b = e.b;
    size_t es = dtypeSize(e.graph.type(dst).dtype);
    llvm::Type* elem = e.type(e.graph.type(dst).dtype);
    LoopNest runs(Shape(nest.shape.begin(), nest.shape.end() - 1));
    for (size_t k = 0; k < 2; ++k) runs.add(Shape(nest.strides[k].begin(), nest.strides[k].end() - 1), nest.offsets[k]);
    e.nest(runs, [&](std::span<Value* const> at) {
      b.CreateMemCpy(b.CreateInBoundsGEP(elem, e.ptr(dst), at[0]), llvm::MaybeAlign(es),
                     b.CreateInBoundsGEP(elem, e.ptr(src), at[1]), llvm::MaybeAlign(es), (uint64_t)nest.shape.back() * es);
    });
    return;
  }
  e.nest(nest, [&](std::span<Value* const> at) { e.store(dst, at[0], e.load(src, at[1])); }, true);
}

Status emitGather(Emitter& e, const Node& n, const OpCtx& c) {
  const Graph& g = e.graph;
  ValueId x = n.operands[0], indices = n.operands[1], y = n.results[0];
  const TensorType& type = g.type(x);
  if (!isInteger(g.type(indices).dtype)) return Error("indices must be i32 or i64");
  int64_t axis = *normalizeAxis(c.i("axis"), type.rank());
  int64_t outer = 1, dim = type.shape[axis], inner = 1, picks = g.type(indices).numel();
  for (int64_t d = 0; d < axis; ++d) outer *= type.shape[d];
  for (int64_t d = axis + 1; d < type.rank(); ++d) inner *= type.shape[d];
  auto& b = e.b;
  auto pick = [&](Value* j) { return b.CreateSExt(e.load(indices, j), b.getInt64Ty()); };
  // Every index is checked before anything is copied, as in the interpreter.
  e.loop(picks, [&](Value* j) {
    Value* k = pick(j);
    e.failIf(b.CreateOr(b.CreateICmpSLT(k, e.index(-dim)), b.CreateICmpSGE(k, e.index(dim))),
             fmt::format("gather: an index is out of range for axis {} of size {}", axis, dim));
  });
  e.loop(outer, [&](Value* o) {
    e.loop(picks, [&](Value* j) {
      Value* k = pick(j);
      k = b.CreateSelect(b.CreateICmpSLT(k, e.index(0)), b.CreateAdd(k, e.index(dim)), k);  // from the end
      Value* from = b.CreateMul(b.CreateAdd(b.CreateMul(o, e.index(dim)), k), e.index(inner));
      Value* to = b.CreateMul(b.CreateAdd(b.CreateMul(o, e.index(picks)), j), e.index(inner));
      e.loop(inner, [&](Value* i) { e.store(y, b.CreateAdd(to, i), e.load(x, b.CreateAdd(from, i))); }, true);
    });
  });
  return ok();
}

}  // namespace

Status emitMovement(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId x = n.operands[0], y = n.results[0];
  const Shape &in = g.type(x).shape, &out = g.type(y).shape;
  std::vector<TensorType> types = g.types(n.operands);
  OpCtx c{n.info(), types, n.attrs};
  Shape inStrides = stridesOf(in);
  switch (n.op) {
    case OpKind::Reshape: {
      int64_t count = g.type(y).numel();
      copy(e, x, y, {count}, {1}, 0, {1}, 0);
      return ok();
    }
    case OpKind::Transpose: {
      const auto& perm = c.ints("perm");
      Shape strides(perm.size());
      for (size_t d = 0; d < perm.size(); ++d) strides[d] = inStrides[perm[d]];
      copy(e, x, y, out, strides, 0, stridesOf(out), 0);
      return ok();
    }
    case OpKind::Slice: {
      if (g.type(y).numel() == 0) return ok();  // a clamped start may lie outside x
      GRAPHC_ASSIGN(SliceWindow w, resolveSlice(in, c));
      Shape strides(in.size());
      int64_t offset = 0;
      for (size_t d = 0; d < in.size(); ++d) strides[d] = w.step[d] * inStrides[d], offset += w.start[d] * inStrides[d];
      copy(e, x, y, out, strides, offset, stridesOf(out), 0);
      return ok();
    }
    case OpKind::Concat: {
      int64_t axis = *normalizeAxis(c.i("axis"), (int64_t)out.size());
      Shape outStrides = stridesOf(out);
      int64_t at = 0;
      for (ValueId part : n.operands) {
        const Shape& s = g.type(part).shape;
        copy(e, part, y, s, stridesOf(s), 0, outStrides, at * outStrides[axis]);
        at += s[axis];
      }
      return ok();
    }
    case OpKind::Expand:
      copy(e, x, y, out, broadcastStrides(in, out), 0, stridesOf(out), 0);
      return ok();
    case OpKind::Gather:
      return emitGather(e, n, c);
    default:
      return Error(fmt::format("no lowering for '{}' yet", opName(n.op)));
  }
}

}  // namespace graphc::llvmjit
