// pad and pad_grad: the index rule of each mode, shape inference and gradient rules.
#include <algorithm>

#include "ir/grad.h"
#include "ir/ops/infer.h"
#include "ir/pad.h"

namespace graphc {

std::optional<PadMode> parsePadMode(std::string_view name) {
  if (name == "constant") return PadMode::Constant;
  if (name == "reflect") return PadMode::Reflect;
  if (name == "edge") return PadMode::Edge;
  return std::nullopt;
}

// Reflect mirrors once: inference keeps its pads below dim (np.pad's wider reflections
// alternate sides in an order no other framework shares, and ONNX Runtime refuses them).
std::vector<int64_t> padSourceMap(PadMode mode, int64_t begin, int64_t dim, int64_t end) {
  std::vector<int64_t> map((size_t)(begin + dim + end));
  for (int64_t o = 0; o < (int64_t)map.size(); ++o) {
    int64_t i = o - begin;
    if (i >= 0 && i < dim) {
      map[o] = i;
    } else if (mode == PadMode::Constant) {
      map[o] = -1;
    } else if (mode == PadMode::Edge) {
      map[o] = i < 0 ? 0 : dim - 1;
    } else {
      map[o] = i < 0 ? -i : 2 * (dim - 1) - i;
    }
  }
  return map;
}

// Checks pads against a tensor of the given shape (the input of pad): 2 * rank non-negative
// entries, a known mode, a non-empty axis wherever edge has something to copy, and reflect
// pads narrower than their axis.
static constexpr int64_t kMaxPad = int64_t{1} << 61;

static Status checkPads(const OpCtx& c, const Shape& input) {
  const auto& pads = c.ints("pads");
  size_t rank = input.size();
  auto mode = parsePadMode(c.s("mode"));
  if (!mode) return inferError("mode '{}' is not constant, reflect or edge", c.s("mode"));
  if (pads.size() != 2 * rank) return inferError("pads [{}] must have 2 * rank = {} entries", shapeStr(pads), 2 * rank);
  for (size_t d = 0; d < rank; ++d) {
    if (pads[d] < 0 || pads[d + rank] < 0) return inferError("pads [{}] must not be negative", shapeStr(pads));
    // Below 2^61 each, the padded axis (at most 2^48 before) cannot overflow int64.
    if (pads[d] >= kMaxPad || pads[d + rank] >= kMaxPad) return inferError("pads [{}] are too large", shapeStr(pads));
    if (*mode == PadMode::Edge && input[d] == 0 && pads[d] + pads[d + rank] > 0)
      return inferError("edge padding of axis {} needs a non-empty axis", d);
    if (*mode == PadMode::Reflect && std::max(pads[d], pads[d + rank]) >= std::max<int64_t>(input[d], 1))
      return inferError("reflect pads [{}] must be smaller than axis {} ({})", shapeStr(pads), d, input[d]);
  }
  return ok();
}

Types inferPad(const OpCtx& c) {
  const TensorType& x = c.operands[0];
  GRAPHC_TRY(checkPads(c, x.shape));
  const auto& pads = c.ints("pads");
  Shape out = x.shape;
  for (size_t d = 0; d < out.size(); ++d) out[d] += pads[d] + pads[d + out.size()];
  return single({x.dtype, out});
}

Types inferPadGrad(const OpCtx& c) {
  const TensorType& dy = c.operands[0];
  if (dy.dtype == DType::boolean) return inferError("'pad_grad' does not take bool");
  const auto& pads = c.ints("pads");
  if (pads.size() != 2 * dy.shape.size())
    return inferError("pads [{}] must have 2 * rank = {} entries", shapeStr(pads), 2 * dy.shape.size());
  Shape x = dy.shape;
  for (size_t d = 0; d < x.size(); ++d) {
    x[d] -= pads[d] + pads[d + x.size()];
    if (x[d] < 0) return inferError("pads [{}] are wider than dy {}", shapeStr(pads), dy.str());
  }
  GRAPHC_TRY(checkPads(c, x));
  return single({dy.dtype, x});
}

// Constant mode: the input's elements sit in the middle of the output, so dx is a slice of dy.
// Reflect and edge copy some inputs several times; pad_grad sums those copies.
void gradPad(GradCtx& c) {
  const auto& pads = c.ints("pads");
  Shape xs = c.shape(c.x(0));
  if (c.s("mode") == "constant") {
    std::vector<int64_t> starts(pads.begin(), pads.begin() + (ptrdiff_t)xs.size()), ends(xs.size());
    for (size_t d = 0; d < xs.size(); ++d) ends[d] = starts[d] + xs[d];
    c.addGrad(0, c.op(OpKind::Slice, {c.dy()}, attrsOf({{"starts", starts}, {"ends", ends}})));
    return;
  }
  c.addGrad(0, c.op(OpKind::PadGrad, {c.dy()}, attrsOf({{"pads", pads}, {"mode", c.s("mode")}})));
}

// pad_grad is linear and pad is its adjoint (with a zero fill in constant mode).
void gradPadGrad(GradCtx& c) {
  c.addGrad(0, c.op(OpKind::Pad, {c.dy()}, attrsOf({{"pads", c.ints("pads")}, {"mode", c.s("mode")}})));
}

}  // namespace graphc
