// What the dnnl backend can run, read off its lowering: the kernels' own dtype tables for
// elementwise ops, bytewise kernels for data movement, and the reference fallback (ir/eval) for
// the non-f32 dtypes of everything else.
#include "backend/dnnl/executable.h"
#include "backend/dnnl/kernels.h"

namespace graphc::dnnl {

bool isOpSupported(OpKind op, DType dtype) {
  const OpInfo& info = opInfo(op);
  // bf16 products: oneDNN's bf16 matmul and convolution where the CPU runs them natively.
  if (dtype == DType::bf16 && info.has(kBf16Operands)) return multipliesBf16Natively(op);
  if (!acceptsDType(info, dtype) || !acceptsStorageType(info, dtype)) return false;
  // Bytewise kernels (any element size), and cast between any two dtypes.
  if (info.has(kMovement) || op == OpKind::Where || op == OpKind::Cast || op == OpKind::OneHot || op == OpKind::SliceGrad)
    return true;
  // An f32 op with a primitive falls back to the same kernels when the primitive declines, so
  // the kernel tables answer for every dtype.
  if (info.has(kUnary)) return unaryKernel(op, dtype, 0, 0, 1, 0, 1) != nullptr;
  if (info.has(kBinary)) return binaryKernel(op, dtype, {1}, {1}, {1}, 0, 1, 2) != nullptr;
  // f32 on primitives and our kernels; any other dtype the table allows on ir/eval's evalNode
  // (lowerFallback).
  return true;
}

// Every product: matmul and dense on the bf16 matmul, conv2d and its two gradients on the bf16
// convolution primitives, dense_grad on both matmuls of its own kernel.
bool multipliesBf16Natively(OpKind op) { return nativeBf16() && opInfo(op).has(kBf16Operands); }

}  // namespace graphc::dnnl
