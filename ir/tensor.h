// Tensor: a typed, 64-byte aligned, shared buffer. Copies share storage; clone() copies data.
#pragma once

#include <cstring>
#include <memory>
#include <span>
#include <type_traits>
#include <vector>

#include "ir/diag.h"
#include "ir/types.h"

namespace graphc {

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(TensorType type);  // zero-filled
  // For a caller that writes every byte next: skips the zero fill (a pass over the memory).
  static Tensor uninitialized(TensorType type);
  static Tensor scalar(DType dtype, double value);
  // A Tensor over memory it does not own (a caller's buffer, seen through a view): the caller
  // keeps `data` alive, and at least type.bytes() long, for as long as any copy of the Tensor.
  static Tensor borrowed(TensorType type, void* data);
  template <class T>
  static Tensor fromVector(DType dtype, Shape shape, const std::vector<T>& values);

  const TensorType& type() const { return type_; }
  DType dtype() const { return type_.dtype; }
  const Shape& shape() const { return type_.shape; }
  int64_t numel() const { return type_.numel(); }
  size_t bytes() const { return type_.bytes(); }
  bool empty() const { return !data_; }

  void* raw() { return data_.get(); }
  const void* raw() const { return data_.get(); }
  template <class T> T* data() { return static_cast<T*>(raw()); }
  template <class T> const T* data() const { return static_cast<const T*>(raw()); }
  template <class T> std::span<T> span() { return {data<T>(), (size_t)numel()}; }
  template <class T> std::span<const T> span() const { return {data<T>(), (size_t)numel()}; }

  // Element i converted to/from double, whatever the dtype (slow; for tests, folding, printing).
  // Not for integer data that must stay exact (an i64 above 2^53 rounds): use intAt/setInt.
  // set() saturates a value outside an integer dtype's range, and stores NaN there as 0.
  double at(int64_t i) const;
  void set(int64_t i, double v);
  // Element i as an exact integer: i32, i64 and bool always; a float only when it holds a
  // whole number inside int64's range. Anything else is an error, never a rounded or wrapped value.
  Result<int64_t> intAt(int64_t i) const;
  // Every element through intAt (shape operands: Reshape's shape, Slice's bounds, axes, ...).
  Result<std::vector<int64_t>> ints() const;
  // Stores v exactly into an i64 element; into i32 when it fits (saturated otherwise, like
  // set), into bool as v != 0, and into a float element rounded to nearest.
  void setInt(int64_t i, int64_t v);

  Tensor clone() const;
  // Same bytes, new shape of equal element count.
  Tensor reshaped(Shape shape) const;
  bool bitEqual(const Tensor& other) const;
  // The transpose of a 2-D tensor, any dtype (weights stored as W^T by importers).
  Tensor transposed2d() const;

 private:
  TensorType type_;
  std::shared_ptr<std::byte[]> data_;
};

template <class T>
Tensor Tensor::fromVector(DType dtype, Shape shape, const std::vector<T>& values) {
  Tensor t(TensorType{dtype, std::move(shape)});
  for (size_t i = 0; i < values.size() && (int64_t)i < t.numel(); ++i) {
    static_assert(!std::is_integral_v<T> || std::is_signed_v<T> || sizeof(T) < 8, "a u64 may not fit int64");
    if constexpr (std::is_integral_v<T>) t.setInt((int64_t)i, (int64_t)values[i]);  // exact, not through double
    else t.set((int64_t)i, (double)values[i]);
  }
  return t;
}

// The f32 tensor of a bf16 one's values (exact: a bf16 is the high half of an f32).
Tensor widenBf16(const Tensor& t);

// Calls f with a null pointer of the C++ type of dtype: f((float*)nullptr) and so on, for the
// compute types only. The storage types (bf16, f16, i8, ...) reach only casts and data movement;
// callers handle them before visiting (Tensor::at/set and castElements do).
template <class F>
decltype(auto) visitDType(DType dtype, F&& f) {
  switch (dtype) {
    case DType::f64: return f((double*)nullptr);
    case DType::i32: return f((int32_t*)nullptr);
    case DType::i64: return f((int64_t*)nullptr);
    case DType::boolean: return f((bool*)nullptr);
    default: return f((float*)nullptr);
  }
}

}  // namespace graphc
