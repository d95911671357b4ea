// matmul (NumPy semantics: batched, broadcast, 1-D operands promoted) and dense with its fused
// epilogue (bias, activation, residual), on one GEMM loop nest.
#include <fmt/format.h>

#include "backend/llvm/codegen.h"

namespace graphc::llvmjit {
namespace {

using llvm::Value;

// Where one GEMM's operands start: c[m, n] = a[m, k] . b[k, n], row-major, element offsets.
struct GemmOperands {
  ValueId a, b, c;
  Value *aOffset, *bOffset, *cOffset;
};

// c = a . b, row by row: the row of c stays in L1 while the k loop adds a[i, p] * b[p, :] into
// it, and the contiguous j loop vectorizes into FMAs. `finishRow(i, rowOffset)` then runs on
// the row while it is still hot (dense's epilogue).
void gemm(Emitter& e, DType t, const GemmOperands& op, int64_t m, int64_t k, int64_t n,
          const std::function<void(Value*)>& finishRow = nullptr) {
  auto& b = e.b;
  e.loop(m, [&](Value* i) {
    Value* row = b.CreateAdd(op.cOffset, b.CreateMul(i, e.index(n)));
    e.loop(n, [&](Value* j) { e.store(op.c, b.CreateAdd(row, j), e.constant(t, 0)); }, true);
    e.loop(k, [&](Value* p) {
      Value* av = e.load(op.a, b.CreateAdd(op.aOffset, b.CreateAdd(b.CreateMul(i, e.index(k)), p)));
      Value* bRow = b.CreateAdd(op.bOffset, b.CreateMul(p, e.index(n)));
      e.loop(n, [&](Value* j) {
        llvm::IRBuilder<>::FastMathFlagGuard guard(b);
        llvm::FastMathFlags flags;
        flags.setAllowContract();  // a * b + c may become one FMA
        b.setFastMathFlags(flags);
        Value* at = b.CreateAdd(row, j);
        e.store(op.c, at, b.CreateFAdd(e.load(op.c, at), b.CreateFMul(av, e.load(op.b, b.CreateAdd(bRow, j)))));
      }, true);
    });
    if (finishRow) finishRow(row);
  });
}

Status emitMatMul(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId a = n.operands[0], bv = n.operands[1], c = n.results[0];
  Shape sa = g.type(a).shape, sb = g.type(bv).shape;
  if (sa.empty() || sb.empty()) return Error("matmul of a scalar");
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  int64_t m = sa[sa.size() - 2], k = sa.back(), nn = sb.back();
  Shape ba(sa.begin(), sa.end() - 2), bb(sb.begin(), sb.end() - 2);
  std::optional<Shape> batch = broadcastShapes(ba, bb);
  if (!batch) return Error("batch shapes do not broadcast");
  LoopNest batches(*batch);
  auto scaled = [](Shape s, int64_t by) {
    for (int64_t& v : s) v *= by;
    return s;
  };
  batches.add(scaled(stridesOf(*batch), m * nn));
  batches.add(scaled(broadcastStrides(ba, *batch), m * k));
  batches.add(scaled(broadcastStrides(bb, *batch), k * nn));
  batches.coalesce();
  DType t = g.type(c).dtype;
  e.nest(batches, [&](std::span<Value* const> at) { gemm(e, t, {a, bv, c, at[1], at[2], at[0]}, m, k, nn); });
  return ok();
}

// dense(x, w, b[, residual]) = act(x.w + b) [+ residual]; x is [..., K], w is [K, N].
Status emitDense(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId x = n.operands[0], w = n.operands[1], bias = n.operands[2], y = n.results[0];
  std::optional<ValueId> residual;
  if (n.operands.size() == 4) residual = n.operands[3];
  OpCtx c{n.info(), {}, n.attrs};
  std::optional<Activation> act = parseActivation(c.s("activation"));
  if (!act) return Error(fmt::format("unknown activation '{}'", c.s("activation")));
  int64_t k = g.type(w).shape[0], nn = g.type(w).shape[1];
  int64_t m = k ? g.type(x).numel() / k : g.type(y).numel() / std::max<int64_t>(nn, 1);
  DType t = g.type(y).dtype;
  auto& b = e.b;
  gemm(e, t, {x, w, y, e.index(0), e.index(0), e.index(0)}, m, k, nn, [&](Value* row) {
    e.loop(nn, [&](Value* j) {
      Value* at = b.CreateAdd(row, j);
      Value* v = emitActivation(e, *act, c.f("alpha"), c.f("beta"), t, b.CreateFAdd(e.load(y, at), e.load(bias, j)));
      if (residual) v = b.CreateFAdd(v, e.load(*residual, at));
      e.store(y, at, v);
    }, true);
  });
  return ok();
}

}  // namespace

Status emitLinalg(Emitter& e, const Node& n) { return n.op == OpKind::MatMul ? emitMatMul(e, n) : emitDense(e, n); }

}  // namespace graphc::llvmjit
