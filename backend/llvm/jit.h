// The JIT core: the host target, the O3 pipeline, and one ORC LLJIT per compiled model.
#pragma once

#include <memory>
#include <string>

#include "ir/diag.h"

namespace llvm {
class Function;
class LLVMContext;
class Module;
}  // namespace llvm

namespace graphc::llvmjit {

// The CPU code is generated for: the host's name and features, detected once.
struct HostTarget {
  std::string triple, cpu, features;  // features: "+avx2,+fma,-avx512f,..."
  bool avx512 = false;
  bool vectorMath = false;     // glibc's libmvec is loaded: exp, log and pow loops vectorize
  bool vectorMathErf = false;  // and it has erf, tanh and expm1 (glibc >= 2.35)
};
const HostTarget& hostTarget();

// Tags a generated function with the host CPU and its features, and asks for 512-bit vectors
// where AVX-512 exists (LLVM otherwise keeps to 256 bits even there).
void setTargetAttributes(llvm::Function& f);

// Gives the module the host's triple and data layout and runs the O3 pipeline on it, with the
// loop and SLP vectorizers and the target's cost model.
Status optimizeModule(llvm::Module& m);

// Machine code loaded into this process. It owns its LLJIT; the code is only read after
// loading, so any number of threads may call the functions that lookup returns.
class JitCode {
 public:
  static Result<std::unique_ptr<JitCode>> load(std::unique_ptr<llvm::LLVMContext> context,
                                               std::unique_ptr<llvm::Module> module);
  ~JitCode();
  Result<void*> lookup(const std::string& name) const;

 private:
  struct Impl;
  explicit JitCode(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace graphc::llvmjit
