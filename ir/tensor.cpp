// Tensor storage.
#include "ir/tensor.h"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace graphc {

static std::shared_ptr<std::byte[]> allocate(size_t bytes, bool zero = true) {
  size_t size = (bytes + 63) / 64 * 64;
  if (size == 0) size = 64;
  void* p = std::aligned_alloc(64, size);
  if (!p) throw std::bad_alloc();
  if (zero) std::memset(p, 0, size);
  else if (size > bytes) std::memset(static_cast<char*>(p) + bytes, 0, size - bytes);  // the tail padding
  return std::shared_ptr<std::byte[]>(static_cast<std::byte*>(p), [](std::byte* q) { std::free(q); });
}

Tensor::Tensor(TensorType type) : type_(std::move(type)), data_(allocate(type_.bytes())) {}

Tensor Tensor::uninitialized(TensorType type) {
  Tensor t;
  t.type_ = std::move(type);
  t.data_ = allocate(t.type_.bytes(), false);
  return t;
}

Tensor Tensor::borrowed(TensorType type, void* data) {
  Tensor t;
  t.type_ = std::move(type);
  // The aliasing constructor with an empty owner: a pointer that frees nothing.
  t.data_ = std::shared_ptr<std::byte[]>(std::shared_ptr<std::byte[]>(), static_cast<std::byte*>(data));
  return t;
}

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
  Tensor t = uninitialized(type_);
  if (bytes()) std::memcpy(t.raw(), raw(), bytes());
  return t;
}

Tensor Tensor::reshaped(Shape shape) const {
  Tensor t = *this;
  t.type_.shape = std::move(shape);
  return t;
}

// Tiled so that both the reads and the strided writes stay in cache (weights are MBs). The
// inner loop writes one output row (contiguous) and reads down a column; 16x16 tiles keep the
// 16 input rows a tile reads in L1 even when the row pitch is a power of two (512 floats),
// where 32-row tiles hit the same few cache sets: 0.13 ms for 512x512 f32 against 0.70 ms.
template <class Word>
static void transposeWords(const Word* in, Word* out, int64_t rows, int64_t cols) {
  constexpr int64_t kTile = 16;
  for (int64_t c0 = 0; c0 < cols; c0 += kTile)
    for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
      int64_t rEnd = std::min(rows, r0 + kTile), cEnd = std::min(cols, c0 + kTile);
      for (int64_t c = c0; c < cEnd; ++c)
        for (int64_t r = r0; r < rEnd; ++r) out[c * rows + r] = in[r * cols + c];
    }
}

Tensor Tensor::transposed2d() const {
  int64_t rows = shape().at(0), cols = shape().at(1);
  Tensor t = uninitialized(TensorType{dtype(), {cols, rows}});
  switch (dtypeSize(dtype())) {
    case 1: transposeWords(data<uint8_t>(), t.data<uint8_t>(), rows, cols); break;
    case 2: transposeWords(data<uint16_t>(), t.data<uint16_t>(), rows, cols); break;
    case 4: transposeWords(data<uint32_t>(), t.data<uint32_t>(), rows, cols); break;
    default: transposeWords(data<uint64_t>(), t.data<uint64_t>(), rows, cols); break;
  }
  return t;
}

bool Tensor::bitEqual(const Tensor& other) const {
  return type_ == other.type_ && std::memcmp(raw(), other.raw(), bytes()) == 0;
}

}  // namespace graphc
