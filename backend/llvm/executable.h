// The llvm backend: the graph JIT-compiled through LLVM into loop nests, one function per node,
// running in one planned arena. This header is plain C++: LLVM stays inside backend/llvm.
#pragma once

#include "runtime/executable.h"

namespace graphc::llvmjit {

// Generates, optimizes (O3, host CPU) and loads the code, and plans the arena. A graph with an
// op or dtype it cannot lower yet is an Error naming every such node, never a crash.
Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions& options);
// Whether prepare lowers op on operands of this dtype (capabilities.cpp).
bool isOpSupported(OpKind op, DType dtype);

// The optimized LLVM IR of the graph's code, as prepare would load it (to see what vectorized);
// threads as in CompileOptions.
Result<std::string> optimizedIR(const Graph& g, int threads = 1);

// How long the last prepare of exe spent generating, optimizing and loading code, in seconds;
// zeros for an executable of another backend.
struct JitTimes {
  double generate = 0, optimize = 0, load = 0;
};
JitTimes jitTimes(const Executable& exe);

}  // namespace graphc::llvmjit
