// The skip list of the suites over every backend. A new backend adds its entries here the day
// it registers, each with the reason; skips_test.cpp checks that every entry names a
// registered backend and a real case, so the list cannot rot.
#include "tests/backends/skips.h"


namespace graphc::test {

constexpr std::string_view kDnnlBf16 = "bf16 products are refused on dnnl (see docs/precision.md): its lowering has no bf16 primitives yet";

// {backend, case or prefix, reason}. llvm has none: it passes every case.
static const std::vector<Skip> kSkips = {
    {"ref", "model/synthetic",
     "ref's Executable is the interpreter these cases compare against: a second run of the largest graphs would check "
     "nothing new"},
    // bf16 (--precision bf16) on dnnl would go to oneDNN's bf16 primitives, which the lowering
    // does not build yet; the driver refuses the mode on dnnl (driver/precision.cpp).
    {"dnnl", "op/matmul/bf16", kDnnlBf16},
    {"dnnl", "op/dense/bf16", kDnnlBf16},
    {"dnnl", "op/conv2d/bf16", kDnnlBf16},
    {"dnnl", "op/dense_grad/bf16", kDnnlBf16},
    {"dnnl", "op/conv2d_grad_input/bf16", kDnnlBf16},
    {"dnnl", "op/conv2d_grad_weight/bf16", kDnnlBf16},
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
