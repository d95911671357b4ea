// The ref backend: an Executable that runs the graph on the reference interpreter.
#pragma once

#include "runtime/executable.h"

namespace graphc::ref {

Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions& options);
// Every op of the table, in every dtype the table allows; the storage types where the op takes
// them (casts, data movement, and for bf16 the kBf16Operands ops computing in f32). Inline: the
// dnnl backend's reference fallback answers with it too.
inline bool isOpSupported(OpKind op, DType dtype) {
  return acceptsDType(opInfo(op), dtype) && acceptsStorageType(opInfo(op), dtype);
}

}  // namespace graphc::ref
