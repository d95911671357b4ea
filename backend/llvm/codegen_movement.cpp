// Data movement: reshape, transpose, slice, concat, expand and gather. Each is a strided copy
// (loop nest over the output, the source read through its own strides); gather reads indices.
// Pad reads through a per-axis table of source indices; the gradients of slice, gather and pad
// zero their result and add (or copy) dy back along the same maps.
#include <fmt/format.h>

#include "ir/pad.h"

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

// The axis a gather (or its gradient) indexes, as outer x dim x inner around it, and picks indices.
struct GatherAxis {
  int64_t axis, outer = 1, dim, inner = 1, picks;
  GatherAxis(const Shape& full, int64_t axisAttr, int64_t picks) : axis(*normalizeAxis(axisAttr, (int64_t)full.size())), dim(full[axis]), picks(picks) {
    for (int64_t d = 0; d < axis; ++d) outer *= full[d];
    for (int64_t d = axis + 1; d < (int64_t)full.size(); ++d) inner *= full[d];
  }
};

// For each (o, j): the element offsets of the full tensor's row indices[j] and of the picked
// row j, both `inner` long. Every index is checked before anything is read or written, as in
// the interpreter; a negative one counts from the end.
void forEachPick(Emitter& e, const char* op, ValueId indices, const GatherAxis& a,
                 const std::function<void(Value* full, Value* picked)>& body) {
  auto& b = e.b;
  auto pick = [&](Value* j) { return b.CreateSExt(e.load(indices, j), b.getInt64Ty()); };
  e.loop(a.picks, [&](Value* j) {
    Value* k = pick(j);
    e.failIf(b.CreateOr(b.CreateICmpSLT(k, e.index(-a.dim)), b.CreateICmpSGE(k, e.index(a.dim))),
             fmt::format("{}: an index is out of range for axis {} of size {}", op, a.axis, a.dim));
  });
  e.loop(a.outer, [&](Value* o) {
    e.loop(a.picks, [&](Value* j) {
      Value* k = pick(j);
      k = b.CreateSelect(b.CreateICmpSLT(k, e.index(0)), b.CreateAdd(k, e.index(a.dim)), k);
      body(b.CreateMul(b.CreateAdd(b.CreateMul(o, e.index(a.dim)), k), e.index(a.inner)),
           b.CreateMul(b.CreateAdd(b.CreateMul(o, e.index(a.picks)), j), e.index(a.inner)));
    });
  });
}

Status emitGather(Emitter& e, const Node& n, const OpCtx& c) {
  const Graph& g = e.graph;
  ValueId x = n.operands[0], indices = n.operands[1], y = n.results[0];
  if (!isInteger(g.type(indices).dtype)) return Error("indices must be i32 or i64");
  GatherAxis a(g.type(x).shape, c.i("axis"), g.type(indices).numel());
  auto& b = e.b;
  forEachPick(e, "gather", indices, a, [&](Value* from, Value* to) {
    e.loop(a.inner, [&](Value* i) { e.store(y, b.CreateAdd(to, i), e.load(x, b.CreateAdd(from, i))); }, true);
  });
  return ok();
}

void zero(Emitter& e, ValueId v) {
  if (uint64_t bytes = e.graph.type(v).bytes())
    e.b.CreateMemSet(e.ptr(v), e.b.getInt8(0), bytes, llvm::MaybeAlign(dtypeSize(e.graph.type(v).dtype)));
}

// dst[at] += x, in dst's type.
void accumulate(Emitter& e, ValueId dst, Value* at, Value* x) {
  Value* old = e.load(dst, at);
  e.store(dst, at, isFloat(e.graph.type(dst).dtype) ? e.b.CreateFAdd(old, x) : e.b.CreateAdd(old, x));
}

// gather_grad: dx[.., idx[j], ..] += dy[.., j, ..], repeated indices adding up in order.
Status emitGatherGrad(Emitter& e, const Node& n, const OpCtx& c) {
  const Graph& g = e.graph;
  ValueId dy = n.operands[0], indices = n.operands[1], dx = n.results[0];
  if (!isInteger(g.type(indices).dtype)) return Error("indices must be i32 or i64");
  GatherAxis a(g.type(dx).shape, c.i("axis"), g.type(indices).numel());
  auto& b = e.b;
  zero(e, dx);
  forEachPick(e, "gather_grad", indices, a, [&](Value* to, Value* from) {
    e.loop(a.inner, [&](Value* i) { accumulate(e, dx, b.CreateAdd(to, i), e.load(dy, b.CreateAdd(from, i))); });
  });
  return ok();
}

