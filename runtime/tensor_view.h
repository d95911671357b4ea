// Non-owning views over caller memory: what a run reads its inputs from and writes its outputs
// to, in place. A view copies neither the data nor the shape (it spans the owner's dims).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include "ir/tensor.h"
#include "ir/types.h"

namespace graphc {

// The bytes of a dense row-major tensor of these dims (allocates nothing, unlike type().bytes()).
inline size_t viewBytes(DType dtype, std::span<const int64_t> shape) {
  size_t n = dtypeSize(dtype);
  for (int64_t d : shape) n *= (size_t)d;
  return n;
}

// Read-only memory of one tensor: dtype, dims (row-major, C order) and the first byte.
struct ConstTensorView {
  DType dtype = DType::f32;
  std::span<const int64_t> shape;
  const void* data = nullptr;

  bool hasType(const TensorType& t) const { return dtype == t.dtype && std::ranges::equal(shape, t.shape); }
  TensorType type() const { return {dtype, Shape(shape.begin(), shape.end())}; }
  size_t bytes() const { return viewBytes(dtype, shape); }
};

// Writable memory of one tensor (an output the run fills).
struct TensorView {
  DType dtype = DType::f32;
  std::span<const int64_t> shape;
  void* data = nullptr;

  bool hasType(const TensorType& t) const { return dtype == t.dtype && std::ranges::equal(shape, t.shape); }
  TensorType type() const { return {dtype, Shape(shape.begin(), shape.end())}; }
  size_t bytes() const { return viewBytes(dtype, shape); }
  operator ConstTensorView() const { return {dtype, shape, data}; }
};

// Views of a tensor's storage (and of a type's dims, with the caller's pointer); they live only
// as long as the tensor or type does.
inline ConstTensorView viewOf(const Tensor& t) { return {t.dtype(), t.shape(), t.raw()}; }
inline TensorView viewOf(Tensor& t) { return {t.dtype(), t.shape(), t.raw()}; }
inline ConstTensorView viewOf(const TensorType& t, const void* data) { return {t.dtype, t.shape, data}; }
inline TensorView viewOf(const TensorType& t, void* data) { return {t.dtype, t.shape, data}; }

}  // namespace graphc
