// The skip list of the suites over every backend. A new backend adds its entries here the day
// it registers, each with the reason; skips_test.cpp checks that every entry names a
// registered backend and a real case, so the list cannot rot.
#include "tests/backends/skips.h"


namespace graphc::test {

// Why llvm skips what it does: what its code generator does not lower yet (issue 10).
constexpr std::string_view kConvPool = "convolution and pooling are not lowered to loop nests yet (issue 10): llvm's prepare refuses them";

// {backend, case or prefix, reason}. dnnl has none: it passes every case.
static const std::vector<Skip> kSkips = {
    {"ref", "model/synthetic",
     "ref's Executable is the interpreter these cases compare against: a second run of the largest graphs would check "
     "nothing new"},
    {"llvm", "op/conv2d", kConvPool},
    {"llvm", "op/max_pool2d", kConvPool},
    {"llvm", "op/avg_pool2d", kConvPool},
    {"llvm", "op/global_avg_pool", kConvPool},
    {"llvm", "op/conv2d_grad_input", kConvPool},
    {"llvm", "op/conv2d_grad_weight", kConvPool},
    {"llvm", "op/max_pool2d_grad", kConvPool},
    {"llvm", "op/avg_pool2d_grad", kConvPool},
    {"llvm", "onnx/avgpool_count_pad", kConvPool},
    {"llvm", "onnx/avgpool_pads", kConvPool},
    {"llvm", "onnx/conv_group", kConvPool},
    {"llvm", "onnx/conv_nobias_dil", kConvPool},
    {"llvm", "onnx/conv_pads", kConvPool},
    {"llvm", "onnx/conv_same_lower", kConvPool},
    {"llvm", "onnx/conv_same_upper", kConvPool},
    {"llvm", "onnx/conv_valid", kConvPool},
    {"llvm", "onnx/global_avgpool", kConvPool},
    {"llvm", "onnx/maxpool", kConvPool},
    {"llvm", "onnx/maxpool_pads", kConvPool},
    {"llvm", "model/lenet b1", kConvPool},
    {"llvm", "model/lenet b64", kConvPool},
    {"llvm", "model/synthetic/lenet b64", kConvPool},
    {"llvm", "train/step convnet, softmax_cross_entropy, adam", kConvPool},
};

std::span<const Skip> skipList() { return kSkips; }

bool skipCovers(std::string_view cases, std::string_view testCase) {
  return testCase == cases || (!cases.empty() && testCase.starts_with(cases) && testCase[cases.size()] == '/');
}

const Skip* findSkip(std::string_view backend, std::string_view testCase) {
  for (const Skip& s : skipList())
    if (s.backend == backend && skipCovers(s.cases, testCase)) return &s;
  return nullptr;
}

}  // namespace graphc::test
