// Normalizations: layer_norm over the trailing axes (two-pass statistics) and inference-mode
// batch_norm with stored statistics.
#include <llvm/IR/Intrinsics.h>

#include "backend/llvm/codegen.h"

namespace graphc::llvmjit {
namespace {

using llvm::Value;

Value* sum(Emitter& e, DType t, int64_t n, const std::function<Value*(Value*)>& term) {
  Reassociate fast(e.b);
  return e.reduce(n, e.constant(t, 0), [&](Value* i, Value* acc) { return e.b.CreateFAdd(acc, term(i)); });
}

// y = (x - mean) / sqrt(var + eps) * scale + bias over axes [axis, rank), biased variance by
// two passes (no E[x^2] - E[x]^2 cancellation).
Status emitLayerNorm(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId x = n.operands[0], scale = n.operands[1], bias = n.operands[2], y = n.results[0];
  const TensorType& type = g.type(x);
  DType t = type.dtype;
  OpCtx c{n.info(), {}, n.attrs};
  NormRows norm(type, c.i("axis"));
  int64_t len = norm.len, rows = norm.rows;  // plain variables: lambdas capture them (clang cannot capture bindings with OpenMP)
  auto& b = e.b;
  e.loop(rows, [&](Value* r) {
    Value* base = b.CreateMul(r, e.index(len));
    auto at = [&](Value* i) { return b.CreateAdd(base, i); };
    Value* count = e.constant(t, (double)len);
    Value* mean = b.CreateFDiv(sum(e, t, len, [&](Value* i) { return e.load(x, at(i)); }), count);
    Value* var = b.CreateFDiv(sum(e, t, len, [&](Value* i) {
      Value* d = b.CreateFSub(e.load(x, at(i)), mean);
      return b.CreateFMul(d, d);
    }), count);
    Value* inv = b.CreateFDiv(e.constant(t, 1), e.intrinsic(llvm::Intrinsic::sqrt, {b.CreateFAdd(var, e.constant(t, c.f("epsilon")))}));
    e.loop(len, [&](Value* i) {
      Value* v = b.CreateFMul(b.CreateFMul(b.CreateFSub(e.load(x, at(i)), mean), inv), e.load(scale, i));
      e.store(y, at(i), b.CreateFAdd(v, e.load(bias, i)));
    }, true);
  });
  return ok();
}

// batch_norm(x, scale, bias, mean, var) per channel (axis 1).
Status emitBatchNorm(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId x = n.operands[0], scale = n.operands[1], bias = n.operands[2], mean = n.operands[3], var = n.operands[4];
  ValueId y = n.results[0];
  const TensorType& type = g.type(x);
  if (type.rank() < 2) return Error("batch_norm needs a channel axis");
  DType t = type.dtype;
  int64_t batch = type.shape[0], channels = type.shape[1], inner = 1;
  for (int64_t d = 2; d < type.rank(); ++d) inner *= type.shape[d];
  double eps = OpCtx{n.info(), {}, n.attrs}.f("epsilon");
  auto& b = e.b;
  e.loop(batch, [&](Value* bi) {
    e.loop(channels, [&](Value* ch) {
      Value* mul = b.CreateFDiv(e.load(scale, ch), e.intrinsic(llvm::Intrinsic::sqrt, {b.CreateFAdd(e.load(var, ch), e.constant(t, eps))}));
      Value *m = e.load(mean, ch), *shift = e.load(bias, ch);
      Value* base = b.CreateMul(b.CreateAdd(b.CreateMul(bi, e.index(channels)), ch), e.index(inner));
      e.loop(inner, [&](Value* i) {
        Value* at = b.CreateAdd(base, i);
        e.store(y, at, b.CreateFAdd(b.CreateFMul(b.CreateFSub(e.load(x, at), m), mul), shift));
      }, true);
    });
  });
  return ok();
}

}  // namespace

Status emitNorm(Emitter& e, const Node& n) {
  Emitter::KeepRolled rolled(e);  // vectorized, the rows need no unrolling on top
  return n.op == OpKind::LayerNorm ? emitLayerNorm(e, n) : emitBatchNorm(e, n);
}

}  // namespace graphc::llvmjit
