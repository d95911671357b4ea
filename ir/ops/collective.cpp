// Collective ops (allreduce_start, allreduce_wait): shape inference and the shapes attribute.
#include "ir/ops/infer.h"

namespace graphc {

std::vector<int64_t> encodeShapes(std::span<const Shape> shapes) {
  std::vector<int64_t> out;
  for (const Shape& s : shapes) {
    out.push_back((int64_t)s.size());
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

Result<std::vector<Shape>> decodeShapes(std::span<const int64_t> encoded) {
  std::vector<Shape> shapes;
  for (size_t i = 0; i < encoded.size();) {
    int64_t rank = encoded[i++];
    if (rank < 0 || rank > (int64_t)(encoded.size() - i))
      return inferError("shapes: rank {} at position {} runs past the end of the list", rank, i - 1);
    Shape s(encoded.begin() + (ptrdiff_t)i, encoded.begin() + (ptrdiff_t)(i + rank));
    for (int64_t d : s)
      if (d < 0) return inferError("shapes: a dimension is negative ({})", d);
    shapes.push_back(std::move(s));
    i += (size_t)rank;
  }
  return shapes;
}

// The bucket is f32 only: the communicator averages float buffers (MPI_FLOAT).
Types inferAllreduceStart(const OpCtx& c) {
  if (c.i("bucket") < 0) return inferError("bucket must not be negative, got {}", c.i("bucket"));
  int64_t total = 0;
  for (size_t i = 0; i < c.operands.size(); ++i) {
    if (c.operands[i].dtype != DType::f32) return inferError("gradient #{} must be f32, got {}", i, c.operands[i].str());
    total += c.operands[i].numel();
  }
  return single(TensorType{DType::f32, {total}});
}

Types inferAllreduceWait(const OpCtx& c) {
  if (c.i("bucket") < 0) return inferError("bucket must not be negative, got {}", c.i("bucket"));
  const TensorType& buffer = c.operands[0];
  if (buffer.dtype != DType::f32 || buffer.rank() != 1) return inferError("the buffer must be f32 [n], got {}", buffer.str());
  GRAPHC_ASSIGN(std::vector<Shape> shapes, decodeShapes(c.ints("shapes")));
  if (shapes.empty()) return inferError("shapes must name at least one result");
  std::vector<TensorType> out;
  int64_t total = 0;
  for (Shape& s : shapes) {
    out.push_back(TensorType{DType::f32, std::move(s)});
    total += out.back().numel();
  }
  if (total != buffer.numel())
    return inferError("the shapes hold {} elements, but the buffer has {}", total, buffer.numel());
  return out;
}

}  // namespace graphc
