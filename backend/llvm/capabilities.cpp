// Which ops and dtypes the llvm backend lowers: the code generator's checks, as a table that
// needs no LLVM (the registry and the test suites ask it).
#include "backend/llvm/executable.h"

namespace graphc::llvmjit {

bool isOpSupported(OpKind op, DType dtype) {
  const OpInfo& info = opInfo(op);
  if (dtype == DType::bf16 || !acceptsDType(info, dtype)) return false;
  bool isF = dtype == DType::f32 || dtype == DType::f64;
  switch (op) {
    case OpKind::Equal: case OpKind::Less: case OpKind::Greater: case OpKind::Where: case OpKind::Cast:
      return true;
    case OpKind::Softmax: case OpKind::LogSoftmax:
      return isF;
    case OpKind::ReduceSum: case OpKind::ReduceMax:
      return dtype != DType::boolean;
    case OpKind::ReduceMean: case OpKind::LayerNorm: case OpKind::BatchNorm: case OpKind::MatMul: case OpKind::Dense:
      return isF;
    default:
      // The other elementwise ops on numbers (float-only ones were checked above); every
      // movement op but pad, bytewise. Pad, convolutions, pools and training ops are not lowered yet.
      if (info.has(kElementwise)) return dtype != DType::boolean;
      return info.has(kMovement) && op != OpKind::Pad;
  }
}

}  // namespace graphc::llvmjit
