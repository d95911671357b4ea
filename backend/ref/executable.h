// The ref backend: an Executable that runs the graph on the reference interpreter.
#pragma once

#include "runtime/executable.h"

namespace graphc::ref {

Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions& options);

}  // namespace graphc::ref
