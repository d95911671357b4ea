// 1-D and 3-D convolutions and pools, and 1-D transposed convolutions, as torch.onnx exports
// them (tests/data/onnx/torch_conv, made by gen_torch_conv.py) match PyTorch on every backend:
// strides, padding, dilation, groups, ceil_mode, count_include_pad both ways and the global pools.
#include <doctest/doctest.h>

#include "tests/onnx/torch_models.h"

using graphc::test::checkMatchesTorch;

TEST_CASE("a 1-D CNN (Conv1d, max and average pools) matches PyTorch at opsets 11, 13 and 17") {
  for (int opset : {11, 13, 17}) {
    CAPTURE(opset);
    checkMatchesTorch("conv1d", opset, "torch_conv");
  }
}

TEST_CASE("a 3-D CNN (Conv3d, max and average 3-D pools, a global max) matches PyTorch at opsets 11, 13 and 17") {
  for (int opset : {11, 13, 17}) {
    CAPTURE(opset);
    checkMatchesTorch("conv3d", opset, "torch_conv");
  }
}

TEST_CASE("a 1-D decoder (ConvTranspose1d: strided, padded, grouped, dilated) matches PyTorch at opsets 11, 13 and 17") {
  for (int opset : {11, 13, 17}) {
    CAPTURE(opset);
    checkMatchesTorch("conv_transpose1d", opset, "torch_conv");
  }
}
