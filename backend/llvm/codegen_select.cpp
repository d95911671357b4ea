// top_k: per row, the k best indices so far are kept sorted in the result itself, and each
// element passes down them once, swapping with every slot it beats (an insertion with no
// branch). That is len x k compares per row, in the interpreter's total order: NaN above
// +inf, then the lower index on a tie.
#include <fmt/format.h>

#include "backend/llvm/codegen.h"

namespace graphc::llvmjit {

using llvm::Value;

Status emitTopK(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId x = n.operands[0], y = n.results[0];
  OpCtx c{n.info(), {}, n.attrs};
  const TensorType& type = g.type(x);
  DType t = type.dtype;
  if (t == DType::boolean || isStorageType(t)) return Error(fmt::format("no kernel for {}", dtypeName(t)));
  int64_t axis = *normalizeAxis(c.i("axis"), type.rank()), k = c.i("k");
  bool largest = c.i("largest") != 0;
  int64_t outer = 1, len = type.shape[axis], inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= type.shape[d];
  for (int64_t d = axis + 1; d < type.rank(); ++d) inner *= type.shape[d];
  if (k == 0 || outer * inner == 0) return ok();
  auto& b = e.b;
  bool isF = isFloat(t);
  e.loop(outer * inner, [&](Value* row) {
    Value* o = b.CreateUDiv(row, e.index(inner));
    Value* i = b.CreateURem(row, e.index(inner));
    Value* xBase = b.CreateAdd(b.CreateMul(o, e.index(len * inner)), i);
    Value* yBase = b.CreateAdd(b.CreateMul(o, e.index(k * inner)), i);
    auto slot = [&](Value* s) { return b.CreateAdd(yBase, b.CreateMul(s, e.index(inner))); };
    // Element `at` of the row, at index 0 for the empty slot's -1 (never compared on it).
    auto value = [&](Value* at) {
      Value* safe = b.CreateSelect(b.CreateICmpSLT(at, e.index(0)), e.index(0), at);
      return e.load(x, b.CreateAdd(xBase, b.CreateMul(safe, e.index(inner))));
    };
    // Index a goes before index b.
    auto before = [&](Value* a, Value* bi) {
      Value *va = value(a), *vb = value(bi);
      Value* lower = b.CreateICmpSLT(a, bi);
      Value* beats = isF ? (largest ? b.CreateFCmpOGT(va, vb) : b.CreateFCmpOLT(va, vb))
                         : (largest ? b.CreateICmpSGT(va, vb) : b.CreateICmpSLT(va, vb));
      Value* same = isF ? b.CreateFCmpOEQ(va, vb) : b.CreateICmpEQ(va, vb);
      Value* ordered = b.CreateOr(beats, b.CreateAnd(same, lower));
      if (!isF) return ordered;
      Value *na = b.CreateFCmpUNO(va, va), *nb = b.CreateFCmpUNO(vb, vb);
      Value* nanOrder = b.CreateSelect(b.CreateXor(na, nb), largest ? na : nb, lower);
      return b.CreateSelect(b.CreateOr(na, nb), nanOrder, ordered);
    };
    e.loop(k, [&](Value* s) { e.store(y, slot(s), e.index(-1)); });
    e.loop(len, [&](Value* j) {
      e.reduce(k, j, [&](Value* s, Value* candidate) {
        Value* at = slot(s);
        Value* held = e.load(y, at);
        Value* empty = b.CreateICmpSLT(held, e.index(0));
        Value* real = b.CreateICmpSGE(candidate, e.index(0));
        Value* wins = b.CreateAnd(real, b.CreateOr(empty, before(candidate, held)));
        e.store(y, at, b.CreateSelect(wins, candidate, held));
        return b.CreateSelect(wins, held, candidate);
      });
    });
  });
  return ok();
}

}  // namespace graphc::llvmjit
