// The entry point graphc_run(const graphc_run_buffers*): the raw ABI of runtime/abi.h turned
// into the node functions' pointer table, the nodes called in order, and the outputs that are
// not written in place copied at the end.
#include <fmt/format.h>

#include <cstddef>
#include <string>

#include "backend/llvm/codegen.h"
#include "backend/llvm/collective_calls.h"
#include "backend/llvm/jit.h"
#include "runtime/abi.h"

namespace graphc::llvmjit {
namespace {

// A field of the caller's graphc_run_buffers, by its offset in the host's layout (the same on
// every LP64 target).
llvm::Value* loadField(llvm::IRBuilder<>& b, llvm::Value* run, size_t offset, const char* name, llvm::Type* type = nullptr) {
  return b.CreateLoad(type ? type : b.getPtrTy(), b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), run, offset), name);
}

// Constant v's bytes as a private read-only global (.rodata), 64-byte aligned like every block
// of the ABI: a bundle carries its weights inside its object file.
llvm::Value* constantGlobal(Emitter& e, ValueId v) {
  const Tensor& data = e.graph.value(v).data;
  llvm::StringRef bytes(static_cast<const char*>(data.raw()), data.bytes());
  auto* init = llvm::ConstantDataArray::getRaw(bytes, bytes.size(), e.b.getInt8Ty());
  auto* global = new llvm::GlobalVariable(e.module, init->getType(), /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage,
                                          init, "graphc.const." + std::to_string(v));
  global->setAlignment(llvm::Align(GRAPHC_ABI_ALIGNMENT));
  return global;
}

// The table of the constants' addresses, defined by the JIT when it loads the code.
llvm::Value* constantTable(Emitter& e) {
  if (llvm::GlobalVariable* table = e.module.getNamedGlobal(kConstantTable)) return table;
  return new llvm::GlobalVariable(e.module, e.b.getPtrTy(), /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage, nullptr,
                                  kConstantTable);
}

// The checks Executable::checkBuffers makes, for an entry that runs with nothing in front of it
// (a bundle): each failure returns its own error code before anything is read or written.
void emitBufferChecks(Emitter& e, const EntryLayout& layout, llvm::Function* run, llvm::Value* buffers) {
  llvm::IRBuilder<>& b = e.b;
  auto failIf = [&](llvm::Value* cond, std::string message) {
    e.errors.push_back(std::move(message));
    auto* fail = llvm::BasicBlock::Create(e.context, "bad.buffers", run);
    auto* next = llvm::BasicBlock::Create(e.context, "checked", run);
    b.CreateCondBr(cond, fail, next);
    b.SetInsertPoint(fail);
    b.CreateRet(b.getInt32((uint32_t)e.errors.size()));
    b.SetInsertPoint(next);
  };
  auto field32 = [&](size_t offset, const char* name) { return loadField(b, buffers, offset, name, b.getInt32Ty()); };
  auto field64 = [&](size_t offset, const char* name) { return loadField(b, buffers, offset, name, b.getInt64Ty()); };
  const Graph& g = e.graph;
  failIf(b.CreateICmpNE(field32(offsetof(graphc_run_buffers, abi_version), "abi"), b.getInt32(GRAPHC_ABI_VERSION)),
         "abi_version is not GRAPHC_ABI_VERSION " + std::to_string(GRAPHC_ABI_VERSION));
  failIf(b.CreateICmpNE(field32(offsetof(graphc_run_buffers, num_inputs), "num.inputs"), b.getInt32((uint32_t)g.inputs.size())),
         "num_inputs is not " + std::to_string(g.inputs.size()));
  failIf(b.CreateICmpNE(field32(offsetof(graphc_run_buffers, num_outputs), "num.outputs"), b.getInt32((uint32_t)g.outputs.size())),
         "num_outputs is not " + std::to_string(g.outputs.size()));
  // A block the caller brings: not null, aligned, and at least `need` bytes.
  auto checkBlock = [&](size_t pointerAt, size_t bytesAt, size_t need, const std::string& what) {
    llvm::Value* block = loadField(b, buffers, pointerAt, what.c_str());
    llvm::Value* address = b.CreatePtrToInt(block, b.getInt64Ty());
    failIf(b.CreateOr(b.CreateIsNull(block), b.CreateICmpNE(b.CreateAnd(address, GRAPHC_ABI_ALIGNMENT - 1), b.getInt64(0))),
           fmt::format("the {} is null or not {}-byte aligned", what, GRAPHC_ABI_ALIGNMENT));
    failIf(b.CreateICmpULT(field64(bytesAt, "block.bytes"), b.getInt64(need)),
           fmt::format("the {} has fewer than the {} bytes it needs", what, need));
  };
  checkBlock(offsetof(graphc_run_buffers, arena), offsetof(graphc_run_buffers, arena_bytes), layout.arenaBytes, "arena");
  if (layout.stateBytes)
    checkBlock(offsetof(graphc_run_buffers, state), offsetof(graphc_run_buffers, state_bytes), layout.stateBytes, "state block");
  auto checkList = [&](size_t pointersAt, size_t bytesAt, const std::vector<ValueId>& values, const char* what, const char* one) {
    if (values.empty()) return;
    llvm::Value* pointers = loadField(b, buffers, pointersAt, what);
    llvm::Value* sizes = loadField(b, buffers, bytesAt, "sizes");
    failIf(b.CreateOr(b.CreateIsNull(pointers), b.CreateIsNull(sizes)), fmt::format("the {} or their byte sizes are null", what));
    for (size_t i = 0; i < values.size(); ++i) {
      uint64_t bytes = g.type(values[i]).bytes();
      llvm::Value* size = b.CreateLoad(b.getInt64Ty(), b.CreateConstInBoundsGEP1_64(b.getInt64Ty(), sizes, i));
      failIf(b.CreateICmpNE(size, b.getInt64(bytes)), fmt::format("{} {} is not {} bytes", one, i, bytes));
      if (!bytes) continue;
      llvm::Value* p = b.CreateLoad(b.getPtrTy(), b.CreateConstInBoundsGEP1_64(b.getPtrTy(), pointers, i));
      failIf(b.CreateIsNull(p), fmt::format("{} {} is null", one, i));
    }
  };
  checkList(offsetof(graphc_run_buffers, inputs), offsetof(graphc_run_buffers, input_bytes), g.inputs, "inputs", "input");
  std::vector<ValueId> outputs;
  for (const auto& o : g.outputs) outputs.push_back(o.value);
  checkList(offsetof(graphc_run_buffers, outputs), offsetof(graphc_run_buffers, output_bytes), outputs, "outputs", "output");
}

