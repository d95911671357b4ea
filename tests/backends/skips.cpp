// The skip list of the suites over every backend. A new backend adds its entries here the day
// it registers, each with the reason; skips_test.cpp checks that every entry names a
// registered backend and a real case, so the list cannot rot.
#include "tests/backends/skips.h"

#include "runtime/executable.h"


namespace graphc::test {

constexpr std::string_view kDnnlNoBf16 =
    "bf16 products are refused on dnnl on a CPU without AVX512-BF16 or AMX (docs/precision.md); llvm and ref run them without those units, emulated";

// {backend, case or prefix, reason}. llvm has none: it passes every case.
static std::vector<Skip> makeSkips() {
  std::vector<Skip> skips = {
      {"ref", "model/synthetic",
       "ref's Executable is the interpreter these cases compare against: a second run of the largest graphs would check "
       "nothing new"},
  };
  // The bf16 products run on oneDNN's bf16 kernels only where the CPU has them.
  if (!findBackend("dnnl")->isOpSupported(OpKind::Dense, DType::bf16))
    for (std::string_view product : {"op/matmul/bf16", "op/dense/bf16", "op/conv2d/bf16", "op/dense_grad/bf16", "op/conv2d_grad_input/bf16",
                                     "op/conv2d_grad_weight/bf16", "train/bf16"})
      skips.push_back({"dnnl", product, kDnnlNoBf16});
  return skips;
}

std::span<const Skip> skipList() {
  static const std::vector<Skip> skips = makeSkips();
  return skips;
}

bool skipCovers(std::string_view cases, std::string_view testCase) {
  return testCase == cases || (!cases.empty() && testCase.starts_with(cases) && testCase[cases.size()] == '/');
}

const Skip* findSkip(std::string_view backend, std::string_view testCase) {
  for (const Skip& s : skipList())
    if (s.backend == backend && skipCovers(s.cases, testCase)) return &s;
  return nullptr;
}

}  // namespace graphc::test
