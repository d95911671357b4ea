// Ahead-of-time bundles (an object file and a C header) from the backends that write them
// (BackendInfo::emitsArtefacts): what graphc compile --emit bundle asks for.
#pragma once

#include <string>

#include "backend/llvm/executable.h"

namespace graphc {

using llvmjit::BundleFiles;
using llvmjit::BundleForm;

// The bundle of g for options.backend (llvmjit::emitBundle says what it holds); a backend that
// writes no bundles is an Error naming it.
Result<BundleFiles> emitBundle(const Graph& g, const CompileOptions& options, const std::string& name,
                               BundleForm form = BundleForm::Object);

}  // namespace graphc
