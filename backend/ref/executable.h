// The ref backend: an Executable that runs the graph on the reference interpreter.
#pragma once

#include "runtime/executable.h"

namespace graphc::ref {

Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions& options);
// Every op of the table, in every dtype the table allows; bf16 where the op takes it (casts,
// data movement, and the kBf16Operands ops computing in f32). Inline: the dnnl backend's reference fallback answers with it too.
inline bool isOpSupported(OpKind op, DType dtype) {
  return acceptsDType(opInfo(op), dtype) && (dtype != DType::bf16 || acceptsBf16(opInfo(op)));
}

}  // namespace graphc::ref
