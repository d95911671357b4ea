// Element types and static tensor types (dtype + row-major shape).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace graphc {

// bf16 is a storage type: casts, data movement and the ops of ops.def marked kBf16Operands
// (matmul, dense, convolution and their gradients, which compute in f32) take it.
enum class DType : uint8_t { f32, f64, i32, i64, boolean, bf16 };

std::string_view dtypeName(DType t);  // "f32", "bool", ...
std::optional<DType> parseDType(std::string_view name);
size_t dtypeSize(DType t);
inline bool isFloat(DType t) { return t == DType::f32 || t == DType::f64 || t == DType::bf16; }
inline bool isInteger(DType t) { return t == DType::i32 || t == DType::i64; }
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
