// castElements: graphc's cast between any two dtypes, storage types included.
#include "ir/convert.h"

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

}  // namespace

void castElements(DType from, const void* src, DType to, void* dst, int64_t n) {
  visitStored(from, [&](auto* fromTag) {
    using S = std::remove_pointer_t<decltype(fromTag)>;
    visitStored(to, [&](auto* toTag) {
      using D = std::remove_pointer_t<decltype(toTag)>;
      for (int64_t i = 0; i < n; ++i) storeElement<D>(dst, i, loadElement<S>(src, i));
    });
  });
}

}  // namespace graphc
