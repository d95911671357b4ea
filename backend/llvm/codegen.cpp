// The code generator's core: loop nests, buffer access, error exits, and the module that
// strings the nodes' functions together into graphc_run.
#include "backend/llvm/codegen.h"

#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "backend/llvm/jit.h"
#include "ir/verifier.h"

namespace graphc::llvmjit {

size_t LoopNest::add(Shape operandStrides, int64_t offset) {
  strides.push_back(std::move(operandStrides));
  offsets.push_back(offset);
  return strides.size() - 1;
}

void LoopNest::coalesce() {
  Shape merged;
  std::vector<Shape> mergedStrides(strides.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool joins = !merged.empty();
    for (size_t k = 0; k < strides.size() && joins; ++k)
      joins = mergedStrides[k].back() == strides[k][d] * shape[d];
    if (joins) {
      merged.back() *= shape[d];
      for (size_t k = 0; k < strides.size(); ++k) mergedStrides[k].back() = strides[k][d];
      continue;
    }
    merged.push_back(shape[d]);
    for (size_t k = 0; k < strides.size(); ++k) mergedStrides[k].push_back(strides[k][d]);
  }
  shape = std::move(merged);
  strides = std::move(mergedStrides);
}

Shape broadcastStrides(const Shape& in, const Shape& out) {
  Shape inStrides = stridesOf(in), strides(out.size(), 0);
  size_t lead = out.size() - in.size();
  for (size_t d = lead; d < out.size(); ++d) strides[d] = in[d - lead] == 1 ? 0 : inStrides[d - lead];
  return strides;
}

// The loop whose latch branch is `latch` gets these properties (llvm.loop metadata).
static void setLoopProperties(llvm::LLVMContext& ctx, llvm::Instruction* latch, std::vector<llvm::Metadata*> properties) {
  if (properties.empty()) return;
  properties.insert(properties.begin(), nullptr);
  llvm::MDNode* loopId = llvm::MDNode::getDistinct(ctx, properties);
  loopId->replaceOperandWith(0, loopId);
  latch->setMetadata(llvm::LLVMContext::MD_loop, loopId);
}

// Tags every memory access of the blocks [first, last] with one access group, and returns the
// loop property that declares the accesses of that group independent across iterations.
static llvm::Metadata* parallelAccesses(llvm::LLVMContext& ctx, llvm::BasicBlock* first, llvm::BasicBlock* last) {
  llvm::MDNode* group = llvm::MDNode::getDistinct(ctx, {});
  for (auto it = first->getIterator();; ++it) {
    for (llvm::Instruction& inst : *it)
      if (inst.mayReadOrWriteMemory()) inst.setMetadata(llvm::LLVMContext::MD_access_group, group);
    if (&*it == last) break;
  }
  llvm::Metadata* parallel[] = {llvm::MDString::get(ctx, "llvm.loop.parallel_accesses"), group};
  return llvm::MDNode::get(ctx, parallel);
}

static llvm::Metadata* noUnroll(llvm::LLVMContext& ctx) {
  return llvm::MDNode::get(ctx, {llvm::MDString::get(ctx, "llvm.loop.unroll.disable")});
}

static llvm::Metadata* interleaveTimes(llvm::LLVMContext& ctx, unsigned times) {
  llvm::Metadata* count[] = {llvm::MDString::get(ctx, "llvm.loop.interleave.count"),
                             llvm::ConstantAsMetadata::get(llvm::ConstantInt::get(llvm::Type::getInt32Ty(ctx), times))};
  return llvm::MDNode::get(ctx, count);
}

// Interleaving a long-latency body (the inline exp, erf, tanh) hides its latency, four copies
// better than two on long rows (W6: 8 % at 4096 elements, 22 % once they leave L1), but each
// copy leaves more of a row to the slower remainder loops. Four only where no remainder is left:
// a trip count, known or a multiple of `tripMultiple`, that four vectors of any width up to 16
// lanes divide.
static unsigned interleaveCount(llvm::Value* lo, llvm::Value* hi, int64_t tripMultiple) {
  auto* first = llvm::dyn_cast<llvm::ConstantInt>(lo);
  auto* end = llvm::dyn_cast<llvm::ConstantInt>(hi);
  if (!first || !end) return tripMultiple % 64 == 0 ? 4 : 2;
  int64_t n = end->getSExtValue() - first->getSExtValue();
  return n >= 256 && n % 64 == 0 ? 4 : 2;
}

Emitter::Emitter(llvm::Module& m, const Graph& g) : context(m.getContext()), module(m), graph(g), b(m.getContext()) {}

llvm::Function* Emitter::begin(std::span<const ValueId> values, const std::string& name) {
  auto* fnType = llvm::FunctionType::get(b.getInt32Ty(), {b.getPtrTy()}, false);
  fn_ = llvm::Function::Create(fnType, llvm::Function::InternalLinkage, name, module);
  fn_->addFnAttr(llvm::Attribute::NoUnwind);
  // One function per node keeps each optimization unit small; inlining them all into
  // graphc_run would buy nothing, since every node is a loop nest of its own.
  fn_->addFnAttr(llvm::Attribute::NoInline);
  setTargetAttributes(*fn_, *target);
  buffers_ = fn_->getArg(0);
  args_.assign(values.begin(), values.end());
  b.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", fn_));
  loadPointers();
  return fn_;
}

llvm::Value* Emitter::contextArgument() {
  return b.CreateLoad(b.getPtrTy(), b.CreateConstInBoundsGEP1_64(b.getPtrTy(), buffers_, args_.size()), "collective.context");
}

// args[k] points at the function's k-th value; a value passed twice is loaded once.
void Emitter::loadPointers() {
  ptrs_.assign(graph.values.size(), nullptr);
  for (size_t k = 0; k < args_.size(); ++k) {
    ValueId v = args_[k];
    if (ptrs_[v]) continue;
    llvm::Value* slot = b.CreateConstInBoundsGEP1_64(b.getPtrTy(), buffers_, k);
    ptrs_[v] = b.CreateLoad(b.getPtrTy(), slot, graph.value(v).name);
  }
}

void Emitter::loopRange(llvm::Value* lo, llvm::Value* hi, const std::function<void(llvm::Value*)>& body, bool parallel,
                        int64_t tripMultiple) {
  llvm::BasicBlock* pre = b.GetInsertBlock();
  auto* head = llvm::BasicBlock::Create(context, "range", fn_);
  auto* exit = llvm::BasicBlock::Create(context, "range.end");  // placed after the body
  b.CreateCondBr(b.CreateICmpSLT(lo, hi), head, exit);
  b.SetInsertPoint(head);
  llvm::PHINode* i = b.CreatePHI(b.getInt64Ty(), 2, "i");
  i->addIncoming(lo, pre);
  bool outerLongLatency = std::exchange(longLatencyBody, false);
  body(i);
  bool interleave = parallel && longLatencyBody;
  longLatencyBody = outerLongLatency || longLatencyBody;
  llvm::Value* next = b.CreateAdd(i, index(1), "", true, true);
  llvm::BasicBlock* latch = b.GetInsertBlock();
  exit->insertInto(fn_);
  llvm::Instruction* br = b.CreateCondBr(b.CreateICmpEQ(next, hi), exit, head);
  i->addIncoming(next, latch);
  std::vector<llvm::Metadata*> properties;
  if (parallel) properties.push_back(parallelAccesses(context, head, latch));
  if (keepRolled) properties.push_back(noUnroll(context));
  if (interleave) properties.push_back(interleaveTimes(context, interleaveCount(lo, hi, tripMultiple)));
  setLoopProperties(context, br, properties);
  b.SetInsertPoint(exit);
}

void Emitter::ifThenElse(llvm::Value* cond, const std::function<void()>& then, const std::function<void()>& otherwise) {
  auto* thenBlock = llvm::BasicBlock::Create(context, "then", fn_);
  auto* elseBlock = llvm::BasicBlock::Create(context, "else");
  auto* merge = llvm::BasicBlock::Create(context, "merge");
  b.CreateCondBr(cond, thenBlock, elseBlock);
  b.SetInsertPoint(thenBlock);
  then();
  b.CreateBr(merge);
  elseBlock->insertInto(fn_);
  b.SetInsertPoint(elseBlock);
  otherwise();
  b.CreateBr(merge);
  merge->insertInto(fn_);
  b.SetInsertPoint(merge);
}

void Emitter::parallel(const std::function<void(llvm::Value*, llvm::Value*)>& body) {
  llvm::Function *outer = fn_;
  llvm::Value* outerBuffers = buffers_;
  std::vector<llvm::Value*> outerPtrs = ptrs_;
  llvm::IRBuilderBase::InsertPoint resume = b.saveIP();
  auto* type = llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy()}, false);
  fn_ = llvm::Function::Create(type, llvm::Function::InternalLinkage, outer->getName() + ".team", module);
  fn_->addFnAttr(llvm::Attribute::NoUnwind);
  setTargetAttributes(*fn_, *target);
  buffers_ = fn_->getArg(0);  // the same arguments as the function that starts the team
  b.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", fn_));
  loadPointers();
  auto* intFn = llvm::FunctionType::get(b.getInt32Ty(), false);
  llvm::Value* thread = b.CreateSExt(b.CreateCall(module.getOrInsertFunction("omp_get_thread_num", intFn)), b.getInt64Ty());
  llvm::Value* team = b.CreateSExt(b.CreateCall(module.getOrInsertFunction("omp_get_num_threads", intFn)), b.getInt64Ty());
  body(thread, team);
  b.CreateRetVoid();
  llvm::Function* teamFn = fn_;
  fn_ = outer, buffers_ = outerBuffers, ptrs_ = std::move(outerPtrs);
  b.restoreIP(resume);
  auto* gompType = llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy(), b.getPtrTy(), b.getInt32Ty(), b.getInt32Ty()}, false);
  b.CreateCall(module.getOrInsertFunction("GOMP_parallel", gompType), {teamFn, buffers_, b.getInt32((uint32_t)threads), b.getInt32(0)});
}

