// Shape-inference functions named in ops.def, one family per file in ir/ops/.
#pragma once

#include <fmt/format.h>

#include "ir/op.h"

namespace graphc {

using Types = Result<std::vector<TensorType>>;

#define OP(Id, name, minOps, maxOps, traits, attrs, infer) Types infer(const OpCtx&);
#include "ir/ops.def"
#undef OP

// Formats an inference error; the verifier adds which node it is.
template <class... Args>
Error inferError(fmt::format_string<Args...> f, Args&&... args) {
  return Error(ErrorCode::Shape, fmt::format(f, std::forward<Args>(args)...));
}

inline Types single(TensorType t) { return std::vector<TensorType>{std::move(t)}; }

}  // namespace graphc
