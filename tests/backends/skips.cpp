// The skip list of the suites over every backend. A new backend adds its entries here the day
// it registers, each with the reason; skips_test.cpp checks that every entry names a
// registered backend and a real case, so the list cannot rot.
#include "tests/backends/skips.h"


namespace graphc::test {

// {backend, case or prefix, reason}. dnnl has none: it passes every case.
static const std::vector<Skip> kSkips = {
    {"ref", "model/synthetic",
     "ref's Executable is the interpreter these cases compare against: a second run of the largest graphs would check "
     "nothing new"},
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