void Emitter::end() { b.CreateRet(b.getInt32(0)); }

llvm::Type* Emitter::type(DType t) {
  switch (t) {
    case DType::f32: return b.getFloatTy();
    case DType::f64: return b.getDoubleTy();
    case DType::i32: return b.getInt32Ty();
    case DType::i64: return b.getInt64Ty();
    case DType::boolean: return b.getInt8Ty();
    case DType::bf16: case DType::f16: case DType::i16: case DType::u16: return b.getInt16Ty();
    case DType::i8: case DType::u8: return b.getInt8Ty();
  }
  return b.getFloatTy();
}

llvm::Value* Emitter::constant(DType t, double v) {
  if (t == DType::bf16 || t == DType::f16) return llvm::ConstantFP::get(b.getFloatTy(), v);
  if (isFloat(t)) return llvm::ConstantFP::get(type(t), v);
  return llvm::ConstantInt::get(type(t), (uint64_t)(int64_t)v, true);
}

llvm::Value* Emitter::load(ValueId v, llvm::Value* at) {
  llvm::Type* t = type(graph.type(v).dtype);
  llvm::Value* x = b.CreateLoad(t, b.CreateInBoundsGEP(t, ptr(v), at));
  DType d = graph.type(v).dtype;
  return d == DType::bf16 ? widenBf16(x) : d == DType::f16 ? widenF16(x) : x;
}