// The nest over `shape` whose source offset walks each axis through its table of source
// indices (ir/pad.h; -1: the fill value): body(i, offset, inside) gets the flat position,
// the source offset (0 where outside) and whether it is inside.
void overPadMap(Emitter& e, const Shape& shape, const Shape& sourceShape, const std::vector<std::vector<int64_t>>& maps,
                const std::function<void(Value*, Value*, Value*)>& body) {
  auto& b = e.b;
  Shape srcStrides = stridesOf(sourceShape);
  std::vector<llvm::GlobalVariable*> tables;
  for (const auto& m : maps) {
    std::vector<uint64_t> bits(m.begin(), m.end());
    auto* init = llvm::ConstantDataArray::get(e.context, bits);
    tables.push_back(new llvm::GlobalVariable(e.module, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init, "pad.map"));
  }
  std::function<void(size_t, Value*, Value*, Value*)> level = [&](size_t d, Value* flat, Value* offset, Value* inside) {
    if (d == shape.size()) return body(flat, offset, inside);
    e.loop(shape[d], [&](Value* i) {
      Value* src = b.CreateLoad(b.getInt64Ty(), b.CreateInBoundsGEP(tables[d]->getValueType(), tables[d], {e.index(0), i}));
      Value* in = b.CreateICmpSGE(src, e.index(0));
      Value* at = b.CreateAdd(offset, b.CreateMul(b.CreateSelect(in, src, e.index(0)), e.index(srcStrides[d])));
      level(d + 1, b.CreateAdd(b.CreateMul(flat, e.index(shape[d])), i), at, b.CreateAnd(inside, in));
    });
  };
  level(0, e.index(0), e.index(0), b.getTrue());
}

// The per-axis source maps of a pad of `in` (pads in ONNX order).
std::vector<std::vector<int64_t>> padMaps(const Shape& in, const std::vector<int64_t>& pads, PadMode mode) {
  std::vector<std::vector<int64_t>> maps;
  for (size_t d = 0; d < in.size(); ++d) maps.push_back(padSourceMap(mode, pads[d], in[d], pads[d + in.size()]));
  return maps;
}

Status emitPad(Emitter& e, const Node& n, const OpCtx& c) {
  const Graph& g = e.graph;
  ValueId x = n.operands[0], y = n.results[0];
  std::optional<PadMode> mode = parsePadMode(c.s("mode"));
  if (!mode) return Error(fmt::format("unknown pad mode '{}'", c.s("mode")));
  DType t = g.type(y).dtype;
  Value* fill = t == DType::boolean ? e.b.getInt8(c.f("value") != 0) : e.constant(t, c.f("value"));
  Emitter::KeepRolled rolled(e);
  overPadMap(e, g.type(y).shape, g.type(x).shape, padMaps(g.type(x).shape, c.ints("pads"), *mode),
             [&](Value* i, Value* from, Value* inside) {
               // Outside, the offset is 0: a select of a safe load, no branch. An empty x has no inside.
               if (g.type(x).numel() == 0) return e.store(y, i, fill);
               e.store(y, i, e.b.CreateSelect(inside, e.load(x, from), fill));
             });
  return ok();
}

// pad_grad: each dx element sums the dy elements pad copied from it.
Status emitPadGrad(Emitter& e, const Node& n, const OpCtx& c) {
  const Graph& g = e.graph;
  ValueId dy = n.operands[0], dx = n.results[0];
  std::optional<PadMode> mode = parsePadMode(c.s("mode"));
  if (!mode) return Error(fmt::format("unknown pad mode '{}'", c.s("mode")));
  zero(e, dx);
  if (g.type(dx).numel() == 0) return ok();
  Emitter::KeepRolled rolled(e);
  overPadMap(e, g.type(dy).shape, g.type(dx).shape, padMaps(g.type(dx).shape, c.ints("pads"), *mode),
             [&](Value* i, Value* to, Value* inside) {
               e.ifThenElse(inside, [&] { accumulate(e, dx, to, e.load(dy, i)); }, [] {});
             });
  return ok();
}

// slice_grad: zeros where the slice read nothing, dy copied back where it did.
Status emitSliceGrad(Emitter& e, const Node& n, const OpCtx& c) {
  const Graph& g = e.graph;
  ValueId dy = n.operands[0], dx = n.results[0];
  const Shape &full = g.type(dx).shape, &part = g.type(dy).shape;
  zero(e, dx);
  if (g.type(dy).numel() == 0) return ok();
  GRAPHC_ASSIGN(SliceWindow w, resolveSlice(full, c));
  Shape fullStrides = stridesOf(full), strides(full.size());
  int64_t offset = 0;
  for (size_t d = 0; d < full.size(); ++d) strides[d] = w.step[d] * fullStrides[d], offset += w.start[d] * fullStrides[d];
  copy(e, dy, dx, part, stridesOf(part), 0, strides, offset);
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
    case OpKind::GatherGrad:
      return emitGatherGrad(e, n, c);
    case OpKind::Pad:
      return emitPad(e, n, c);
    case OpKind::PadGrad:
      return emitPadGrad(e, n, c);
    case OpKind::SliceGrad:
      return emitSliceGrad(e, n, c);
    default:
      return Error(fmt::format("no lowering for '{}' yet", opName(n.op)));
  }
}

}  // namespace graphc::llvmjit
