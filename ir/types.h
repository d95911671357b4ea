// Element types and static tensor types (dtype + row-major shape).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace graphc {

// bf16, f16, i8, u8, i16 and u16 are storage types (docs/dtypes.md): casts and data movement
// take them, and for bf16 the ops of ops.def marked kBf16Operands (matmul, dense, convolution
// and their gradients, which compute in f32); every other op computes in computeType's type.
// New values go at the end: the C API's graphc_dtype numbers them in this order.
enum class DType : uint8_t { f32, f64, i32, i64, boolean, bf16, f16, i8, u8, i16, u16 };
inline constexpr DType kAllDTypes[] = {DType::f32, DType::f64,  DType::i32, DType::i64, DType::boolean, DType::bf16,
                                       DType::f16, DType::i8,   DType::u8,  DType::i16, DType::u16};

std::string_view dtypeName(DType t);  // "f32", "bool", ...
std::optional<DType> parseDType(std::string_view name);
size_t dtypeSize(DType t);
inline bool isFloat(DType t) { return t == DType::f32 || t == DType::f64 || t == DType::bf16 || t == DType::f16; }
// The integer types ops compute in (indices, counts, integer arithmetic): i32 and i64.
inline bool isInteger(DType t) { return t == DType::i32 || t == DType::i64; }
// The narrow integer storage types.
inline bool isSmallInt(DType t) { return t == DType::i8 || t == DType::u8 || t == DType::i16 || t == DType::u16; }
inline bool isUnsigned(DType t) { return t == DType::u8 || t == DType::u16 || t == DType::boolean; }
// Held in memory only: casts and data movement read and write it, other ops refuse it.
inline bool isStorageType(DType t) { return t == DType::bf16 || t == DType::f16 || isSmallInt(t); }
// The type a storage type's values are computed in: f32 for bf16 and f16 (exact), i32 for the
// small integers (exact); any other type is its own.
inline DType computeType(DType t) {
  return t == DType::bf16 || t == DType::f16 ? DType::f32 : isSmallInt(t) ? DType::i32 : t;
}
// The type a kernel computes and accumulates in: f32 for bf16 operands, else the operands' own.
inline DType accumulationType(DType t) { return t == DType::bf16 ? DType::f32 : t; }

using Shape = std::vector<int64_t>;

int64_t numElements(const Shape& s);
std::string shapeStr(const Shape& s);   // "2x3", "" for a scalar
Shape stridesOf(const Shape& s);        // row-major element strides

struct TensorType {
  DType dtype = DType::f32;
  Shape shape;

  int64_t rank() const { return (int64_t)shape.size(); }
  int64_t numel() const { return numElements(shape); }
  size_t bytes() const { return (size_t)numel() * dtypeSize(dtype); }
  bool operator==(const TensorType&) const = default;
  std::string str() const;  // "f32[2,3]"
};

// NumPy broadcasting of two shapes; nullopt when they do not broadcast.
std::optional<Shape> broadcastShapes(const Shape& a, const Shape& b);

// Normalizes a possibly negative axis into [0, rank); nullopt when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

}  // namespace graphc
