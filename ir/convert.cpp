// castElements: graphc's cast between any two dtypes, storage types included.
#include "ir/convert.h"

#include "ir/clones.h"

namespace graphc {
namespace {

struct F16Bits {};   // tags: 2-byte floats, read as f32
struct Bf16Bits {};

template <class F>
void visitStored(DType t, F&& f) {
  switch (t) {
    case DType::f32: return f((float*)nullptr);
    case DType::f64: return f((double*)nullptr);
    case DType::i32: return f((int32_t*)nullptr);
    case DType::i64: return f((int64_t*)nullptr);
    case DType::boolean: return f((bool*)nullptr);
    case DType::bf16: return f((Bf16Bits*)nullptr);
    case DType::f16: return f((F16Bits*)nullptr);
    case DType::i8: return f((int8_t*)nullptr);
    case DType::u8: return f((uint8_t*)nullptr);
    case DType::i16: return f((int16_t*)nullptr);
    case DType::u16: return f((uint16_t*)nullptr);
  }
}

template <class S>
auto loadElement(const void* p, int64_t i) {
  if constexpr (std::is_same_v<S, F16Bits>) return floatFromF16(static_cast<const uint16_t*>(p)[i]);
  else if constexpr (std::is_same_v<S, Bf16Bits>) return floatFromBf16(static_cast<const uint16_t*>(p)[i]);
  else return static_cast<const S*>(p)[i];
}

template <class D, class V>
void storeElement(void* p, int64_t i, V v) {
  if constexpr (std::is_same_v<D, F16Bits>) {
    // From f64 without double rounding; integers above 2^24 are past f16's range either way.
    static_cast<uint16_t*>(p)[i] = std::is_same_v<V, float> ? f16FromFloat((float)v) : f16FromDouble((double)v);
  } else if constexpr (std::is_same_v<D, Bf16Bits>) {
    static_cast<uint16_t*>(p)[i] = bf16FromFloat((float)v);
  } else {
    static_cast<D*>(p)[i] = convertElement<D>(v);
  }
}

// f32 <-> bf16, the casts of --precision bf16 (an input or an activation per product): the
// loops of bf16FromFloat and floatFromBf16, cloned per ISA (ir/clones.h) so that they run on
// 512-bit vectors where the CPU has them (the baseline build has SSE2's 128 bits only).
GRAPHC_CLONES void roundFloatsToBf16(const float* x, uint16_t* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = bf16FromFloat(x[i]);
}
GRAPHC_CLONES void widenBf16s(const uint16_t* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = floatFromBf16(x[i]);
}

}  // namespace

void castElements(DType from, const void* src, DType to, void* dst, int64_t n) {
  if (from == DType::f32 && to == DType::bf16) return roundFloatsToBf16(static_cast<const float*>(src), static_cast<uint16_t*>(dst), n);
  if (from == DType::bf16 && to == DType::f32) return widenBf16s(static_cast<const uint16_t*>(src), static_cast<float*>(dst), n);
  visitStored(from, [&](auto* fromTag) {
    using S = std::remove_pointer_t<decltype(fromTag)>;
    visitStored(to, [&](auto* toTag) {
      using D = std::remove_pointer_t<decltype(toTag)>;
      for (int64_t i = 0; i < n; ++i) storeElement<D>(dst, i, loadElement<S>(src, i));
    });
  });
}

}  // namespace graphc
