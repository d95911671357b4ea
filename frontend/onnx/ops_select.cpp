// Importers of ONNX's GatherElements, TopK and NonZero (of a constant). GatherElements is composed from IR ops as a
// one-hot select: with a new axis of data's extent beside `axis`, each index is compared with
// every position, the hit keeps its data element (where, not a product, so a NaN or infinity
// elsewhere never leaks in) and a sum over the new axis collapses it. It costs indices x extent
// elements, fine for the index tensors models carry (the loss ops' expansions, top-k and sort
// gathers). TopK is the IR's top_k, which gives the indices, and that gather for the values:
// so gradients reach x through the select.
#include <fmt/format.h>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

// data's element at index[..., j, ...] along axis, for each position of index (i64, within
// [0, extent), of data's rank and no larger than data on the other axes).
Result<ValueId> gatherAlong(ImportCtx& c, ValueId data, const TensorType& dataType, ValueId index, const Shape& indexShape, int64_t axis) {
  const int64_t rank = dataType.rank(), extent = dataType.shape[axis];
  // data cut to the indices' extent on the other axes, with a new axis of 1 before `axis`.
  ValueId source = data;
  if (Shape cut = indexShape; cut[axis] = extent, cut != dataType.shape) {
    std::vector<int64_t> zeros(rank, 0), ones(rank, 1), all(rank);
    for (int64_t d = 0; d < rank; ++d) all[d] = d;
    GRAPHC_ASSIGN(source, c.emit(OpKind::Slice, {source}, attrs(std::pair{"starts", zeros}, std::pair{"ends", std::vector<int64_t>(cut)},
                                                                std::pair{"axes", all}, std::pair{"steps", ones})));
  }
  Shape sourceShape = indexShape;
  sourceShape[axis] = extent;
  sourceShape.insert(sourceShape.begin() + axis, 1);
  GRAPHC_ASSIGN(source, reshaped(c, source, sourceShape));

  // The indices, with a new axis of 1 after `axis`.
  Shape expanded = indexShape;
  expanded.insert(expanded.begin() + axis + 1, 1);
  GRAPHC_ASSIGN(index, reshaped(c, index, expanded));

  GRAPHC_ASSIGN(ValueId positions, positionsAlong(c, rank + 1, axis + 1, extent));
  GRAPHC_ASSIGN(ValueId hit, c.emit(OpKind::Equal, {index, positions}));
  GRAPHC_ASSIGN(ValueId picked, c.emit(OpKind::Where, {hit, source, scalarLike(c, dataType.dtype, 0)}));
  AttrMap collapse = attrs(std::pair{"axes", std::vector<int64_t>{axis + 1}}, std::pair{"keepdims", int64_t{0}});
  return c.emit(OpKind::ReduceSum, {picked}, std::move(collapse));
}

Result<int64_t> axisFor(ImportCtx& c, const TensorType& data, int64_t def) {
  GRAPHC_ASSIGN(int64_t axisAttr, c.attrInt("axis", def));
  std::optional<int64_t> axis = normalizeAxis(axisAttr, data.rank());
  if (!axis) return c.malformed(fmt::format("axis {} is out of range for {}", axisAttr, data.str()));
  return *axis;
}

Status gatherElementsOp(ImportCtx& c) {
  const TensorType data = c.type(0), indices = c.type(1);
  if (!isFloat(data.dtype) && !isInteger(data.dtype)) return c.unsupported(fmt::format("GatherElements of {}", data.str()));
  if (!isInteger(indices.dtype)) return c.malformed(fmt::format("the indices are {}, not integers", indices.str()));
  const int64_t rank = data.rank();
  if (indices.rank() != rank || rank == 0)
    return c.malformed(fmt::format("the indices {} must have the rank of data {}, at least 1", indices.str(), data.str()));
  GRAPHC_ASSIGN(int64_t axis, axisFor(c, data, 0));
  const int64_t extent = data.shape[axis];
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && indices.shape[d] > data.shape[d])
      return c.malformed(fmt::format("the indices {} reach past data {} on axis {}", indices.str(), data.str(), d));
  if (extent == 0 && numElements(indices.shape) > 0)
    return c.malformed(fmt::format("axis {} of data {} is empty, so no index is valid", axis, data.str()));
  GRAPHC_ASSIGN(ValueId index, indexFromEnd(c, c.in(1), extent));
  GRAPHC_ASSIGN(ValueId y, gatherAlong(c, c.in(0), data, index, indices.shape, axis));
  c.setOut(0, y);
  return ok();
}

