// Importer of ONNX's ConvTranspose (2-D), as the IR's conv2d_grad_input: a transposed
// convolution is the gradient of a convolution with respect to its input, and ONNX's weight
// layout [C_in, C_out / group, kH, kW] is that forward convolution's [O, I / group, kH, kW].
// The output size, pads and output_padding follow ONNX's rules; output_shape and auto_pad
// resolve to pads here; an output_shape past the natural size is extra output padding.
#include <fmt/format.h>

#include <algorithm>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

Status convTransposeOp(ImportCtx& c) {
  const TensorType x = c.type(0), w = c.type(1);
  if (x.rank() != 4 || w.rank() != 4)
    return c.unsupported(fmt::format("ConvTranspose of {} with {} weights (only 2-D NCHW is supported)", x.str(), w.str()));
  if (!isFloat(x.dtype) || w.dtype != x.dtype) return c.unsupported(fmt::format("ConvTranspose of {} with {} weights", x.str(), w.str()));
  GRAPHC_ASSIGN(int64_t group, c.attrInt("group", 1));
  if (group < 1 || x.shape[1] != w.shape[0] || w.shape[0] % group != 0)
    return c.malformed(fmt::format("the input {} and weights {} do not fit group {}", x.str(), w.str(), group));
  GRAPHC_ASSIGN(std::vector<int64_t> kernel, c.attrInts("kernel_shape", {w.shape[2], w.shape[3]}));
  GRAPHC_ASSIGN(std::vector<int64_t> strides, c.attrInts("strides", {1, 1}));
  GRAPHC_ASSIGN(std::vector<int64_t> dilations, c.attrInts("dilations", {1, 1}));
  GRAPHC_ASSIGN(std::vector<int64_t> pads, c.attrInts("pads", {0, 0, 0, 0}));
  GRAPHC_ASSIGN(std::vector<int64_t> outputPadding, c.attrInts("output_padding", {0, 0}));
  GRAPHC_ASSIGN(std::vector<int64_t> outputShape, c.attrInts("output_shape", {}));
  GRAPHC_ASSIGN(std::string autoPad, c.attrStr("auto_pad", "NOTSET"));
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2 || pads.size() != 4 || outputPadding.size() != 2)
    return c.malformed("kernel_shape, strides, dilations and output_padding need 2 entries and pads 4");
  if (kernel != std::vector<int64_t>{w.shape[2], w.shape[3]})
    return c.malformed(fmt::format("kernel_shape [{}] disagrees with the weights {}", shapeStr(kernel), w.str()));
  if (outputShape.size() == 4) outputShape.erase(outputShape.begin(), outputShape.begin() + 2);  // N and C given too
  if (!outputShape.empty() && outputShape.size() != 2) return c.malformed("output_shape needs the 2 spatial sizes");
  for (int d = 0; d < 2; ++d) {
    if (strides[d] < 1 || dilations[d] < 1 || outputPadding[d] < 0 || outputPadding[d] >= std::max(strides[d], dilations[d]))
      return c.malformed("strides and dilations must be positive, and output_padding below the stride or dilation");
  }
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return c.malformed(fmt::format("auto_pad '{}' is none of NOTSET, VALID, SAME_UPPER and SAME_LOWER", autoPad));

  Shape out{x.shape[0], w.shape[1] * group, 0, 0};
  for (int d = 0; d < 2; ++d) {
    int64_t natural = strides[d] * (x.shape[2 + d] - 1) + outputPadding[d] + (kernel[d] - 1) * dilations[d] + 1;
    if (autoPad == "VALID") pads[d] = pads[d + 2] = 0;
    bool resolved = !outputShape.empty() || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
    if (!resolved) {
      out[2 + d] = natural - pads[d] - pads[d + 2];
      continue;
    }
    int64_t target = outputShape.empty() ? x.shape[2 + d] * strides[d] : outputShape[d];
    // Past the natural size, the extra positions come at the end, as more output padding: the
    // larger input_shape below carries them, with no pads.
    int64_t total = std::max<int64_t>(natural - target, 0);
    int64_t half = total / 2;
    pads[d] = autoPad == "SAME_UPPER" ? half : total - half;
    pads[d + 2] = total - pads[d];
    out[2 + d] = target;
  }
  for (int64_t s : out)
    if (s < 0) return c.malformed(fmt::format("the pads leave an output of negative size [{}]", shapeStr(out)));

  AttrMap a = attrs(std::pair{"strides", strides}, std::pair{"pads", pads}, std::pair{"dilations", dilations},
                    std::pair{"group", group}, std::pair{"input_shape", std::vector<int64_t>(out)});
  GRAPHC_ASSIGN(ValueId y, c.emit(OpKind::Conv2dGradInput, {c.in(0), c.in(1)}, std::move(a)));
  if (c.hasInput(2)) {
    if (c.type(2) != TensorType{x.dtype, {out[1]}}) return c.malformed(fmt::format("the bias is {}, not [{}]", c.type(2).str(), out[1]));
    GRAPHC_ASSIGN(ValueId bias, c.emit(OpKind::Reshape, {c.in(2)}, attrs(std::pair{"shape", Shape{1, out[1], 1, 1}})));
    GRAPHC_ASSIGN(y, c.emit(OpKind::Add, {y, bias}));
  }
  c.setOut(0, y);
  return ok();
}

}  // namespace

void registerConvTranspose(OpTable& t) { t["ConvTranspose"] = {convTransposeOp, 2, 3}; }

}  // namespace graphc::onnxfe
