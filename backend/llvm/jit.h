// The JIT core: the code's target (the host's, or a bundle's), the O3 pipeline, object files,
// and one ORC LLJIT per compiled model.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "ir/diag.h"

namespace llvm {
class Function;
class LLVMContext;
class Module;
}  // namespace llvm

namespace graphc::llvmjit {

// The CPU code is generated for: its triple, name and features.
struct CodeTarget {
  std::string triple, cpu, features;  // features: "+avx2,+fma,-avx512f,..." (empty: the CPU's own)
  bool avx512 = false;
  bool avx512bf16 = false;     // vdpbf16ps: bf16 pairs multiplied into f32 lanes (the GEMM's bf16 kernel)
  bool vectorMath = false;     // glibc's libmvec is there: exp, log and pow loops vectorize
  bool vectorMathErf = false;  // and it has erf, tanh, expm1, tan, asin ... atanh (glibc >= 2.35)
};
// The host's, detected once (the JIT's target).
const CodeTarget& hostTarget();
// A target named by triple and CPU, either empty for the host's, checked against LLVM's
// registry: an unknown triple or CPU, or a target that is not 64-bit, is an Error. Vector math
// (libmvec, which glibc's -lm links) is used where the target is x86-64 Linux with AVX2.
Result<CodeTarget> resolveTarget(const std::string& triple, const std::string& cpu);

// Tags a generated function with the target CPU and its features, and asks for 512-bit vectors
// where AVX-512 exists (LLVM otherwise keeps to 256 bits even there).
void setTargetAttributes(llvm::Function& f, const CodeTarget& target);

// Gives the module the target's triple and data layout and runs the O3 pipeline on it, with the
// loop and SLP vectorizers and the target's cost model.
Status optimizeModule(llvm::Module& m, const CodeTarget& target = hostTarget());
// The optimized module as a relocatable object file for the target, position-independent (so
// it links into PIE programs), or as the target's assembly text.
Result<std::string> emitObject(llvm::Module& m, const CodeTarget& target, bool assembly = false);

// Machine code loaded into this process. It owns its LLJIT; the code is only read after
// loading, so any number of threads may call the functions that lookup returns.
// An absolute symbol the loaded code refers to (the constants' table).
struct JitSymbol {
  std::string name;
  const void* address;
};

class JitCode {
 public:
  // Links an object file of this host's code (emitObject's, or the cache's) into the process.
  static Result<std::unique_ptr<JitCode>> load(const std::string& object, std::span<const JitSymbol> symbols);
  ~JitCode();
  Result<void*> lookup(const std::string& name) const;

 private:
  struct Impl;
  explicit JitCode(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace graphc::llvmjit