void Emitter::store(ValueId v, llvm::Value* at, llvm::Value* x) {
  llvm::Type* t = type(graph.type(v).dtype);
  if (graph.type(v).dtype == DType::bf16) x = roundToBf16(x);
  if (graph.type(v).dtype == DType::f16) x = roundToF16(x);
  b.CreateStore(x, b.CreateInBoundsGEP(t, ptr(v), at));
}

// Integer operations on the bits (LLVM 16's x86 backend has no bfloat arithmetic before
// AVX512-BF16); they vectorize like any other.
llvm::Value* Emitter::widenBf16(llvm::Value* bits) {
  llvm::Type* i32 = b.getInt32Ty(), *f32 = b.getFloatTy();
  if (auto* vec = llvm::dyn_cast<llvm::FixedVectorType>(bits->getType())) {
    i32 = llvm::FixedVectorType::get(i32, vec->getNumElements());
    f32 = llvm::FixedVectorType::get(f32, vec->getNumElements());
  }
  return b.CreateBitCast(b.CreateShl(b.CreateZExt(bits, i32), 16), f32);
}

llvm::Value* Emitter::roundToBf16(llvm::Value* x) {
  llvm::Type *i32 = b.getInt32Ty(), *i16 = b.getInt16Ty();
  if (auto* vec = llvm::dyn_cast<llvm::FixedVectorType>(x->getType())) {
    i32 = llvm::FixedVectorType::get(i32, vec->getNumElements());
    i16 = llvm::FixedVectorType::get(i16, vec->getNumElements());
  }
  auto k = [&](uint32_t v) { return llvm::ConstantInt::get(i32, v); };
  llvm::Value* bits = b.CreateBitCast(x, i32);
  llvm::Value* lsb = b.CreateAnd(b.CreateLShr(bits, 16), k(1));
  llvm::Value* rounded = b.CreateLShr(b.CreateAdd(bits, b.CreateAdd(k(0x7fff), lsb)), 16);
  llvm::Value* quietNan = b.CreateOr(b.CreateLShr(bits, 16), k(0x40));
  llvm::Value* isNan = b.CreateICmpUGT(b.CreateAnd(bits, k(0x7fffffff)), k(0x7f800000));
  return b.CreateTrunc(b.CreateSelect(isNan, quietNan, rounded), i16);
}

