// Internal to backend/llvm: the runtime functions generated code calls for allreduce_start and
// allreduce_wait, and what they reach through the run: the context's communicator.
#pragma once

#include <span>

#include "backend/llvm/jit.h"
#include "runtime/collective.h"

namespace graphc::llvmjit {

// One per execution context, pointed at from the arena (EntryLayout::contextOffset) for a run:
// the communicator (null: one rank), and the failure of a call, which the run reports.
struct CollectiveContext {
  Communicator* comm = nullptr;
  Status status = ok();
};

// The runtime function the entry calls after every node of a graph with collectives:
// void (CollectiveContext*), Communicator::progress.
inline constexpr const char* kCollectiveProgress = "graphc_llvm_collective_progress";

// The runtime functions by name, for the JIT to resolve.
std::span<const JitSymbol> collectiveSymbols();

}  // namespace graphc::llvmjit