// graphc_init_state(void* state): a self-contained training step's initial params and optimizer
// state (zeros where the graph has no data) written into the caller's state block.
void emitInitState(Emitter& e, const EntryLayout& layout) {
  llvm::IRBuilder<>& b = e.b;
  auto* type = llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy()}, false);
  auto* init = llvm::Function::Create(type, llvm::Function::ExternalLinkage, "graphc_init_state", e.module);
  init->addFnAttr(llvm::Attribute::NoUnwind);
  setTargetAttributes(*init, *e.target);
  b.SetInsertPoint(llvm::BasicBlock::Create(e.context, "entry", init));
  for (size_t v = 0; v < layout.slots.size(); ++v) {
    const Value& value = e.graph.value((ValueId)v);
    if (layout.slots[v].place != EntryLayout::Place::State || !value.isConstant() || !value.type.bytes()) continue;
    llvm::Value* at = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), init->getArg(0), (uint64_t)layout.slots[v].at);
    if (value.data.empty()) b.CreateMemSet(at, b.getInt8(0), value.type.bytes(), llvm::MaybeAlign(GRAPHC_ABI_ALIGNMENT));
    else b.CreateMemCpy(at, llvm::MaybeAlign(GRAPHC_ABI_ALIGNMENT), constantGlobal(e, (ValueId)v), llvm::MaybeAlign(GRAPHC_ABI_ALIGNMENT), value.type.bytes());
  }
  b.CreateRetVoid();
}

}  // namespace