// The vector of `lanes` like x's (or the scalar) of element type t.
static llvm::Type* likeLanes(llvm::Value* x, llvm::Type* t) {
  if (auto* vec = llvm::dyn_cast<llvm::FixedVectorType>(x->getType())) return llvm::FixedVectorType::get(t, vec->getNumElements());
  return t;
}

llvm::Value* Emitter::widenF16(llvm::Value* bits) {
  llvm::Type *i32 = likeLanes(bits, b.getInt32Ty()), *f32 = likeLanes(bits, b.getFloatTy());
  auto k = [&](uint32_t v) { return llvm::ConstantInt::get(i32, v); };
  llvm::Value* h = b.CreateZExt(bits, i32);
  llvm::Value* sign = b.CreateShl(b.CreateAnd(h, k(0x8000)), 16);
  llvm::Value* exponent = b.CreateAnd(b.CreateLShr(h, 10), k(0x1f));
  llvm::Value* mantissa = b.CreateShl(b.CreateAnd(h, k(0x3ff)), 13);
  llvm::Value* normal = b.CreateOr(b.CreateShl(b.CreateAdd(exponent, k(112)), 23), mantissa);
  llvm::Value* infOrNan = b.CreateOr(k(0x7f800000), mantissa);
  // Zero or subnormal: mantissa * 2^-24, exact in f32.
  llvm::Value* small = b.CreateBitCast(
      b.CreateFMul(b.CreateUIToFP(b.CreateAnd(h, k(0x3ff)), f32), llvm::ConstantFP::get(f32, 0x1p-24)), i32);
  llvm::Value* magnitude = b.CreateSelect(b.CreateICmpEQ(exponent, k(0x1f)), infOrNan,
                                          b.CreateSelect(b.CreateICmpEQ(exponent, k(0)), small, normal));
  return b.CreateBitCast(b.CreateOr(sign, magnitude), f32);
}

llvm::Value* Emitter::roundToF16(llvm::Value* x) {
  llvm::Type *i32 = likeLanes(x, b.getInt32Ty()), *i16 = likeLanes(x, b.getInt16Ty());
  auto k = [&](uint32_t v) { return llvm::ConstantInt::get(i32, v); };
  llvm::Value* bits = b.CreateBitCast(x, i32);
  llvm::Value* sign = b.CreateAnd(b.CreateLShr(bits, 16), k(0x8000));
  llvm::Value* abs = b.CreateAnd(bits, k(0x7fffffff));
  llvm::Value* nan = b.CreateOr(k(0x7e00), b.CreateAnd(b.CreateLShr(abs, 13), k(0x3ff)));
  llvm::Value* lsb = b.CreateAnd(b.CreateLShr(abs, 13), k(1));
  llvm::Value* normal = b.CreateLShr(b.CreateSub(b.CreateAdd(abs, b.CreateAdd(k(0xfff), lsb)), k(0x38000000)), 13);
  // Subnormal: the mantissa with its implicit bit, shifted by 14 to 24 (clamped to 25 below
  // 2^-25, which leaves 0) and rounded to nearest even.
  llvm::Value* mantissa = b.CreateOr(b.CreateAnd(abs, k(0x7fffff)), k(0x800000));
  llvm::Value* exponent = b.CreateLShr(abs, 23);
  llvm::Value* shift = b.CreateSelect(b.CreateICmpULT(exponent, k(101)), k(25),
                                      b.CreateSub(k(126), b.CreateSelect(b.CreateICmpUGT(exponent, k(112)), k(112), exponent)));
  llvm::Value* kept = b.CreateLShr(mantissa, shift);
  llvm::Value* rest = b.CreateAnd(mantissa, b.CreateSub(b.CreateShl(k(1), shift), k(1)));
  llvm::Value* half = b.CreateShl(k(1), b.CreateSub(shift, k(1)));
  llvm::Value* tieToOdd = b.CreateAnd(b.CreateICmpEQ(rest, half), b.CreateICmpNE(b.CreateAnd(kept, k(1)), k(0)));
  llvm::Value* up = b.CreateOr(b.CreateICmpUGT(rest, half), tieToOdd);
  llvm::Value* subnormal = b.CreateAdd(kept, b.CreateZExt(up, i32));
  llvm::Value* magnitude =
      b.CreateSelect(b.CreateICmpUGT(abs, k(0x7f800000)), nan,
                     b.CreateSelect(b.CreateICmpUGE(abs, k(0x477ff000)), k(0x7c00),
                                    b.CreateSelect(b.CreateICmpUGE(abs, k(0x38800000)), normal, subnormal)));
  return b.CreateTrunc(b.CreateOr(sign, magnitude), i16);
}

