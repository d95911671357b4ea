// Training ops as loop nests: relu_grad, the layer_norm gradient, the fused softmax
// cross-entropy, one_hot and the optimizer updates, each in the interpreter's arithmetic order
// (ir/eval/grad.cpp, ir/eval/optim.cpp). dense_grad never gets here: expand_dense_grad turns it
// into ops that run on the tiled GEMM.
#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>

#include <cmath>

#include "backend/llvm/codegen.h"
#include "runtime/state.h"

namespace graphc::llvmjit {
namespace {

using llvm::Value;

// Row statistics the interpreter keeps in double are kept in double here too: an f32 loss or
// layer-norm gradient differs from the reference by rounding alone, not by a shorter sum.
struct Wide {
  Emitter& e;
  DType t;
  llvm::Type* f64() { return e.b.getDoubleTy(); }
  Value* up(Value* x) { return t == DType::f64 ? x : e.b.CreateFPExt(x, f64()); }
  Value* down(Value* x) { return t == DType::f64 ? x : e.b.CreateFPTrunc(x, e.type(t)); }
  Value* load(ValueId v, Value* at) { return up(e.load(v, at)); }
  Value* c(double v) { return llvm::ConstantFP::get(f64(), v); }
  Value* sum(int64_t n, const std::function<Value*(Value*)>& term) {
    Reassociate fast(e.b);
    return e.reduce(n, c(0), [&](Value* i, Value* acc) { return e.b.CreateFAdd(acc, term(i)); });
  }
};

Status emitReluGrad(Emitter& e, const Node& n) {
  ValueId dy = n.operands[0], y = n.operands[1], dx = n.results[0];
  DType t = e.graph.type(dx).dtype;
  auto& b = e.b;
  e.loop(e.graph.type(dx).numel(), [&](Value* i) {
    Value* live = b.CreateFCmpOGT(e.load(y, i), e.constant(t, 0));
    e.store(dx, i, b.CreateSelect(live, e.load(dy, i), e.constant(t, 0)));
  }, true);
  return ok();
}

// Per row of len elements, xhat = (x - mean) * inv and g = dy * scale:
// dx = inv * (g - mean(g) - xhat * mean(g * xhat)); dscale and dbias sum dy * xhat and dy
// over the rows.
Status emitLayerNormGrad(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId dy = n.operands[0], x = n.operands[1], scale = n.operands[2];
  ValueId dx = n.results[0], dscale = n.results[1], dbias = n.results[2];
  const TensorType& type = g.type(x);
  DType t = type.dtype;
  OpCtx c{n.info(), {}, n.attrs};
  NormRows norm(type, c.i("axis"));
  int64_t len = norm.len, rows = norm.rows;  // plain variables: lambdas capture them (clang cannot capture bindings with OpenMP)
  auto& b = e.b;
  Wide w{e, t};
  e.loop(len, [&](Value* i) {
    e.store(dscale, i, e.constant(t, 0));
    e.store(dbias, i, e.constant(t, 0));
  });
  e.loop(rows, [&](Value* r) {
    Value* base = b.CreateMul(r, e.index(len));
    auto at = [&](Value* i) { return b.CreateAdd(base, i); };
    Value* count = w.c((double)len);
    Value* mean = b.CreateFDiv(w.sum(len, [&](Value* i) { return w.load(x, at(i)); }), count);
    Value* var = b.CreateFDiv(w.sum(len, [&](Value* i) {
      Value* d = b.CreateFSub(w.load(x, at(i)), mean);
      return b.CreateFMul(d, d);
    }), count);
    Value* inv = b.CreateFDiv(w.c(1), e.intrinsic(llvm::Intrinsic::sqrt, {b.CreateFAdd(var, w.c(c.f("epsilon")))}));
    auto xhat = [&](Value* i) { return b.CreateFMul(b.CreateFSub(w.load(x, at(i)), mean), inv); };
    auto grad = [&](Value* i) { return b.CreateFMul(w.load(dy, at(i)), w.load(scale, i)); };
    Emitter::Values sums;
    {
      Reassociate fast(b);
      sums = e.reduceMany(len, {w.c(0), w.c(0)}, [&](Value* i, const Emitter::Values& acc) {
        Value *h = xhat(i), *d = w.load(dy, at(i)), *gi = grad(i);
        e.store(dscale, i, b.CreateFAdd(e.load(dscale, i), w.down(b.CreateFMul(d, h))));
        e.store(dbias, i, b.CreateFAdd(e.load(dbias, i), e.load(dy, at(i))));
        return Emitter::Values{b.CreateFAdd(acc[0], gi), b.CreateFAdd(acc[1], b.CreateFMul(gi, h))};
      });
    }
    Value *meanG = b.CreateFDiv(sums[0], count), *meanGX = b.CreateFDiv(sums[1], count);
    e.loop(len, [&](Value* i) {
      Value* v = b.CreateFSub(b.CreateFSub(grad(i), meanG), b.CreateFMul(xhat(i), meanGX));
      e.store(dx, at(i), w.down(b.CreateFMul(inv, v)));
    }, true);
  });
  return ok();
}

// softmax_cross_entropy(z [N, C], target [N, C]) -> (loss, dz): per row the log-sum-exp in
// double, then the row's loss terms and its gradient in one pass.
Status emitSoftmaxCrossEntropy(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId z = n.operands[0], target = n.operands[1], loss = n.results[0], dz = n.results[1];
  DType t = g.type(z).dtype;
  int64_t rows = g.type(z).shape[0], cols = g.type(z).shape[1];
  auto& b = e.b;
  Wide w{e, t};
  Value* total = e.reduce(rows, w.c(0), [&](Value* r, Value* acc) {
    Value* base = b.CreateMul(r, e.index(cols));
    auto at = [&](Value* j) { return b.CreateAdd(base, j); };
    // std::max's rule (a < b ? b : a): a NaN logit is skipped here and poisons the sum below.
    Value* mx = e.reduce(cols, w.c(-INFINITY), [&](Value* j, Value* m) {
      Value* v = w.load(z, at(j));
      return b.CreateSelect(b.CreateFCmpOLT(m, v), v, m);
    });
    Emitter::Values sums;
    {
      Reassociate fast(b);
      sums = e.reduceMany(cols, {w.c(0), w.c(0)}, [&](Value* j, const Emitter::Values& s) {
        Value* ez = emitExp(e, b.CreateFSub(w.load(z, at(j)), mx));
        return Emitter::Values{b.CreateFAdd(s[0], ez), b.CreateFAdd(s[1], w.load(target, at(j)))};
      });
    }
    Value* lse = b.CreateFAdd(mx, e.callMath("logf", "log", {sums[0]}));
    Reassociate fast(b);
    return e.reduce(cols, acc, [&](Value* j, Value* total) {
      Value *zj = w.load(z, at(j)), *tj = w.load(target, at(j));
      Value* p = emitExp(e, b.CreateFSub(zj, lse));
      Value* grad = b.CreateFDiv(b.CreateFSub(b.CreateFMul(p, sums[1]), tj), w.c((double)rows));
      e.store(dz, at(j), w.down(grad));
      return b.CreateFSub(total, b.CreateFMul(tj, b.CreateFSub(zj, lse)));
    });
  });
  e.store(loss, e.index(0), w.down(b.CreateFDiv(total, w.c((double)rows))));
  return ok();
}

// one_hot(labels) -> labels.shape + [depth]: every label is checked before anything is written.
Status emitOneHot(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId labels = n.operands[0], y = n.results[0];
  int64_t depth = OpCtx{n.info(), {}, n.attrs}.i("depth"), count = g.type(labels).numel();
  DType t = g.type(y).dtype;
  auto& b = e.b;
  auto label = [&](Value* i) { return b.CreateSExt(e.load(labels, i), b.getInt64Ty()); };
  e.loop(count, [&](Value* i) {
    Value* k = label(i);
    e.failIf(b.CreateOr(b.CreateICmpSLT(k, e.index(0)), b.CreateICmpSGE(k, e.index(depth))),
             fmt::format("one_hot: a label is outside [0, {})", depth));
  });
  if (uint64_t bytes = g.type(y).bytes()) b.CreateMemSet(e.ptr(y), b.getInt8(0), bytes, llvm::MaybeAlign(dtypeSize(t)));
  e.loop(count, [&](Value* i) { e.store(y, b.CreateAdd(b.CreateMul(i, e.index(depth)), label(i)), e.constant(t, 1)); });
  return ok();
}

// The updates, elementwise in the weight's type; a result may alias its operand (the update
// in place), which is safe since each element is read before it is written. The new weight's
// bf16 copy (precision_bf16), when the call takes its cast over, is rounded in the same loop.
Status emitUpdate(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  OpCtx c{n.info(), {}, n.attrs};
  ValueId w = n.operands[0], grad = n.operands[1];
  DType t = g.type(w).dtype;
  int64_t count = g.type(w).numel();
  auto& b = e.b;
  auto k = [&](double v) { return e.constant(t, v); };  // a hyperparameter rounded to T, as the interpreter does
  const Node* copyCast = bf16CopyCast(g, n);
  auto storeWeight = [&](Value* i, Value* x) {
    e.store(n.results[0], i, x);
    if (copyCast) e.store(copyCast->results[0], i, x);
  };
  switch (n.op) {
    case OpKind::SgdUpdate:
      e.loop(count, [&](Value* i) { storeWeight(i, b.CreateFAdd(e.load(w, i), b.CreateFMul(k(-c.f("lr")), e.load(grad, i)))); }, true);
      return ok();
    case OpKind::MomentumUpdate:
      e.loop(count, [&](Value* i) {
        Value* buf = b.CreateFAdd(b.CreateFMul(e.load(n.operands[2], i), k(c.f("momentum"))), e.load(grad, i));
        e.store(n.results[1], i, buf);
        storeWeight(i, b.CreateFAdd(e.load(w, i), b.CreateFMul(k(-c.f("lr")), buf)));
      }, true);
      return ok();
    default: break;
  }
  // adam: the bias corrections from this step's count, read at run time, in double.
  ValueId stepValue = n.operands[4];
  Value* step = e.load(stepValue, e.index(0));
  step = isFloat(g.type(stepValue).dtype) ? b.CreateFPCast(step, b.getDoubleTy()) : b.CreateSIToFP(step, b.getDoubleTy());
  e.failIf(b.CreateFCmpULT(step, llvm::ConstantFP::get(b.getDoubleTy(), 1.0)), "adam_update: step must count from 1");
  double b1 = c.f("beta1"), b2 = c.f("beta2");
  auto one = llvm::ConstantFP::get(b.getDoubleTy(), 1.0);
  auto power = [&](double base) { return e.intrinsic(llvm::Intrinsic::pow, {llvm::ConstantFP::get(b.getDoubleTy(), base), step}); };
  Value* stepSize = b.CreateFDiv(llvm::ConstantFP::get(b.getDoubleTy(), c.f("lr")), b.CreateFSub(one, power(b1)));
  Value* negStep = b.CreateFPCast(b.CreateFNeg(stepSize), e.type(t));
  Value* bc2Sqrt = b.CreateFPCast(e.intrinsic(llvm::Intrinsic::sqrt, {b.CreateFSub(one, power(b2))}), e.type(t));
  e.loop(count, [&](Value* i) {
    Value* gi = e.load(grad, i);
    Value* m = b.CreateFAdd(b.CreateFMul(e.load(n.operands[2], i), k(b1)), b.CreateFMul(gi, k(1 - b1)));
    Value* v = b.CreateFAdd(b.CreateFMul(e.load(n.operands[3], i), k(b2)), b.CreateFMul(b.CreateFMul(gi, gi), k(1 - b2)));
    Value* denom = b.CreateFAdd(b.CreateFDiv(e.intrinsic(llvm::Intrinsic::sqrt, {v}), bc2Sqrt), k(c.f("epsilon")));
    Value* wOld = e.load(w, i);
    e.store(n.results[1], i, m);
    e.store(n.results[2], i, v);
    storeWeight(i, b.CreateFAdd(wOld, b.CreateFMul(negStep, b.CreateFDiv(m, denom))));
  }, true);
  return ok();
}

}  // namespace

Status emitTrain(Emitter& e, const Node& n) {
  switch (n.op) {
    case OpKind::ReluGrad: return emitReluGrad(e, n);
    case OpKind::LayerNormGrad: return emitLayerNormGrad(e, n);
    case OpKind::SoftmaxCrossEntropy: return emitSoftmaxCrossEntropy(e, n);
    case OpKind::OneHot: return emitOneHot(e, n);
    case OpKind::SgdUpdate: case OpKind::MomentumUpdate: case OpKind::AdamUpdate: return emitUpdate(e, n);
    default: return Error(fmt::format("no lowering for '{}' yet", opName(n.op)));
  }
}

}  // namespace graphc::llvmjit
