// allreduce_start and allreduce_wait on llvm: the node's function gathers its buffers' pointers
// and calls into the runtime (runtime/collective.h) with the run's CollectiveContext, which the
// entry passes after the node's values (NodeCall::passesContext).
#include "backend/llvm/collective_calls.h"

#include <fmt/format.h>

#include "backend/llvm/codegen.h"

namespace graphc::llvmjit {

extern "C" {
// 0 on success; on failure the context keeps the communicator's Error for the run to report.
static int32_t graphc_llvm_allreduce_start(CollectiveContext* context, int64_t bucket, int64_t n, const float* const* grads,
                                           const int64_t* counts, float* buffer) {
  Status s = allreduceStart(context->comm, bucket, std::span(grads, (size_t)n), std::span(counts, (size_t)n), buffer);
  if (!s) context->status = std::move(s);
  return context->status ? 0 : 1;
}

static int32_t graphc_llvm_allreduce_wait(CollectiveContext* context, int64_t bucket, int64_t n, const float* buffer,
                                          float* const* means, const int64_t* counts) {
  Status s = allreduceWait(context->comm, bucket, buffer, std::span(means, (size_t)n), std::span(counts, (size_t)n));
  if (!s) context->status = std::move(s);
  return context->status ? 0 : 1;
}

static void graphc_llvm_collective_progress(CollectiveContext* context) {
  if (context->comm) context->comm->progress();
}
}

std::span<const JitSymbol> collectiveSymbols() {
  static const JitSymbol symbols[] = {
      {"graphc_llvm_allreduce_start", reinterpret_cast<const void*>(&graphc_llvm_allreduce_start)},
      {"graphc_llvm_allreduce_wait", reinterpret_cast<const void*>(&graphc_llvm_allreduce_wait)},
      {kCollectiveProgress, reinterpret_cast<const void*>(&graphc_llvm_collective_progress)}};
  return symbols;
}

Status emitCollective(Emitter& e, const Node& n) {
  auto& b = e.b;
  bool start = n.op == OpKind::AllreduceStart;
  const std::vector<ValueId>& tensors = start ? n.operands : n.results;  // the gradients, or their means
  ValueId buffer = start ? n.results[0] : n.operands[0];
  std::vector<llvm::Constant*> counts;
  for (ValueId v : tensors) counts.push_back(b.getInt64((uint64_t)e.graph.type(v).numel()));
  auto* countsType = llvm::ArrayType::get(b.getInt64Ty(), counts.size());
  auto* countsGlobal = new llvm::GlobalVariable(e.module, countsType, /*isConstant=*/true, llvm::GlobalValue::PrivateLinkage,
                                                llvm::ConstantArray::get(countsType, counts), "allreduce.counts");
  llvm::Value* pointers = b.CreateAlloca(b.getPtrTy(), b.getInt64(tensors.size()), "allreduce.tensors");
  for (size_t i = 0; i < tensors.size(); ++i) b.CreateStore(e.ptr(tensors[i]), b.CreateConstInBoundsGEP1_64(b.getPtrTy(), pointers, i));
  const char* name = start ? "graphc_llvm_allreduce_start" : "graphc_llvm_allreduce_wait";
  auto* type = llvm::FunctionType::get(b.getInt32Ty(), {b.getPtrTy(), b.getInt64Ty(), b.getInt64Ty(), b.getPtrTy(), b.getPtrTy(), b.getPtrTy()}, false);
  int64_t bucket = OpCtx{n.info(), {}, n.attrs}.i("bucket");
  llvm::Value* tensorsArg = pointers;
  llvm::Value* code = start ? b.CreateCall(e.module.getOrInsertFunction(name, type),
                                           {e.contextArgument(), b.getInt64((uint64_t)bucket), b.getInt64(tensors.size()), tensorsArg,
                                            countsGlobal, e.ptr(buffer)})
                            : b.CreateCall(e.module.getOrInsertFunction(name, type),
                                           {e.contextArgument(), b.getInt64((uint64_t)bucket), b.getInt64(tensors.size()),
                                            e.ptr(buffer), tensorsArg, countsGlobal});
  e.failIf(b.CreateICmpNE(code, b.getInt32(0)), fmt::format("{} of bucket {} failed", opName(n.op), bucket));
  return ok();
}

}  // namespace graphc::llvmjit