llvm::Value* Emitter::roundToOddF32(llvm::Value* x) {
  llvm::Type *f32 = likeLanes(x, b.getFloatTy()), *i32 = likeLanes(x, b.getInt32Ty());
  llvm::Value* f = b.CreateFPTrunc(x, f32);
  llvm::Value* back = b.CreateFPExt(f, x->getType());
  llvm::Value* keep = b.CreateOr(b.CreateFCmpOEQ(back, x), b.CreateFCmpUNO(x, x));
  llvm::Value* away = b.CreateFCmpOGT(intrinsic(llvm::Intrinsic::fabs, {back}), intrinsic(llvm::Intrinsic::fabs, {x}));
  llvm::Value* bits = b.CreateBitCast(f, i32);
  llvm::Value* odd = b.CreateOr(b.CreateSub(bits, b.CreateZExt(away, i32)), llvm::ConstantInt::get(i32, 1));
  return b.CreateSelect(keep, f, b.CreateBitCast(odd, f32));
}

void Emitter::loop(int64_t n, const std::function<void(llvm::Value*)>& body, bool parallel) {
  if (n <= 0) return;  // shapes are static: an empty loop is no code
  // The guard of a constant range folds away (IRBuilder folds the compare of two constants).
  loopRange(index(0), index(n), body, parallel);
}

llvm::Value* Emitter::reduce(int64_t n, llvm::Value* init,
                             const std::function<llvm::Value*(llvm::Value*, llvm::Value*)>& body) {
  return reduceMany(n, {init}, [&](llvm::Value* i, const Values& acc) { return Values{body(i, acc[0])}; })[0];
}

Emitter::Values Emitter::reduceMany(int64_t n, Values init, const std::function<Values(llvm::Value*, const Values&)>& body) {
  if (n <= 0) return init;
  llvm::BasicBlock* pre = b.GetInsertBlock();
  auto* head = llvm::BasicBlock::Create(context, "reduce", fn_);
  b.CreateBr(head);
  b.SetInsertPoint(head);
  llvm::PHINode* i = b.CreatePHI(b.getInt64Ty(), 2, "i");
  i->addIncoming(index(0), pre);
  std::vector<llvm::PHINode*> phis;
  Values acc;
  for (llvm::Value* v : init) {
    phis.push_back(b.CreatePHI(v->getType(), 2, "acc"));
    phis.back()->addIncoming(v, pre);
    acc.push_back(phis.back());
  }
  Values result = body(i, acc);
  llvm::Value* next = b.CreateAdd(i, index(1), "", true, true);
  llvm::BasicBlock* latch = b.GetInsertBlock();
  auto* exit = llvm::BasicBlock::Create(context, "reduce.end", fn_);
  llvm::Instruction* br = b.CreateCondBr(b.CreateICmpEQ(next, index(n)), exit, head);
  if (keepRolled) setLoopProperties(context, br, {noUnroll(context)});
  i->addIncoming(next, latch);
  for (size_t k = 0; k < phis.size(); ++k) phis[k]->addIncoming(result[k], latch);
  b.SetInsertPoint(exit);
  return result;
}

