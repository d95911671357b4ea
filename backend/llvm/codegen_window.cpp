// The pieces convolution and pooling share: row vectors, run-time-bounded reductions, window
// tap ranges and the split of independent items over a thread team.
#include "backend/llvm/codegen_window.h"

#include <llvm/IR/Intrinsics.h>

namespace graphc::llvmjit {

using llvm::Value;

RowVectors::RowVectors(Emitter& em, DType dtype)
    : e(em),
      t(dtype),
      lanes((em.target->avx512 ? 512 : 256) / (int64_t)(dtypeSize(dtype) * 8)),
      type(llvm::FixedVectorType::get(em.type(dtype), (unsigned)lanes)),
      align(dtypeSize(dtype)) {}

Value* RowVectors::laneOffsets(int64_t scale) {
  std::vector<llvm::Constant*> offsets;
  for (int64_t l = 0; l < lanes; ++l) offsets.push_back(e.b.getInt64((uint64_t)(l * scale)));
  return llvm::ConstantVector::get(offsets);
}

RowVectors::Memory RowVectors::memoryOf(ValueId v, int64_t count) {
  DType d = e.graph.type(v).dtype;
  return {e.type(d), llvm::FixedVectorType::get(e.type(d), (unsigned)count), llvm::Align(dtypeSize(d)), d == DType::bf16};
}

Value* RowVectors::load(ValueId v, Value* at, Value* mask) {
  auto& b = e.b;
  Memory m = memoryOf(v, lanes);
  // Not inbounds when masked: a masked-off lane's address may lie before or after v.
  Value* x = mask ? (Value*)b.CreateMaskedLoad(m.vector, b.CreateGEP(m.element, e.ptr(v), at), m.align, mask, llvm::Constant::getNullValue(m.vector))
                  : b.CreateAlignedLoad(m.vector, b.CreateInBoundsGEP(m.element, e.ptr(v), at), m.align);
  return m.bf16 ? e.widenBf16(x) : x;
}

Value* RowVectors::loadStrided(ValueId v, Value* at, int64_t stride, Value* mask) {
  auto& b = e.b;
  if (stride == 1) return load(v, at, mask);
  Memory m = memoryOf(v, lanes * stride);
  std::vector<int> spread, taken;
  std::vector<llvm::Constant*> everyStride;
  for (int64_t j = 0; j < lanes * stride; ++j) {
    spread.push_back((int)(j / stride));
    everyStride.push_back(b.getInt1(j % stride == 0));
  }
  for (int64_t l = 0; l < lanes; ++l) taken.push_back((int)(l * stride));
  Value* read = llvm::ConstantVector::get(everyStride);
  if (mask) read = b.CreateAnd(read, b.CreateShuffleVector(mask, spread));
  Value* span = b.CreateMaskedLoad(m.vector, b.CreateGEP(m.element, e.ptr(v), at), m.align, read, llvm::Constant::getNullValue(m.vector));
  Value* x = b.CreateShuffleVector(span, taken);
  return m.bf16 ? e.widenBf16(x) : x;
}

Value* RowVectors::gather(ValueId v, Value* base, Value* indices, Value* mask) {
  auto& b = e.b;
  Memory m = memoryOf(v, lanes);
  Value* row = b.CreateGEP(m.element, e.ptr(v), base);
  Value* ptrs = b.CreateGEP(m.element, row, indices);
  if (!mask) mask = llvm::Constant::getAllOnesValue(llvm::FixedVectorType::get(b.getInt1Ty(), (unsigned)lanes));
  Value* x = b.CreateMaskedGather(m.vector, ptrs, m.align, mask, llvm::Constant::getNullValue(m.vector));
  return m.bf16 ? e.widenBf16(x) : x;
}

void RowVectors::store(ValueId v, Value* at, Value* x, Value* mask) {
  auto& b = e.b;
  Memory m = memoryOf(v, lanes);
  if (m.bf16) x = e.roundToBf16(x);
  if (!mask) {
    b.CreateAlignedStore(x, b.CreateInBoundsGEP(m.element, e.ptr(v), at), m.align);
    return;
  }
  b.CreateMaskedStore(x, b.CreateGEP(m.element, e.ptr(v), at), m.align, mask);
}

Value* RowVectors::select(Value* mask, Value* x, Value* otherwise) { return mask ? e.b.CreateSelect(mask, x, otherwise) : x; }

Value* RowVectors::lanesBelow(Value* limit) {
  return e.b.CreateICmpSLT(laneOffsets(1), e.b.CreateVectorSplat((unsigned)lanes, limit));
}

Value* RowVectors::sum(Value* x) {
  Reassociate fast(e.b);
  return e.b.CreateFAddReduce(llvm::ConstantFP::get(e.type(t), -0.0), x);
}

Value* both(Emitter& e, Value* a, Value* b) {
  if (!a) return b;
  if (!b) return a;
  return e.b.CreateAnd(a, b);
}

Emitter::Values reduceRange(Emitter& e, Value* lo, Value* hi, Emitter::Values init,
                            const std::function<Emitter::Values(Value*, const Emitter::Values&)>& body) {
  auto& b = e.b;
  llvm::Function* fn = b.GetInsertBlock()->getParent();
  llvm::BasicBlock* pre = b.GetInsertBlock();
  auto* head = llvm::BasicBlock::Create(e.context, "range", fn);
  auto* exit = llvm::BasicBlock::Create(e.context, "range.end");
  b.CreateCondBr(b.CreateICmpSLT(lo, hi), head, exit);
  b.SetInsertPoint(head);
  llvm::PHINode* i = b.CreatePHI(b.getInt64Ty(), 2, "i");
  i->addIncoming(lo, pre);
  std::vector<llvm::PHINode*> phis;
  Emitter::Values acc;
  for (Value* v : init) {
    phis.push_back(b.CreatePHI(v->getType(), 2, "acc"));
    phis.back()->addIncoming(v, pre);
    acc.push_back(phis.back());
  }
  Emitter::Values result = body(i, acc);
  Value* next = b.CreateAdd(i, e.index(1), "", true, true);
  llvm::BasicBlock* latch = b.GetInsertBlock();
  b.CreateCondBr(b.CreateICmpEQ(next, hi), exit, head);
  i->addIncoming(next, latch);
  for (size_t k = 0; k < phis.size(); ++k) phis[k]->addIncoming(result[k], latch);
  exit->insertInto(fn);
  b.SetInsertPoint(exit);
  Emitter::Values out;
  for (size_t k = 0; k < init.size(); ++k) {
    llvm::PHINode* merged = b.CreatePHI(init[k]->getType(), 2);
    merged->addIncoming(init[k], pre);
    merged->addIncoming(result[k], latch);
    out.push_back(merged);
  }
  return out;
}

Emitter::Values reduceSteps(Emitter& e, int64_t n, Emitter::Values init,
                            const std::function<Emitter::Values(Value*, const Emitter::Values&)>& body) {
  if (n == 1) return body(e.index(0), init);
  return e.reduceMany(n, std::move(init), body);
}

Value* ceilDiv(Emitter& e, Value* a, int64_t d) {
  auto& b = e.b;
  if (d == 1) return a;
  // Floor division of a + d - 1, correct for negative a too (sdiv truncates towards zero).
  Value* num = b.CreateAdd(a, e.index(d - 1));
  Value* q = b.CreateSDiv(num, e.index(d));
  Value* inexactNegative = b.CreateAnd(b.CreateICmpSLT(num, e.index(0)), b.CreateICmpNE(b.CreateSRem(num, e.index(d)), e.index(0)));
  return b.CreateSub(q, b.CreateZExt(inexactNegative, b.getInt64Ty()));
}

TapRange tapsInside(Emitter& e, Value* start, int64_t dilation, int64_t taps, int64_t extent) {
  auto& b = e.b;
  // start + k * dilation >= 0  <=>  k >= ceil(-start / dilation); < extent  <=>  k < ceil((extent - start) / dilation).
  Value* lo = b.CreateBinaryIntrinsic(llvm::Intrinsic::smax, ceilDiv(e, b.CreateNeg(start), dilation), e.index(0));
  Value* hi = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, ceilDiv(e, b.CreateSub(e.index(extent), start), dilation), e.index(taps));
  return {lo, hi};
}

void forEachItem(Emitter& e, int64_t items, int64_t work, const std::function<void(Value*)>& body) {
  auto& b = e.b;
  if (items <= 0) return;
  if (e.threads != 1 && items > 1 && work >= kParallelWork) {
    e.parallel([&](Value* thread, Value* team) {
      Value* lo = b.CreateSDiv(b.CreateMul(e.index(items), thread), team);
      Value* hi = b.CreateSDiv(b.CreateMul(e.index(items), b.CreateAdd(thread, e.index(1))), team);
      e.loopRange(lo, hi, body);
    });
    return;
  }
  e.loop(items, body);
}

}  // namespace graphc::llvmjit
