// Reductions (sum, mean, max, product) over a set of axes, and softmax / log_softmax along one axis.
#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>

#include <limits>

#include "backend/llvm/codegen.h"

namespace graphc::llvmjit {
namespace {

using llvm::Value;

Value* add(Emitter& e, DType t, Value* acc, Value* x) {
  if (!isFloat(t)) return e.b.CreateAdd(acc, x);  // wraps, like the interpreter's uint64 sum narrowed
  Reassociate fast(e.b);
  return e.b.CreateFAdd(acc, x);
}

// In order, unlike the sum: a product that overflows midway must be inf here too, as in the
// interpreter.
Value* multiply(Emitter& e, DType t, Value* acc, Value* x) {
  return isFloat(t) ? e.b.CreateFMul(acc, x) : e.b.CreateMul(acc, x);
}

// The interpreter's maximum: NaN wins, and once NaN stays NaN.
Value* maximum(Emitter& e, DType t, Value* acc, Value* x) {
  auto& b = e.b;
  if (!isFloat(t)) return b.CreateSelect(b.CreateICmpSGT(x, acc), x, acc);
  Value* take = b.CreateOr(b.CreateFCmpOGT(x, acc), b.CreateFCmpUNO(x, x));
  return b.CreateSelect(b.CreateFCmpUNO(acc, acc), acc, b.CreateSelect(take, x, acc));
}

Value* lowest(Emitter& e, DType t) {
  if (isFloat(t)) return e.constant(t, -std::numeric_limits<double>::infinity());
  int64_t v = t == DType::i32 ? std::numeric_limits<int32_t>::lowest() : std::numeric_limits<int64_t>::lowest();
  return llvm::ConstantInt::get(e.type(t), (uint64_t)v, true);
}

// softmax(x) = exp(x - max) / sum(exp(x - max)) along `axis`; log_softmax = x - max - log(sum).
Status emitSoftmax(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId x = n.operands[0], y = n.results[0];
  const TensorType& type = g.type(x);
  DType t = type.dtype;
  int64_t axis = *normalizeAxis(std::get<int64_t>(OpCtx{n.info(), {}, n.attrs}.attr("axis")), type.rank());
  int64_t outer = 1, len = type.shape[axis], inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= type.shape[d];
  for (int64_t d = axis + 1; d < type.rank(); ++d) inner *= type.shape[d];
  auto& b = e.b;
  // Unrolled short rows turn the row loop into the innermost one, which then vectorizes
  // across rows with gathers: more code (and JIT time) for no gain.
  Emitter::KeepRolled rolled(e);
  LoopNest rows({outer, inner});
  rows.add({len * inner, 1});
  rows.coalesce();
  e.nest(rows, [&](std::span<Value* const> at) {
    auto element = [&](Value* k) { return b.CreateAdd(at[0], b.CreateMul(k, e.index(inner))); };
    // maxnum skips NaN as the interpreter's std::max does; a NaN still reaches every output
    // through the sum below.
    Value* m = e.reduce(len, e.constant(t, -std::numeric_limits<double>::infinity()), [&](Value* k, Value* acc) {
      return e.intrinsic(llvm::Intrinsic::maxnum, {acc, e.load(x, element(k))});
    });
    Value* sum = e.reduce(len, e.constant(t, 0), [&](Value* k, Value* acc) {
      return add(e, t, acc, emitExp(e, b.CreateFSub(e.load(x, element(k)), m)));
    });
    bool logOut = n.op == OpKind::LogSoftmax;
    Value* logSum = logOut ? e.intrinsic(llvm::Intrinsic::log, {sum}) : nullptr;
    e.loop(len, [&](Value* k) {
      Value* v = b.CreateFSub(e.load(x, element(k)), m);
      e.store(y, element(k), logOut ? b.CreateFSub(v, logSum) : b.CreateFDiv(emitExp(e, v), sum));
    }, true);
  });
  return ok();
}

}  // namespace

Status emitReduce(Emitter& e, const Node& n) {
  if (n.op == OpKind::Softmax || n.op == OpKind::LogSoftmax) return emitSoftmax(e, n);
  const Graph& g = e.graph;
  ValueId x = n.operands[0], y = n.results[0];
  const TensorType& type = g.type(x);
  DType t = type.dtype;
  if (t == DType::boolean) return Error("no kernel for bool");
  const auto& axes = std::get<std::vector<int64_t>>(OpCtx{n.info(), {}, n.attrs}.attr("axes"));
  std::vector<bool> reduced(type.shape.size(), axes.empty());
  for (int64_t a : axes) reduced[*normalizeAxis(a, type.rank())] = true;
  // The output seen with keepdims: each input element adds into the element it broadcasts from.
  Shape kept = type.shape;
  int64_t count = 1;
  for (size_t d = 0; d < kept.size(); ++d)
    if (reduced[d]) count *= kept[d], kept[d] = 1;
  int64_t outCount = g.type(y).numel();
  bool isMax = n.op == OpKind::ReduceMax, isProd = n.op == OpKind::ReduceProd;
  if (isMax && count == 0 && outCount > 0) return Error("maximum of an empty set of elements");
  auto& b = e.b;
  Value* init = isMax ? lowest(e, t) : e.constant(t, isProd ? 1 : 0);
  e.loop(outCount, [&](Value* i) { e.store(y, i, init); }, true);
  auto combine = [&](Value* acc, Value* v) {
    return isMax ? maximum(e, t, acc, v) : isProd ? multiply(e, t, acc, v) : add(e, t, acc, v);
  };

  LoopNest nest(type.shape);
  nest.add(broadcastStrides(kept, type.shape));
  nest.add(stridesOf(type.shape));
  nest.coalesce();
  if (!nest.shape.empty() && nest.strides[0].back() == 0) {
    // The innermost axis is reduced: it runs as a reduction loop with its accumulator in a
    // register (which the vectorizer recognizes), one output element at a time.
    int64_t len = nest.shape.back(), step = nest.strides[1].back();
    LoopNest outer(Shape(nest.shape.begin(), nest.shape.end() - 1));
    for (const Shape& s : nest.strides) outer.add(Shape(s.begin(), s.end() - 1));
    e.nest(outer, [&](std::span<Value* const> at) {
      Value* acc = e.reduce(len, e.load(y, at[0]), [&](Value* k, Value* acc) {
        return combine(acc, e.load(x, b.CreateAdd(at[1], b.CreateMul(k, e.index(step)))));
      });
      e.store(y, at[0], acc);
    });
  } else {
    e.nest(nest, [&](std::span<Value* const> at) { e.store(y, at[0], combine(e.load(y, at[0]), e.load(x, at[1]))); }, true);
  }
  if (n.op == OpKind::ReduceMean) {
    // 0 / 0 is NaN for an empty reduction, as in the interpreter.
    Value* divisor = e.constant(t, (double)count);
    e.loop(outCount, [&](Value* i) { e.store(y, i, b.CreateFDiv(e.load(y, i), divisor)); }, true);
  }
  return ok();
}

}  // namespace graphc::llvmjit
