// matmul (NumPy semantics: batched, broadcast, 1-D operands promoted) and dense with its fused
// epilogue (bias, activation, residual), on one GEMM loop nest.
#include <fmt/format.h>

#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/IntrinsicsX86.h>

#include "backend/llvm/codegen.h"
#include "backend/llvm/jit.h"

namespace graphc::llvmjit {
namespace {

using llvm::Value;

// Where one GEMM's operands start: c[m, n] = a[m, k] . b[k, n], row-major, element offsets.
struct GemmOperands {
  ValueId a, b, c;
  Value *aOffset, *bOffset, *cOffset;
};

// The register tile of the micro-kernel: kRows rows of C by two vectors. With AVX2 that is
// 6 x 16 floats in 12 of the 16 ymm registers (the shape of BLIS's Haswell kernel), leaving
// room for the two B vectors and the broadcast A element.
constexpr int64_t kRows = 6, kVectors = 2;
// AVX-512 has 32 registers: the bf16 tile takes 12 x 2 accumulators, two rows of B, their two
// interleavings and A's pair; each interleaving then serves 12 vdpbf16ps instead of 6.
constexpr int64_t kRowsBf16 = 12;
// The greatest depth of one pass over C: a kKc x (2 vectors) panel of B stays in L1 while the
// kernel walks down the rows of A.
constexpr int64_t kKc = 256;
// Rows of A per block (whole tiles of either kernel, so that only the last block has a row tail): a kMc x kKc block of A (96 KB of f32) stays in L2
// while the column panels of B pass over it.
constexpr int64_t kMc = 96;
static_assert(kMc % kRows == 0 && kMc % kRowsBf16 == 0, "a row block of whole tiles");

struct GemmShape {
  int64_t m, k, n;
};

// Whether the GEMM multiplies bf16 natively: A and B bf16 into an f32 C, on a target with
// AVX512-BF16 (vdpbf16ps); otherwise bf16 operands are widened and multiplied by f32 FMAs.
bool multipliesBf16Pairs(const Emitter& e, const GemmOperands& op) {
  const Graph& g = e.graph;
  return e.target->avx512bf16 && g.type(op.a).dtype == DType::bf16 && g.type(op.b).dtype == DType::bf16 &&
         g.type(op.c).dtype == DType::f32;
}

// kc depths of one register tile on AVX512-BF16. vdpbf16ps adds a[2l]*b[2l] + a[2l+1]*b[2l+1]
// into f32 lane l, so each step takes two depths: B's rows p and p + 1 interleaved into (B[p][j],
// B[p+1][j]) pairs in registers (no packed copy of B), against A[i][p] and A[i][p+1], adjacent
// in memory, loaded as a pair and repeated across the lanes. An odd last depth pairs with
// zeros. Unlike the FMA path, vdpbf16ps ignores MXCSR: subnormal operands count as zero and
// subnormal sums flush to zero (below 1.2e-38; docs/precision.md).
Emitter::Values bf16PairSteps(Emitter& e, const GemmOperands& op, const GemmShape& s, Value* i0, Value* j0, Value* p0, int64_t kc,
                              int64_t rows, int64_t vectors, int64_t columns, Emitter::Values acc) {
  auto& b = e.b;
  constexpr unsigned kPairs = 16, kRowLanes = 2 * kPairs;  // f32 lanes of C; bf16 lanes of a row of B
  auto* row = llvm::FixedVectorType::get(b.getInt16Ty(), kRowLanes);
  auto* pairsType = llvm::FixedVectorType::get(b.getBFloatTy(), kRowLanes);  // the intrinsic's operand type
  std::vector<llvm::Constant*> maskBits;
  for (int64_t l = 0; l < kRowLanes; ++l) maskBits.push_back(b.getInt1(l < columns));
  llvm::Constant* columnMask = llvm::ConstantVector::get(maskBits);
  auto loadRow = [&](Value* depth) -> Value* {
    Value* at = b.CreateInBoundsGEP(b.getInt16Ty(), e.ptr(op.b), b.CreateAdd(op.bOffset, b.CreateAdd(b.CreateMul(depth, e.index(s.n)), j0)));
    if (columns < kRowLanes) return b.CreateMaskedLoad(row, at, llvm::Align(2), columnMask, llvm::Constant::getNullValue(row));
    return b.CreateAlignedLoad(row, at, llvm::Align(2));
  };
  auto step = [&](Value* depth, bool single, const Emitter::Values& in) {
    Value* even = loadRow(depth);
    Value* odd = single ? llvm::Constant::getNullValue(row) : loadRow(b.CreateAdd(depth, e.index(1)));
    // One vpermt2w per vector, as an intrinsic (a shufflevector would meet the same
    // VectorCombine recursion as A's pair below).
    Emitter::Values pairs;
    for (int64_t v = 0; v < vectors; ++v) {
      std::vector<llvm::Constant*> lanes;
      for (int64_t l = 0; l < kPairs; ++l)
        for (int64_t from : {v * kPairs + l, kRowLanes + v * kPairs + l}) lanes.push_back(b.getInt16((uint16_t)from));
      Value* interleaved = b.CreateIntrinsic(llvm::Intrinsic::x86_avx512_vpermi2var_hi_512, {}, {even, llvm::ConstantVector::get(lanes), odd});
      pairs.push_back(b.CreateBitCast(interleaved, pairsType));
    }
    Emitter::Values out = in;
    for (int64_t r = 0; r < rows; ++r) {
      Value* aAt = b.CreateAdd(op.aOffset, b.CreateAdd(b.CreateMul(b.CreateAdd(i0, e.index(r)), e.index(s.k)), depth));
      Value* at = b.CreateInBoundsGEP(b.getInt16Ty(), e.ptr(op.a), aAt);
      // The pair (A[i][p], A[i][p+1]) in every pair of lanes, as B's. Loaded and repeated as
      // bf16, not as an i32 splat bitcast to bf16: LLVM 16's VectorCombine recurses without
      // end on a bitcast of a shufflevector into this intrinsic's operand.
      auto* pairType = llvm::FixedVectorType::get(b.getBFloatTy(), 2);
      Value* pair = single ? b.CreateInsertElement(llvm::Constant::getNullValue(pairType),
                                                   b.CreateAlignedLoad(b.getBFloatTy(), at, llvm::Align(2)), (uint64_t)0)
                           : b.CreateAlignedLoad(pairType, at, llvm::Align(2));
      std::vector<int> repeat;
      for (int64_t l = 0; l < kPairs; ++l) repeat.insert(repeat.end(), {0, 1});
      Value* a = b.CreateShuffleVector(pair, repeat);
      for (int64_t v = 0; v < vectors; ++v)
        out[r * vectors + v] = b.CreateIntrinsic(llvm::Intrinsic::x86_avx512bf16_dpbf16ps_512, {}, {out[r * vectors + v], a, pairs[v]});
    }
    return out;
  };
  acc = e.reduceMany(kc / 2, acc, [&](Value* q, const Emitter::Values& in) { return step(b.CreateAdd(p0, b.CreateShl(q, 1)), false, in); });
  if (kc % 2) acc = step(b.CreateAdd(p0, e.index(kc - 1)), true, acc);
  return acc;
}

// One register tile: C[i0 + r, j0 + c] += sum over p < kc of A[i0 + r, p0 + p] * B[p0 + p, j0 + c]
// for r < rows and c < vectors * lanes, the last vector masked to lastLanes (the column tail).
void microKernel(Emitter& e, DType t, const GemmOperands& op, const GemmShape& s, Value* i0, Value* j0, Value* p0,
                 int64_t kc, int64_t rows, int64_t vectors, int64_t lastLanes) {
  auto& b = e.b;
  llvm::Type* elem = e.type(t);
  int64_t lanes = (e.target->avx512 ? 512 : 256) / (int64_t)(dtypeSize(t) * 8);
  auto* vec = llvm::FixedVectorType::get(elem, (unsigned)lanes);
  llvm::Align align(dtypeSize(t));
  std::vector<llvm::Constant*> maskBits;
  for (int64_t l = 0; l < lanes; ++l) maskBits.push_back(b.getInt1(l < lastLanes));
  llvm::Constant* tailMask = llvm::ConstantVector::get(maskBits);
  auto vectorPtr = [&](ValueId v, Value* offset) { return b.CreateInBoundsGEP(elem, e.ptr(v), offset); };
  auto loadVector = [&](ValueId v, Value* offset, bool tail) -> Value* {
    if (e.graph.type(v).dtype == DType::bf16) {  // B in bf16: its bits, widened in registers
      auto* bits = llvm::FixedVectorType::get(b.getInt16Ty(), (unsigned)lanes);
      Value* at = b.CreateInBoundsGEP(b.getInt16Ty(), e.ptr(v), offset);
      if (tail && lastLanes < lanes)
        return e.widenBf16(b.CreateMaskedLoad(bits, at, llvm::Align(2), tailMask, llvm::Constant::getNullValue(bits)));
      return e.widenBf16(b.CreateAlignedLoad(bits, at, llvm::Align(2)));
    }
    if (tail && lastLanes < lanes)
      return b.CreateMaskedLoad(vec, vectorPtr(v, offset), align, tailMask, llvm::Constant::getNullValue(vec));
    return b.CreateAlignedLoad(vec, vectorPtr(v, offset), align);
  };
  auto cOffset = [&](int64_t r, int64_t v) {
    return b.CreateAdd(op.cOffset, b.CreateAdd(b.CreateMul(b.CreateAdd(i0, e.index(r)), e.index(s.n)),
                                               b.CreateAdd(j0, e.index(v * lanes))));
  };
  Emitter::Values acc;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < vectors; ++v) acc.push_back(loadVector(op.c, cOffset(r, v), v + 1 == vectors));
  if (multipliesBf16Pairs(e, op)) acc = bf16PairSteps(e, op, s, i0, j0, p0, kc, rows, vectors, (vectors - 1) * lanes + lastLanes, acc);
  else acc = e.reduceMany(kc, acc, [&](Value* p, const Emitter::Values& in) {
    Value* depth = b.CreateAdd(p0, p);
    Value* bRow = b.CreateAdd(op.bOffset, b.CreateAdd(b.CreateMul(depth, e.index(s.n)), j0));
    Emitter::Values bv, out = in;
    for (int64_t v = 0; v < vectors; ++v) bv.push_back(loadVector(op.b, b.CreateAdd(bRow, e.index(v * lanes)), v + 1 == vectors));
    for (int64_t r = 0; r < rows; ++r) {
      Value* aAt = b.CreateAdd(op.aOffset, b.CreateAdd(b.CreateMul(b.CreateAdd(i0, e.index(r)), e.index(s.k)), depth));
      Value* a = b.CreateVectorSplat((unsigned)lanes, e.load(op.a, aAt));
      for (int64_t v = 0; v < vectors; ++v) out[r * vectors + v] = e.intrinsic(llvm::Intrinsic::fma, {a, bv[v], in[r * vectors + v]});
    }
    return out;
  });
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < vectors; ++v) {
      Value* at = vectorPtr(op.c, cOffset(r, v));
      if (v + 1 == vectors && lastLanes < lanes) b.CreateMaskedStore(acc[r * vectors + v], at, align, tailMask);
      else b.CreateAlignedStore(acc[r * vectors + v], at, align);
    }
}

