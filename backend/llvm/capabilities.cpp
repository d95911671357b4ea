// Which ops and dtypes the llvm backend lowers: the code generator's checks, as a table that
// needs no LLVM (the registry and the test suites ask it).
#include "backend/llvm/executable.h"
#include "runtime/cpu_features.h"

namespace graphc::llvmjit {

bool isOpSupported(OpKind op, DType dtype) {
  const OpInfo& info = opInfo(op);
  if (!acceptsDType(info, dtype)) return false;
  // Storage types: loaded widened to f32 or i32 and stored narrowed (Emitter::load, store).
  if (isStorageType(dtype)) return acceptsStorageType(info, dtype);
  bool isF = dtype == DType::f32 || dtype == DType::f64;
  switch (op) {
    case OpKind::Equal: case OpKind::Less: case OpKind::Greater: case OpKind::Where: case OpKind::Cast:
      return true;
    case OpKind::Softmax: case OpKind::LogSoftmax:
      return isF;
    case OpKind::ReduceSum: case OpKind::ReduceMax: case OpKind::ReduceProd:
      return dtype != DType::boolean;
    case OpKind::ReduceMean: case OpKind::LayerNorm: case OpKind::BatchNorm: case OpKind::MatMul: case OpKind::Dense:
    case OpKind::DenseGrad: case OpKind::ReluGrad: case OpKind::LayerNormGrad: case OpKind::SoftmaxCrossEntropy:
    case OpKind::SgdUpdate: case OpKind::MomentumUpdate: case OpKind::AdamUpdate:
    case OpKind::Conv2d: case OpKind::Conv2dGradInput: case OpKind::Conv2dGradWeight: case OpKind::MaxPool2d:
    case OpKind::AvgPool2d: case OpKind::GlobalAvgPool: case OpKind::MaxPool2dGrad: case OpKind::AvgPool2dGrad:
      return isF;
    case OpKind::OneHot: case OpKind::SliceGrad:
      return true;
    case OpKind::TopK:
      return dtype != DType::boolean;
    case OpKind::AllreduceStart: case OpKind::AllreduceWait:  // the communicator averages f32
      return dtype == DType::f32;
    case OpKind::GatherGrad: case OpKind::PadGrad:
      return dtype != DType::boolean;
    default:
      // The other elementwise ops on numbers (float-only ones were checked above); every
      // movement op, bytewise.
      if (info.has(kElementwise)) return dtype != DType::boolean;
      return info.has(kMovement);
  }
}

// The GEMM kernel's vdpbf16ps path (codegen_linalg.cpp): matmul, dense, and dense_grad, which
// expand_dense_grad turns into matmuls. Convolutions widen bf16 to f32 in their FMA kernel.
bool multipliesBf16Natively(OpKind op) {
  return hostHasAvx512Bf16() && (op == OpKind::MatMul || op == OpKind::Dense || op == OpKind::DenseGrad);
}

}  // namespace graphc::llvmjit
