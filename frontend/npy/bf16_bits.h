// bf16 data given as uint16: NumPy has no bf16 type, so ONNX's numpy_helper (and ONNX's node
// tests) hold bf16 as its bits in a u16 array. Where a bf16 value is expected, such data of its
// shape is taken as those bits (graph inputs and --const alike; docs/dtypes.md).
#pragma once

#include <cstring>

#include "ir/tensor.h"

namespace graphc {

inline bool holdsBf16Bits(const Tensor& data, const TensorType& expected) {
  return expected.dtype == DType::bf16 && data.dtype() == DType::u16 && data.shape() == expected.shape;
}

// data as the bf16 value it holds the bits of, or data itself.
inline Tensor bf16FromBits(const Tensor& data, const TensorType& expected) {
  if (!holdsBf16Bits(data, expected)) return data;
  Tensor bits = Tensor::uninitialized(expected);
  std::memcpy(bits.raw(), data.raw(), data.bytes());
  return bits;
}

}  // namespace graphc