void emitEntry(Emitter& e, const EntryLayout& layout, const CallPlan& plan, std::span<llvm::Function* const> functions) {
  if (layout.selfContained && layout.stateBytes) emitInitState(e, layout);
  llvm::IRBuilder<>& b = e.b;
  llvm::LLVMContext& ctx = e.context;
  auto* runType = llvm::FunctionType::get(b.getInt32Ty(), {b.getPtrTy()}, false);
  auto* run = llvm::Function::Create(runType, llvm::Function::ExternalLinkage, "graphc_run", e.module);
  run->addFnAttr(llvm::Attribute::NoUnwind);
  setTargetAttributes(*run, *e.target);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", run));
  llvm::Value* buffers = run->getArg(0);
  if (layout.selfContained) emitBufferChecks(e, layout, run, buffers);
  llvm::Value* inputs = loadField(b, buffers, offsetof(graphc_run_buffers, inputs), "inputs");
  llvm::Value* outputs = loadField(b, buffers, offsetof(graphc_run_buffers, outputs), "outputs");
  llvm::Value* arena = loadField(b, buffers, offsetof(graphc_run_buffers, arena), "arena");
  llvm::Value* state = layout.stateBytes ? loadField(b, buffers, offsetof(graphc_run_buffers, state), "state") : nullptr;
  auto slotPtr = [&](llvm::Value* base, int64_t i) {
    return b.CreateLoad(b.getPtrTy(), b.CreateConstInBoundsGEP1_64(b.getPtrTy(), base, (uint64_t)i));
  };
  std::vector<llvm::Value*> where(layout.slots.size(), nullptr);  // each value's address this run
  for (size_t v = 0; v < layout.slots.size(); ++v) {
    const EntryLayout::Slot& slot = layout.slots[v];
    switch (slot.place) {
      case EntryLayout::Place::None: break;
      case EntryLayout::Place::Input: where[v] = slotPtr(inputs, slot.at); break;
      case EntryLayout::Place::Output: where[v] = slotPtr(outputs, slot.at); break;
      case EntryLayout::Place::Arena: where[v] = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), arena, (uint64_t)slot.at); break;
      case EntryLayout::Place::State: where[v] = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), state, (uint64_t)slot.at); break;
      case EntryLayout::Place::Const:
        where[v] = layout.selfContained ? constantGlobal(e, (ValueId)v) : slotPtr(constantTable(e), slot.at);
        break;
    }
  }
  // The calls in order, each on its argument array; the first error code ends the run. The
  // arrays live in the arena, not on the stack: a graph of 100k nodes needs megabytes.
  size_t slot = 0;
  for (size_t c = 0; c < plan.calls.size(); ++c) {
    llvm::Value* args = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), arena, layout.tableOffset + slot * sizeof(void*), "args");
    for (size_t k = 0; k < plan.calls[c].args.size(); ++k)
      b.CreateStore(where[plan.calls[c].args[k]], b.CreateConstInBoundsGEP1_64(b.getPtrTy(), args, k));
    slot += plan.calls[c].args.size();
    if (plan.calls[c].passesContext) {
      llvm::Value* context = b.CreateLoad(b.getPtrTy(), b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), arena, layout.contextOffset));
      b.CreateStore(context, b.CreateConstInBoundsGEP1_64(b.getPtrTy(), args, plan.calls[c].args.size()));
      ++slot;
    }
    llvm::Value* code = b.CreateCall(functions[c], {args});
    if (layout.contextOffset) {  // let the buckets in flight advance (collective_calls.cpp)
      llvm::Value* context = b.CreateLoad(b.getPtrTy(), b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), arena, layout.contextOffset));
      b.CreateCall(e.module.getOrInsertFunction(kCollectiveProgress, llvm::FunctionType::get(b.getVoidTy(), {b.getPtrTy()}, false)),
                   {context});
    }
    auto* fail = llvm::BasicBlock::Create(ctx, "fail", run);
    auto* next = llvm::BasicBlock::Create(ctx, "next", run);
    b.CreateCondBr(b.CreateICmpNE(code, b.getInt32(0)), fail, next);
    b.SetInsertPoint(fail);
    b.CreateRet(code);
    b.SetInsertPoint(next);
  }
  for (auto [output, value] : layout.copiedOutputs)
    if (uint64_t bytes = e.graph.type(value).bytes())
      b.CreateMemCpy(slotPtr(outputs, output), llvm::MaybeAlign(1), where[value], llvm::MaybeAlign(1), bytes);
  for (auto [target, value] : layout.stateCopies)
    if (uint64_t bytes = e.graph.type(target).bytes())
      b.CreateMemCpy(where[target], llvm::MaybeAlign(1), where[value], llvm::MaybeAlign(1), bytes);
  b.CreateRet(b.getInt32(0));
}

}  // namespace graphc::llvmjit
