// Tensor storage.
#include "ir/tensor.h"

#include <cstdlib>
#include <new>

namespace graphc {

static std::shared_ptr<std::byte[]> allocate(size_t bytes) {
  size_t size = (bytes + 63) / 64 * 64;
  if (size == 0) size = 64;
  void* p = std::aligned_alloc(64, size);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, size);
  return std::shared_ptr<std::byte[]>(static_cast<std::byte*>(p), [](std::byte* q) { std::free(q); });
}

Tensor::Tensor(TensorType type) : type_(std::move(type)), data_(allocate(type_.bytes())) {}

Tensor Tensor::scalar(DType dtype, double value) {
  Tensor t(TensorType{dtype, {}});
  t.set(0, value);
  return t;
}

// bf16 is the upper half of an f32; conversions round to nearest even.
static float bf16ToFloat(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

static uint16_t floatToBf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffff) > 0x7f800000) return uint16_t((bits >> 16) | 0x40);  // keep NaN a NaN
  return uint16_t((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
}

double Tensor::at(int64_t i) const {
  if (dtype() == DType::bf16) return bf16ToFloat(data<uint16_t>()[i]);
  return visitDType(dtype(), [&](auto* tag) -> double {
    using T = std::remove_pointer_t<decltype(tag)>;
    return (double)data<T>()[i];
  });
}

void Tensor::set(int64_t i, double v) {
  if (dtype() == DType::bf16) {
    data<uint16_t>()[i] = floatToBf16((float)v);
    return;
  }
  visitDType(dtype(), [&](auto* tag) {
    using T = std::remove_pointer_t<decltype(tag)>;
    data<T>()[i] = (T)v;
  });
}

Tensor Tensor::clone() const {
  Tensor t(type_);
  if (bytes()) std::memcpy(t.raw(), raw(), bytes());
  return t;
}

Tensor Tensor::reshaped(Shape shape) const {
  Tensor t = *this;
  t.type_.shape = std::move(shape);
  return t;
}

bool Tensor::bitEqual(const Tensor& other) const {
  return type_ == other.type_ && std::memcmp(raw(), other.raw(), bytes()) == 0;
}

}  // namespace graphc