// Vectors per column panel of C. A single row of A (a matrix-vector product: batch-1 inference)
// reuses nothing of B, so two accumulators would leave its kernel waiting on their FMA chains:
// eight make eight independent chains, and B streams at the load ports' rate.
int64_t panelVectors(const Emitter& e, const GemmOperands& op, int64_t m) {
  if (m == 1 && !multipliesBf16Pairs(e, op)) return e.target->avx512 ? 8 : 4;
  return kVectors;
}

// The columns [panelLo, panelHi) x panel of C = A . B (clipped to n), blocked: that part of
// C is zeroed, then each kKc-deep slice of the product is added in; per slice and block of
// kMc rows, column panels of B (outer) meet every row tile of the block (inner). Row and column tails get kernels of their own
// (fewer rows; a masked last vector), so there is no scalar tail. finish(jlo, jhi) then runs
// on the columns, still in cache.
void gemmPanels(Emitter& e, DType t, const GemmOperands& op, const GemmShape& s, Value* panelLo, Value* panelHi,
                const std::function<void(Value*, Value*)>& finish) {
  auto& b = e.b;
  int64_t m = s.m, k = s.k, n = s.n;
  int64_t lanes = (e.target->avx512 ? 512 : 256) / (int64_t)(dtypeSize(t) * 8);
  int64_t vectors = panelVectors(e, op, m), panel = vectors * lanes;
  int64_t fullPanels = n / panel, tail = n % panel;
  int64_t tileRows = multipliesBf16Pairs(e, op) ? kRowsBf16 : kRows;
  Value* jlo = b.CreateMul(panelLo, e.index(panel));
  Value* jhi = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, b.CreateMul(panelHi, e.index(panel)), e.index(n));
  e.loop(m, [&](Value* i) {
    Value* row = b.CreateAdd(op.cOffset, b.CreateMul(i, e.index(n)));
    e.loopRange(jlo, jhi, [&](Value* j) { e.store(op.c, b.CreateAdd(row, j), e.constant(t, 0)); }, true);
  });
  auto slice = [&](Value* p0, int64_t kc) {
    // Rows [r0, r0 + rows) of the slice: every column panel, each down the block's row tiles.
    auto rowBlock = [&](Value* r0, int64_t rows) {
      auto rowTiles = [&](Value* j0, int64_t vectors, int64_t lastLanes) {
        e.loop(rows / tileRows, [&](Value* it) {
          microKernel(e, t, op, s, b.CreateAdd(r0, b.CreateMul(it, e.index(tileRows))), j0, p0, kc, tileRows, vectors, lastLanes);
        });
        if (rows % tileRows)
          microKernel(e, t, op, s, b.CreateAdd(r0, e.index(rows / tileRows * tileRows)), j0, p0, kc, rows % tileRows, vectors, lastLanes);
      };
      e.loopRange(panelLo, panelHi, [&](Value* jt) {
        Value* j0 = b.CreateMul(jt, e.index(panel));
        if (!tail) return rowTiles(j0, vectors, lanes);
        int64_t tailVectors = (tail + lanes - 1) / lanes;
        e.ifThenElse(b.CreateICmpSLT(jt, e.index(fullPanels)), [&] { rowTiles(j0, vectors, lanes); },
                     [&] { rowTiles(j0, tailVectors, tail - (tailVectors - 1) * lanes); });
      });
    };
    e.loop(m / kMc, [&](Value* rb) { rowBlock(b.CreateMul(rb, e.index(kMc)), kMc); });
    if (m % kMc) rowBlock(e.index(m / kMc * kMc), m % kMc);
  };
  // Slices of equal depth where k allows (784 = 4 x 196): a tail slice is one more copy of
  // every kernel, and so more JIT time.
  int64_t slices = (k + kKc - 1) / kKc, kc = slices ? (k + slices - 1) / slices : 0;
  if (multipliesBf16Pairs(e, op)) kc += kc % 2;  // whole pairs of depths, except in the last slice
  e.loop(k / std::max<int64_t>(kc, 1), [&](Value* pt) { slice(b.CreateMul(pt, e.index(kc)), kc); });
  if (kc && k % kc) slice(e.index(k / kc * kc), k % kc);
  if (finish) finish(jlo, jhi);
}

