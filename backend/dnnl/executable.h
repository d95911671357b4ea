// The dnnl backend: oneDNN primitives (with fused post-ops and blocked layouts) for every op
// oneDNN covers, small OpenMP kernels of our own for the rest.
#pragma once

#include "runtime/executable.h"

namespace graphc::dnnl {

// Creates every primitive, reorders the weights once and plans the arena. Fails cleanly (an
// Error, never a crash) for anything it cannot run.
Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions& options);
// Whether prepare lowers op on operands of this dtype (capabilities.cpp).
bool isOpSupported(OpKind op, DType dtype);
bool multipliesBf16Natively(OpKind op);  // BackendInfo::multipliesBf16Natively

// For tests and debugging: what each step of a dnnl executable does, in run order (the names
// GRAPHC_DNNL_VERBOSE prints); empty for an executable of another backend.
std::vector<std::string> stepNames(const Executable& exe);

}  // namespace graphc::dnnl