void Emitter::nest(const LoopNest& nest, const std::function<void(std::span<llvm::Value* const>)>& body, bool parallel) {
  size_t rank = nest.shape.size();
  for (int64_t extent : nest.shape)
    if (extent == 0) return;
  std::vector<llvm::Value*> ivs;
  std::function<void(size_t)> level = [&](size_t d) {
    if (d == rank) {
      std::vector<llvm::Value*> offsets;
      for (size_t k = 0; k < nest.strides.size(); ++k) {
        llvm::Value* at = index(nest.offsets[k]);
        for (size_t a = 0; a < rank; ++a)
          if (nest.strides[k][a]) at = b.CreateAdd(at, b.CreateMul(ivs[a], index(nest.strides[k][a])));
        offsets.push_back(at);
      }
      body(offsets);
      return;
    }
    loop(nest.shape[d], [&](llvm::Value* i) {
      ivs.push_back(i);
      level(d + 1);
      ivs.pop_back();
    }, parallel && d + 1 == rank);
  };
  level(0);
}

void Emitter::failIf(llvm::Value* cond, std::string message) {
  errors.push_back(std::move(message));
  auto* fail = llvm::BasicBlock::Create(context, "fail", fn_);
  auto* cont = llvm::BasicBlock::Create(context, "ok", fn_);
  b.CreateCondBr(cond, fail, cont, llvm::MDBuilder(context).createBranchWeights(1, 1u << 20));
  b.SetInsertPoint(fail);
  b.CreateRet(b.getInt32((uint32_t)errors.size()));
  b.SetInsertPoint(cont);
}

llvm::Value* Emitter::callMath(const char* f32Name, const char* f64Name, std::initializer_list<llvm::Value*> args) {
  llvm::Type* t = (*args.begin())->getType();
  if (auto* vec = llvm::dyn_cast<llvm::FixedVectorType>(t)) {
    llvm::Value* out = llvm::PoisonValue::get(vec);
    for (unsigned l = 0; l < vec->getNumElements(); ++l) {
      std::vector<llvm::Value*> lane;
      for (llvm::Value* a : args) lane.push_back(b.CreateExtractElement(a, l));
      llvm::Value* r = lane.size() == 1 ? callMath(f32Name, f64Name, {lane[0]}) : callMath(f32Name, f64Name, {lane[0], lane[1]});
      out = b.CreateInsertElement(out, r, l);
    }
    return out;
  }
  std::vector<llvm::Type*> params(args.size(), t);
  auto callee = module.getOrInsertFunction(t->isFloatTy() ? f32Name : f64Name, llvm::FunctionType::get(t, params, false));
  if (auto* f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
    // Pure: graphc never reads errno, so the calls may be hoisted, vectorized or dropped.
    f->setDoesNotAccessMemory();
    f->setDoesNotThrow();
    f->setWillReturn();
  }
  return b.CreateCall(callee, args);
}

llvm::Value* Emitter::intrinsic(llvm::Intrinsic::ID id, std::initializer_list<llvm::Value*> args) {
  return b.CreateIntrinsic(id, {(*args.begin())->getType()}, args);
}

static Status emitNode(Emitter& e, const Node& n) {
  if (n.info().has(kElementwise)) return emitElementwise(e, n);
  switch (n.op) {
    case OpKind::ReduceSum: case OpKind::ReduceMean: case OpKind::ReduceMax: case OpKind::ReduceProd:
    case OpKind::Softmax: case OpKind::LogSoftmax:
      return emitReduce(e, n);
    case OpKind::TopK:
      return emitTopK(e, n);
    case OpKind::LayerNorm: case OpKind::BatchNorm:
      return emitNorm(e, n);
    case OpKind::MatMul: case OpKind::Dense:
      return emitLinalg(e, n);
    case OpKind::GatherGrad: case OpKind::PadGrad: case OpKind::SliceGrad:
      return emitMovement(e, n);
    case OpKind::ReluGrad: case OpKind::LayerNormGrad: case OpKind::SoftmaxCrossEntropy: case OpKind::OneHot:
    case OpKind::SgdUpdate: case OpKind::MomentumUpdate: case OpKind::AdamUpdate:
      return emitTrain(e, n);
    case OpKind::AllreduceStart: case OpKind::AllreduceWait:
      return emitCollective(e, n);
    case OpKind::DenseGrad:
      return Error("dense_grad runs as the ops expand_dense_grad makes of it; that pass did not run");
    case OpKind::Conv2d: case OpKind::Conv2dGradInput: case OpKind::Conv2dGradWeight:
      return emitConv(e, n);
    case OpKind::MaxPool2d: case OpKind::AvgPool2d: case OpKind::GlobalAvgPool: case OpKind::MaxPool2dGrad: case OpKind::AvgPool2dGrad:
      return emitPool(e, n);
    default:
      if (n.info().has(kMovement)) return emitMovement(e, n);
      return Error(fmt::format("no lowering for '{}' yet", opName(n.op)));
  }
}

