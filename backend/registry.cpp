// The backend registry: one line per backend.
#include "backend/ref/executable.h"
#include "runtime/executable.h"
#include "backend/dnnl/executable.h"
#include "backend/llvm/executable.h"

namespace graphc {

static const BackendInfo kBackends[] = {
    {"ref", "the reference interpreter: plain loops, the ground truth", ref::prepare, ref::isOpSupported, false},
    {"dnnl", "oneDNN primitives with fused post-ops and blocked layouts, OpenMP kernels for the rest", dnnl::prepare,
     dnnl::isOpSupported, false},
    {"llvm", "loop nests JIT-compiled by LLVM for the host CPU, one arena, inference ops only so far", llvmjit::prepare,
     llvmjit::isOpSupported, false},
};

std::span<const BackendInfo> allBackends() { return kBackends; }

const BackendInfo* findBackend(std::string_view name) {
  for (const BackendInfo& b : kBackends)
    if (b.name == name) return &b;
  return nullptr;
}

}  // namespace graphc