// Below this many multiply-adds a GEMM runs on the calling thread: waking a team costs more.
// A matrix-vector product is bound by streaming B, not by its few FMAs, and splits sooner.
constexpr int64_t kParallelWork = 1 << 20, kParallelGemv = 1 << 17;

// C = A . B (then finish on each thread's columns). With threads, the column panels are split
// evenly over an OpenMP team; a thread owns whole panels, so no two threads touch one element
// and no barrier is needed. Only a GEMM at constant offsets (no batch loop) goes parallel.
void gemm(Emitter& e, DType t, const GemmOperands& op, int64_t m, int64_t k, int64_t n,
          const std::function<void(Value*, Value*)>& finish = nullptr, const Node* node = nullptr) {
  auto& b = e.b;
  GemmShape s{m, k, n};
  Emitter::KeepRolled rolled(e);
  int64_t lanes = (e.target->avx512 ? 512 : 256) / (int64_t)(dtypeSize(t) * 8);
  int64_t panel = panelVectors(e, op, m) * lanes, panels = (n + panel - 1) / panel;
  if (node && e.threads != 1 && panels > 1 && m * n * k >= (m == 1 ? kParallelGemv : kParallelWork)) {
    e.parallel([&](Value* thread, Value* team) {
      Value* lo = b.CreateSDiv(b.CreateMul(e.index(panels), thread), team);
      Value* hi = b.CreateSDiv(b.CreateMul(e.index(panels), b.CreateAdd(thread, e.index(1))), team);
      gemmPanels(e, t, op, s, lo, hi, finish);
    });
    return;
  }
  gemmPanels(e, t, op, s, e.index(0), e.index(panels), finish);
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
  if (batches.shape.empty()) {  // one GEMM, at constant offsets: it may run on a team
    gemm(e, t, {a, bv, c, e.index(batches.offsets[1]), e.index(batches.offsets[2]), e.index(batches.offsets[0])}, m, k, nn, nullptr, &n);
    return ok();
  }
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
  // The epilogue, on each thread's columns of C while they are still in cache: bias,
  // activation, residual.
  auto epilogue = [&](Value* jlo, Value* jhi) {
    e.loop(m, [&](Value* i) {
      Value* row = b.CreateMul(i, e.index(nn));
      e.loopRange(jlo, jhi, [&](Value* j) {
        Value* at = b.CreateAdd(row, j);
        Value* v = emitActivation(e, *act, c.f("alpha"), c.f("beta"), t, b.CreateFAdd(e.load(y, at), e.load(bias, j)));
        if (residual) v = b.CreateFAdd(v, e.load(*residual, at));
        e.store(y, at, v);
      }, true);
    });
  };
  gemm(e, t, {x, w, y, e.index(0), e.index(0), e.index(0)}, m, k, nn, epilogue, &n);
  return ok();
}

}  // namespace

Status emitLinalg(Emitter& e, const Node& n) { return n.op == OpKind::MatMul ? emitMatMul(e, n) : emitDense(e, n); }

}  // namespace graphc::llvmjit