static Status checkDTypes(const Graph& g, const Node& n) {
  for (const auto* list : {&n.operands, &n.results})
    for (ValueId v : *list)
      if (g.type(v).dtype == DType::bf16 && !acceptsBf16(n.info()))
        return Error(fmt::format("'{}' has no bf16 kernel (bf16 is for casts, data movement and the products)", opName(n.op)));
      else if (!acceptsStorageType(n.info(), g.type(v).dtype))
        return Error(fmt::format("'{}' has no {} kernel ({} is a storage type, for casts and data movement)", opName(n.op),
                                 dtypeName(g.type(v).dtype), dtypeName(g.type(v).dtype)));
  // Float-only ops have f32 and f64 kernels; so do softmax and log_softmax.
  bool floatOnly = n.info().has(kFloatOnly) || n.op == OpKind::Softmax || n.op == OpKind::LogSoftmax;
  for (ValueId v : n.operands)
    if (floatOnly && !isFloat(g.type(v).dtype))
      return Error(fmt::format("no kernel for {}", dtypeName(g.type(v).dtype)));
  return ok();
}

Result<GeneratedCode> generate(const Graph& g, int threads, const EntryLayout& layout, const CodeTarget& target) {
  GeneratedCode out;
  out.context = std::make_unique<llvm::LLVMContext>();
  out.module = std::make_unique<llvm::Module>("graphc." + g.name, *out.context);
  Emitter e(*out.module, g);
  e.threads = threads;
  e.target = &target;
  CallPlan plan = planCalls(g);
  std::vector<llvm::Function*> functions;  // per call
  std::unordered_map<std::string, llvm::Function*> byKey;
  std::vector<Diag> refused;
  std::vector<std::string_view> refusedOps;
  for (const NodeCall& call : plan.calls) {
    const Node& n = g.nodes[call.node];
    std::string key = callKey(g, plan, call);
    if (auto shared = byKey.find(key); shared != byKey.end()) {
      functions.push_back(shared->second);  // a repeated layer: the same code on other buffers
      continue;
    }
    const FusionGroup* group = call.group >= 0 ? &plan.groups[call.group] : nullptr;
    std::string name = group ? fmt::format("node{}.fused{}", call.node, group->id) : fmt::format("node{}.{}", call.node, opName(n.op));
    llvm::Function* f = e.begin(call.args, name);
    Status st = group ? emitFusedGroup(e, *group) : checkDTypes(g, n);
    if (st && !group) st = emitNode(e, n);
    if (!st) {
      f->eraseFromParent();
      std::string what = group ? fmt::format("fusion group {} of {} nodes from {}", group->id, group->members.size(), describeNode(g, n))
                               : describeNode(g, n);
      refused.push_back({n.loc, fmt::format("{}: {}", what, st.error().message()), {}});
      if (std::find(refusedOps.begin(), refusedOps.end(), opName(n.op)) == refusedOps.end()) refusedOps.push_back(opName(n.op));
      continue;
    }
    e.end();
    byKey.emplace(std::move(key), f);
    functions.push_back(f);
  }
  if (!refused.empty()) {
    Error err(ErrorCode::Unsupported, fmt::format("llvm: cannot lower {} node(s) yet, of op(s) {}", refused.size(), fmt::join(refusedOps, ", ")));
    for (Diag& d : refused) err.diags.push_back(std::move(d));
    return err;
  }
  emitEntry(e, layout, plan, functions);
  out.errors = std::move(e.errors);
  return out;
}

}  // namespace graphc::llvmjit
