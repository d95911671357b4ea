// Importer of ONNX's GatherElements, composed from IR ops as a one-hot select: with a new axis
// of data's extent beside `axis`, each index is compared with every position, the hit keeps its
// data element (where, not a product, so a NaN or infinity elsewhere never leaks in) and a sum
// over the new axis collapses it. It costs indices x extent elements, fine for the index
// tensors models carry (the loss ops' expansions, top-k and sort gathers).
#include <fmt/format.h>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

Status gatherElementsOp(ImportCtx& c) {
  const TensorType data = c.type(0), indices = c.type(1);
  if (!isFloat(data.dtype) && !isInteger(data.dtype)) return c.unsupported(fmt::format("GatherElements of {}", data.str()));
  if (!isInteger(indices.dtype)) return c.malformed(fmt::format("the indices are {}, not integers", indices.str()));
  const int64_t rank = data.rank();
  if (indices.rank() != rank || rank == 0)
    return c.malformed(fmt::format("the indices {} must have the rank of data {}, at least 1", indices.str(), data.str()));
  GRAPHC_ASSIGN(int64_t axisAttr, c.attrInt("axis", 0));
  std::optional<int64_t> axis = normalizeAxis(axisAttr, rank);
  if (!axis) return c.malformed(fmt::format("axis {} is out of range for {}", axisAttr, data.str()));
  const int64_t extent = data.shape[*axis];
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis && indices.shape[d] > data.shape[d])
      return c.malformed(fmt::format("the indices {} reach past data {} on axis {}", indices.str(), data.str(), d));
  if (extent == 0 && numElements(indices.shape) > 0)
    return c.malformed(fmt::format("axis {} of data {} is empty, so no index is valid", *axis, data.str()));

  // data cut to the indices' extent on the other axes, with a new axis of 1 before `axis`.
  ValueId source = c.in(0);
  if (Shape cut = indices.shape; cut[*axis] = extent, cut != data.shape) {
    std::vector<int64_t> zeros(rank, 0), ones(rank, 1), all(rank);
    for (int64_t d = 0; d < rank; ++d) all[d] = d;
    GRAPHC_ASSIGN(source, c.emit(OpKind::Slice, {source}, attrs(std::pair{"starts", zeros}, std::pair{"ends", std::vector<int64_t>(cut)},
                                                                std::pair{"axes", all}, std::pair{"steps", ones})));
  }
  Shape sourceShape = indices.shape;
  sourceShape[*axis] = extent;
  sourceShape.insert(sourceShape.begin() + *axis, 1);
  GRAPHC_ASSIGN(source, c.emit(OpKind::Reshape, {source}, attrs(std::pair{"shape", sourceShape})));

  // The indices, with a new axis of 1 after `axis`.
  GRAPHC_ASSIGN(ValueId index, indexFromEnd(c, c.in(1), extent));
  Shape indexShape = indices.shape;
  indexShape.insert(indexShape.begin() + *axis + 1, 1);
  GRAPHC_ASSIGN(index, c.emit(OpKind::Reshape, {index}, attrs(std::pair{"shape", indexShape})));

  GRAPHC_ASSIGN(ValueId positions, positionsAlong(c, rank + 1, *axis + 1, extent));
  GRAPHC_ASSIGN(ValueId hit, c.emit(OpKind::Equal, {index, positions}));
  GRAPHC_ASSIGN(ValueId picked, c.emit(OpKind::Where, {hit, source, scalarLike(c, data.dtype, 0)}));
  AttrMap collapse = attrs(std::pair{"axes", std::vector<int64_t>{*axis + 1}}, std::pair{"keepdims", int64_t{0}});
  GRAPHC_ASSIGN(ValueId y, c.emit(OpKind::ReduceSum, {picked}, std::move(collapse)));
  c.setOut(0, y);
  return ok();
}

}  // namespace

void registerSelect(OpTable& t) { t["GatherElements"] = {gatherElementsOp, 2, 2}; }

}  // namespace graphc::onnxfe
