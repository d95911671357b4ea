// The llvm backend: the graph JIT-compiled through LLVM into loop nests, one function per node,
// running in one planned arena; or the same code compiled ahead of time into a bundle. This
// header is plain C++: LLVM stays inside backend/llvm.
#pragma once

#include "runtime/executable.h"

namespace graphc::llvmjit {

// Generates, optimizes (O3, host CPU) and loads the code, and plans the arena. A graph with an
// op or dtype it cannot lower yet is an Error naming every such node, never a crash.
Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions& options);
// Whether prepare lowers op on operands of this dtype (capabilities.cpp).
bool isOpSupported(OpKind op, DType dtype);
bool multipliesBf16Natively(OpKind op);  // BackendInfo::multipliesBf16Natively

// The optimized LLVM IR of the graph's code, as prepare would load it (to see what vectorized);
// threads as in CompileOptions.
Result<std::string> optimizedIR(const Graph& g, int threads = 1);

// An ahead-of-time bundle: the graph compiled into a relocatable object file whose entry point,
// int32_t NAME_run(const graphc_run_buffers*), runs it with no compiler in the process, and the
// plain C header that declares it (what graphc compile --emit bundle writes).
struct BundleFiles {
  std::string name;    // the C identifier that starts the entry's name and the header's macros
  std::string object;  // NAME.o: the code, and the weights as read-only data (.rodata)
  std::string header;  // NAME.h
  std::string text;    // BundleForm::LlvmIR or Assembly: the same code, to read
};
// What emitBundle writes: the object file and header, or the bundle's code as optimized LLVM IR
// or as the target's assembly (graphc compile --emit llvm|asm), to see what it compiles to.
enum class BundleForm { Object, LlvmIR, Assembly };
// For options.targetTriple and targetCpu (empty: the host's). `name` becomes a C identifier:
// every character outside [A-Za-z0-9_] becomes '_', and one that starts with a digit gets a '_'
// in front. A bundle runs on the calling thread alone (it needs no OpenMP runtime), so
// options.threads above 1 is refused, as are training steps and ops prepare cannot lower.
Result<BundleFiles> emitBundle(const Graph& g, const CompileOptions& options, const std::string& name,
                               BundleForm form = BundleForm::Object);

// How long the last prepare of exe spent generating, optimizing (and compiling to machine code)
// and loading code, in seconds; zeros for an executable of another backend. cached: the machine
// code came from the object cache (backend/llvm/object_cache.h), so `optimize` is a file read.
struct JitTimes {
  double generate = 0, optimize = 0, load = 0;
  bool cached = false;
};
JitTimes jitTimes(const Executable& exe);

}  // namespace graphc::llvmjit
