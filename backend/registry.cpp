// The backend registry: one line per backend, and the bundles of those that write them.
#include <fmt/format.h>

#include "backend/bundle.h"
#include "backend/ref/executable.h"
#include "runtime/executable.h"
#include "backend/dnnl/executable.h"
#include "backend/llvm/executable.h"

namespace graphc {

// llvm runs each group of elementwise ops as one loop nest; the others run node by node.
static constexpr std::string_view kLlvmPasses[] = {"expand_dense_grad", "fuse_elementwise"};

static const BackendInfo kBackends[] = {
    {"ref", "the reference interpreter: plain loops, the ground truth", ref::prepare, ref::isOpSupported,
     [](OpKind) { return false; }, false},
    {"dnnl", "oneDNN primitives with fused post-ops and blocked layouts, OpenMP kernels for the rest", dnnl::prepare,
     dnnl::isOpSupported, dnnl::multipliesBf16Natively, false},
    {"llvm", "loop nests JIT-compiled by LLVM for the host CPU, one arena, inference and training steps", llvmjit::prepare,
     llvmjit::isOpSupported, llvmjit::multipliesBf16Natively, true, kLlvmPasses},
};

std::span<const BackendInfo> allBackends() { return kBackends; }

const BackendInfo* findBackend(std::string_view name) {
  for (const BackendInfo& b : kBackends)
    if (b.name == name) return &b;
  return nullptr;
}

Result<BundleFiles> emitBundle(const Graph& g, const CompileOptions& options, const std::string& name, BundleForm form) {
  const BackendInfo* backend = findBackend(options.backend);
  if (!backend) return Error(ErrorCode::InvalidArgument, fmt::format("unknown backend '{}'", options.backend));
  if (!backend->emitsArtefacts)
    return Error(ErrorCode::Unsupported,
                 fmt::format("--emit {}: the {} backend runs only inside this process; generated code comes from --backend llvm",
                             form == BundleForm::Object ? "bundle" : form == BundleForm::LlvmIR ? "llvm" : "asm", backend->name));
  return llvmjit::emitBundle(g, options, name, form);  // the one backend that writes them
}

}  // namespace graphc
