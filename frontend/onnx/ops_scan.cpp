// Importer of ONNX's CumSum, composed from IR ops as a log-step prefix sum (Hillis and Steele):
// step k adds the running sums shifted by 2^k along the axis, zeros shifted in. It needs
// ceil(log2 n) steps of slice + pad + add and, unlike a product with a triangular matrix, never
// multiplies an infinity by 0: an infinity or NaN reaches only the positions after it, as in NumPy.
#include <fmt/format.h>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

// x shifted by `by` positions along axis, toward higher indices (or lower, when `down`), with
// zeros coming in: a slice of what stays and a pad on the side the values leave from.
Result<ValueId> shifted(ImportCtx& c, ValueId x, const Shape& shape, int64_t axis, int64_t by, bool down) {
  int64_t n = shape[axis], rank = (int64_t)shape.size();
  AttrMap slice = attrs(std::pair{"starts", std::vector<int64_t>{down ? by : 0}},
                        std::pair{"ends", std::vector<int64_t>{down ? n : n - by}},
                        std::pair{"axes", std::vector<int64_t>{axis}}, std::pair{"steps", std::vector<int64_t>{1}});
  GRAPHC_ASSIGN(ValueId kept, c.emit(OpKind::Slice, {x}, std::move(slice)));
  std::vector<int64_t> pads(2 * rank, 0);
  pads[down ? rank + axis : axis] = by;
  return c.emit(OpKind::Pad, {kept}, attrs(std::pair{"pads", pads}));
}

Status cumSumOp(ImportCtx& c) {
  const TensorType x = c.type(0);
  if (x.dtype == DType::boolean || x.dtype == DType::bf16) return c.unsupported(fmt::format("CumSum of {}", x.str()));
  const Tensor* axisIn = c.constIn(1, true);
  if (!axisIn) return c.unsupported(fmt::format("CumSum axis (input '{}') is not a constant", c.node().inputs[1]));
  if (axisIn->numel() != 1) return c.malformed(fmt::format("axis must hold one value, got {}", axisIn->type().str()));
  GRAPHC_ASSIGN(int64_t axisValue, axisIn->intAt(0));
  std::optional<int64_t> axis = normalizeAxis(axisValue, x.rank());
  if (!axis) return c.malformed(fmt::format("axis {} is out of range for {}", axisValue, x.str()));
  GRAPHC_ASSIGN(int64_t exclusive, c.attrInt("exclusive", 0));
  GRAPHC_ASSIGN(int64_t reverse, c.attrInt("reverse", 0));
  const int64_t n = x.shape[*axis];
  ValueId sum = c.in(0);
  if (exclusive && n > 0) {  // each position sums what comes strictly before it: x shifted by one
    GRAPHC_ASSIGN(sum, shifted(c, sum, x.shape, *axis, 1, reverse != 0));
  }
  for (int64_t by = 1; by < n; by *= 2) {
    GRAPHC_ASSIGN(ValueId earlier, shifted(c, sum, x.shape, *axis, by, reverse != 0));
    GRAPHC_ASSIGN(sum, c.emit(OpKind::Add, {sum, earlier}));
  }
  c.setOut(0, sum);
  return ok();
}

}  // namespace

void registerScan(OpTable& t) { t["CumSum"] = {cumSumOp, 2, 2}; }

}  // namespace graphc::onnxfe