// TopK (opset 10+: k is an input; ONNX's version converter brings opset 1's attribute there).
// `sorted` = 0 lets a runtime return any order; graphc always returns the sorted one.
Status topKOp(ImportCtx& c) {
  const TensorType x = c.type(0);
  if (!isFloat(x.dtype) && !isInteger(x.dtype)) return c.unsupported(fmt::format("TopK of {}", x.str()));
  if (x.rank() == 0) return c.malformed(fmt::format("TopK of a scalar {}", x.str()));
  GRAPHC_ASSIGN(int64_t axis, axisFor(c, x, -1));
  GRAPHC_ASSIGN(std::vector<int64_t> ks, c.intsIn(1, "k"));
  if (ks.size() != 1) return c.malformed(fmt::format("k must hold one value, got {}", ks.size()));
  int64_t k = ks[0];
  if (k < 0 || k > x.shape[axis])
    return c.malformed(fmt::format("k = {} is outside [0, {}], the extent of axis {} of {}", k, x.shape[axis], axis, x.str()));
  GRAPHC_ASSIGN(int64_t largest, c.attrInt("largest", 1));
  GRAPHC_ASSIGN(int64_t sorted, c.attrInt("sorted", 1));
  if ((largest != 0 && largest != 1) || (sorted != 0 && sorted != 1))
    return c.malformed(fmt::format("largest and sorted must be 0 or 1, got {} and {}", largest, sorted));
  GRAPHC_ASSIGN(ValueId index, c.emit(OpKind::TopK, {c.in(0)}, attrs(std::pair{"k", k}, std::pair{"axis", axis}, std::pair{"largest", largest})));
  Shape indexShape = x.shape;
  indexShape[axis] = k;
  if (c.outputUsed(0)) {
    GRAPHC_ASSIGN(ValueId values, gatherAlong(c, c.in(0), x, index, indexShape, axis));
    c.setOut(0, values);
  }
  c.setOut(1, index);
  return ok();
}

// NonZero's result has as many columns as x has nonzero elements, so a static graph knows its
// shape only when x is known: a constant (an initializer that is not trained, or an input bound
// with --const) is evaluated here; any other x is refused, saying how to bind it.
Status nonZeroOp(ImportCtx& c) {
  const Tensor* x = c.constIn(0);
  if (!x)
    return c.unsupported(fmt::format("NonZero's output size depends on its input's values, and the input (input '{}') is not a constant",
                                     c.node().inputs[0]));
  const Shape& shape = x->shape();
  std::vector<int64_t> hits;
  for (int64_t i = 0; i < x->numel(); ++i)
    if (x->at(i) != 0) hits.push_back(i);  // NaN != 0: nonzero, as in NumPy
  const int64_t rank = (int64_t)shape.size(), count = (int64_t)hits.size();
  Tensor y(TensorType{DType::i64, {rank, count}});
  int64_t* out = y.data<int64_t>();
  for (int64_t j = 0; j < count; ++j)
    for (int64_t d = rank - 1, rest = hits[j]; d >= 0; --d) {  // row-major coordinates
      out[d * count + j] = shape[d] ? rest % shape[d] : 0;
      rest = shape[d] ? rest / shape[d] : 0;
    }
  c.setOut(0, c.constant(std::move(y), c.outName()));
  return ok();
}

}  // namespace

void registerSelect(OpTable& t) {
  t["GatherElements"] = {gatherElementsOp, 2, 2};
  t["TopK"] = {topKOp, 2, 2};
  t["NonZero"] = {nonZeroOp, 1, 1};
}

}  // namespace graphc::onnxfe
