// Runs a model exported by torch.onnx (tests/data/onnx/DIR/NAME_opN.onnx, made by the
// gen_torch_*.py scripts there) on every backend, with and without the default pipeline, and
// checks its one output against PyTorch's (NAME.out.npy for the input NAME.in.npy).
#pragma once

#include <string>

namespace graphc::test {

// Every output element finite and within 1e-4 of PyTorch's (relative).
void checkMatchesTorch(const std::string& name, int opset, const std::string& dir = "torch_slices");

}  // namespace graphc::test
