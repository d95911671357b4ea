// Internal to backend/llvm: what the convolution and pooling lowerings share: vectors along
// an image row (masked loads and stores, gathers), loops with run-time bounds, and the tap
// ranges of a window.
#pragma once

#include "backend/llvm/codegen.h"

namespace graphc::llvmjit {

// Vectors of the target's width over dtype t, read and written at element offsets of a value.
// A bf16 value is read widened to f32 and written rounded from it (t is then f32).
struct RowVectors {
  Emitter& e;
  DType t;
  int64_t lanes;
  llvm::FixedVectorType* type;
  llvm::Align align;

  RowVectors(Emitter& em, DType dtype);
  llvm::Value* splat(llvm::Value* scalar) { return e.b.CreateVectorSplat((unsigned)lanes, scalar); }
  llvm::Value* zero() { return llvm::Constant::getNullValue(type); }
  // <0, 1, ..., lanes-1> * scale, as i64.
  llvm::Value* laneOffsets(int64_t scale);
  // The lanes [at, at + lanes) of value v; a null mask reads them all, else only the lanes it
  // sets (the others are zero and their addresses may lie outside v).
  llvm::Value* load(ValueId v, llvm::Value* at, llvm::Value* mask);
  // The elements at + l * stride of value v, under mask as for load: for a stride above 1, one
  // wide load of the span they lie in (only the elements taken are read) and a shuffle, which
  // costs less than a gather.
  llvm::Value* loadStrided(ValueId v, llvm::Value* at, int64_t stride, llvm::Value* mask);
  // The lanes base + indices[l] of value v (indices an i64 vector), under mask as for load.
  llvm::Value* gather(ValueId v, llvm::Value* base, llvm::Value* indices, llvm::Value* mask);
  void store(ValueId v, llvm::Value* at, llvm::Value* x, llvm::Value* mask);
  // How `count` elements of v lie in memory (bf16: as i16 bits).
  struct Memory {
    llvm::Type* element;
    llvm::FixedVectorType* vector;
    llvm::Align align;
    bool bf16;
  };
  Memory memoryOf(ValueId v, int64_t count);
  // mask ? x : otherwise per lane; a null mask keeps x.
  llvm::Value* select(llvm::Value* mask, llvm::Value* x, llvm::Value* otherwise);
  // lanes l with l < limit (an i64), as an i1 vector.
  llvm::Value* lanesBelow(llvm::Value* limit);
  // The sum of the lanes, reassociated.
  llvm::Value* sum(llvm::Value* x);
};

// a && b where either may be null (no condition).
llvm::Value* both(Emitter& e, llvm::Value* a, llvm::Value* b);

// Emitter::reduceMany with run-time bounds [lo, hi): accs = body(i, accs), skipped when lo >= hi.
Emitter::Values reduceRange(Emitter& e, llvm::Value* lo, llvm::Value* hi, Emitter::Values init,
                            const std::function<Emitter::Values(llvm::Value*, const Emitter::Values&)>& body);
// Emitter::reduceMany, with no loop at all for a single iteration.
Emitter::Values reduceSteps(Emitter& e, int64_t n, Emitter::Values init,
                            const std::function<Emitter::Values(llvm::Value*, const Emitter::Values&)>& body);

// ceil(a / d) for d > 0 and any a (i64 values).
llvm::Value* ceilDiv(Emitter& e, llvm::Value* a, int64_t d);

// The taps k in [lo, hi) of a window starting at `start` with dilation `dilation` and `taps`
// taps that fall inside [0, extent).
struct TapRange {
  llvm::Value *lo, *hi;
};
TapRange tapsInside(Emitter& e, llvm::Value* start, int64_t dilation, int64_t taps, int64_t extent);

// Below this many multiply-adds (or window taps) a node runs on the calling thread: waking a
// team costs more.
constexpr int64_t kParallelWork = 1 << 20;

// for item in [0, items): body(item), split evenly over an OpenMP team when threads allow it
// and the work pays for one; no two threads get the same item.
void forEachItem(Emitter& e, int64_t items, int64_t work, const std::function<void(llvm::Value*)>& body);

}  // namespace graphc::llvmjit
