// The ref backend: an Executable that runs the graph on the reference interpreter.
#pragma once

#include "runtime/executable.h"

namespace graphc::ref {

Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions& options);
// Every op of the table, in every dtype the table allows; bf16 is reserved (no op computes in
// it). Inline: the dnnl backend's reference fallback answers with it too.
inline bool isOpSupported(OpKind op, DType dtype) { return dtype != DType::bf16 && acceptsDType(opInfo(op), dtype); }

}  // namespace graphc::ref
