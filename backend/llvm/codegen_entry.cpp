// The entry point graphc_run(const graphc_run_buffers*): the raw ABI of runtime/abi.h turned
// into the node functions' pointer table, the nodes called in order, and the outputs that are
// not written in place copied at the end.
#include <cstddef>

#include "backend/llvm/codegen.h"
#include "backend/llvm/jit.h"
#include "runtime/abi.h"

namespace graphc::llvmjit {
namespace {

// A field of the caller's graphc_run_buffers, by its offset in the host's layout (the same on
// every LP64 target).
llvm::Value* loadField(llvm::IRBuilder<>& b, llvm::Value* run, size_t offset, const char* name) {
  return b.CreateLoad(b.getPtrTy(), b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), run, offset), name);
}

}  // namespace

void emitEntry(Emitter& e, const EntryLayout& layout, std::span<llvm::Function* const> nodes) {
  llvm::IRBuilder<>& b = e.b;
  llvm::LLVMContext& ctx = e.context;
  auto* runType = llvm::FunctionType::get(b.getInt32Ty(), {b.getPtrTy()}, false);
  auto* run = llvm::Function::Create(runType, llvm::Function::ExternalLinkage, "graphc_run", e.module);
  run->addFnAttr(llvm::Attribute::NoUnwind);
  setTargetAttributes(*run);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", run));
  llvm::Value* buffers = run->getArg(0);
  llvm::Value* inputs = loadField(b, buffers, offsetof(graphc_run_buffers, inputs), "inputs");
  llvm::Value* outputs = loadField(b, buffers, offsetof(graphc_run_buffers, outputs), "outputs");
  llvm::Value* arena = loadField(b, buffers, offsetof(graphc_run_buffers, arena), "arena");
  // The table lives in the arena, not on the stack: a graph of 100k values needs 800 kB.
  llvm::Value* table = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), arena, layout.tableOffset, "table");
  auto slotPtr = [&](llvm::Value* base, int64_t i) {
    return b.CreateLoad(b.getPtrTy(), b.CreateConstInBoundsGEP1_64(b.getPtrTy(), base, (uint64_t)i));
  };
  for (size_t v = 0; v < layout.slots.size(); ++v) {
    const EntryLayout::Slot& slot = layout.slots[v];
    llvm::Value* p = nullptr;
    switch (slot.place) {
      case EntryLayout::Place::None: continue;
      case EntryLayout::Place::Input: p = slotPtr(inputs, slot.at); break;
      case EntryLayout::Place::Output: p = slotPtr(outputs, slot.at); break;
      case EntryLayout::Place::Arena: p = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), arena, (uint64_t)slot.at); break;
      case EntryLayout::Place::Const: p = b.CreateIntToPtr(b.getInt64((uint64_t)slot.at), b.getPtrTy()); break;
    }
    b.CreateStore(p, b.CreateConstInBoundsGEP1_64(b.getPtrTy(), table, v));
  }
  // The nodes in order; the first error code ends the run.
  for (llvm::Function* f : nodes) {
    llvm::Value* code = b.CreateCall(f, {table});
    auto* fail = llvm::BasicBlock::Create(ctx, "fail", run);
    auto* next = llvm::BasicBlock::Create(ctx, "next", run);
    b.CreateCondBr(b.CreateICmpNE(code, b.getInt32(0)), fail, next);
    b.SetInsertPoint(fail);
    b.CreateRet(code);
    b.SetInsertPoint(next);
  }
  for (auto [output, value] : layout.copiedOutputs) {
    uint64_t bytes = e.graph.type(value).bytes();
    if (!bytes) continue;
    llvm::Value* from = slotPtr(table, value);
    b.CreateMemCpy(slotPtr(outputs, output), llvm::MaybeAlign(1), from, llvm::MaybeAlign(1), bytes);
  }
  b.CreateRet(b.getInt32(0));
}

}  // namespace graphc::llvmjit
