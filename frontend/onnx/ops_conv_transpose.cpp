// Importer of ONNX's ConvTranspose (1-D as 2-D over a unit height, and 2-D), as the IR's conv2d_grad_input: a transposed
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
  const int64_t spatial = x.rank() - 2;
  if ((spatial != 1 && spatial != 2) || w.rank() != x.rank())
    return c.unsupported(fmt::format("ConvTranspose of {} with {} weights (1-D and 2-D are supported)", x.str(), w.str()));
  if (!isFloat(x.dtype) || w.dtype != x.dtype) return c.unsupported(fmt::format("ConvTranspose of {} with {} weights", x.str(), w.str()));
  GRAPHC_ASSIGN(int64_t group, c.attrInt("group", 1));
  if (group < 1 || x.shape[1] != w.shape[0] || w.shape[0] % group != 0)
    return c.malformed(fmt::format("the input {} and weights {} do not fit group {}", x.str(), w.str(), group));
  const std::vector<int64_t> ones(spatial, 1), zeros(spatial, 0);
  GRAPHC_ASSIGN(std::vector<int64_t> kernel, c.attrInts("kernel_shape", std::vector<int64_t>(w.shape.begin() + 2, w.shape.end())));
  GRAPHC_ASSIGN(std::vector<int64_t> strides, c.attrInts("strides", ones));
  GRAPHC_ASSIGN(std::vector<int64_t> dilations, c.attrInts("dilations", ones));
  GRAPHC_ASSIGN(std::vector<int64_t> pads, c.attrInts("pads", std::vector<int64_t>(2 * spatial, 0)));
  GRAPHC_ASSIGN(std::vector<int64_t> outputPadding, c.attrInts("output_padding", zeros));
  GRAPHC_ASSIGN(std::vector<int64_t> outputShape, c.attrInts("output_shape", {}));
  GRAPHC_ASSIGN(std::string autoPad, c.attrStr("auto_pad", "NOTSET"));
  const size_t n = (size_t)spatial;
  if (kernel.size() != n || strides.size() != n || dilations.size() != n || pads.size() != 2 * n || outputPadding.size() != n)
    return c.malformed(fmt::format("kernel_shape, strides, dilations and output_padding need {} entries and pads {}", n, 2 * n));
  if (kernel != std::vector<int64_t>(w.shape.begin() + 2, w.shape.end()))
    return c.malformed(fmt::format("kernel_shape [{}] disagrees with the weights {}", shapeStr(kernel), w.str()));
  if (outputShape.size() == n + 2) outputShape.erase(outputShape.begin(), outputShape.begin() + 2);  // N and C given too
  if (!outputShape.empty() && outputShape.size() != n) return c.malformed(fmt::format("output_shape needs the {} spatial sizes", n));
  for (size_t d = 0; d < n; ++d) {
    if (strides[d] < 1 || dilations[d] < 1 || outputPadding[d] < 0 || outputPadding[d] >= std::max(strides[d], dilations[d]))
      return c.malformed("strides and dilations must be positive, and output_padding below the stride or dilation");
  }
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return c.malformed(fmt::format("auto_pad '{}' is none of NOTSET, VALID, SAME_UPPER and SAME_LOWER", autoPad));

  Shape out{x.shape[0], w.shape[1] * group};
  for (size_t d = 0; d < n; ++d) {
    int64_t natural = strides[d] * (x.shape[2 + d] - 1) + outputPadding[d] + (kernel[d] - 1) * dilations[d] + 1;
    if (autoPad == "VALID") pads[d] = pads[d + n] = 0;
    bool resolved = !outputShape.empty() || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
    if (!resolved) {
      out.push_back(natural - pads[d] - pads[d + n]);
      continue;
    }
    int64_t target = outputShape.empty() ? x.shape[2 + d] * strides[d] : outputShape[d];
    // Past the natural size, the extra positions come at the end, as more output padding: the
    // larger input_shape below carries them, with no pads.
    int64_t total = std::max<int64_t>(natural - target, 0);
    int64_t half = total / 2;
    pads[d] = autoPad == "SAME_UPPER" ? half : total - half;
    pads[d + n] = total - pads[d];
    out.push_back(target);
  }
  for (int64_t s : out)
    if (s < 0) return c.malformed(fmt::format("the pads leave an output of negative size [{}]", shapeStr(out)));

  // A 1-D one is the 2-D one over a unit height.
  ValueId input = c.in(0), weights = c.in(1);
  Shape out2d = out;
  if (spatial == 1) {
    auto lifted = [](Shape s) { return s.insert(s.begin() + 2, 1), s; };
    GRAPHC_ASSIGN(input, reshaped(c, input, lifted(x.shape)));
    GRAPHC_ASSIGN(weights, reshaped(c, weights, lifted(w.shape)));
    strides.insert(strides.begin(), 1), dilations.insert(dilations.begin(), 1);
    pads = {0, pads[0], 0, pads[1]};
    out2d = lifted(out);
  }
  AttrMap a = attrs(std::pair{"strides", strides}, std::pair{"pads", pads}, std::pair{"dilations", dilations},
                    std::pair{"group", group}, std::pair{"input_shape", std::vector<int64_t>(out2d)});
  GRAPHC_ASSIGN(ValueId y, c.emit(OpKind::Conv2dGradInput, {input, weights}, std::move(a)));
  if (spatial == 1) {
    GRAPHC_ASSIGN(y, reshaped(c, y, out));
  }
  if (c.hasInput(2)) {
    if (c.type(2) != TensorType{x.dtype, {out[1]}}) return c.malformed(fmt::format("the bias is {}, not [{}]", c.type(2).str(), out[1]));
    Shape perChannel(out.size(), 1);
    perChannel[1] = out[1];
    GRAPHC_ASSIGN(ValueId bias, reshaped(c, c.in(2), perChannel));
    GRAPHC_ASSIGN(y, c.emit(OpKind::Add, {y, bias}));
  }
  c.setOut(0, y);
  return ok();
}

}  // namespace

void registerConvTranspose(OpTable& t) { t["ConvTranspose"] = {convTransposeOp, 2, 3}; }

}  // namespace graphc::onnxfe
