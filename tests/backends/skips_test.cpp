// The skip list cannot rot: every entry names a registered backend, gives a reason, and covers
// at least one real case of the suites.
#include <doctest/doctest.h>

#include "runtime/executable.h"
#include "tests/backends/cases.h"
#include "tests/backends/skips.h"

namespace graphc::test {

static std::vector<std::string> allCaseNames() {
  std::vector<std::string> names;
  for (const OpCase& c : opCases()) names.push_back("op/" + c.name);
  for (const ErrorCase& c : errorCases()) names.push_back("error/" + c.name);
  for (const OnnxOpCase& c : onnxOpCases()) names.push_back("onnx/" + c.name);
  for (auto list : {referenceModelCaseNames(), syntheticModelCaseNames(), trajectoryCaseNames(), peerModelCaseNames(), trainStepCaseNames()})
    names.insert(names.end(), list.begin(), list.end());
  return names;
}

TEST_CASE("every skip names a registered backend and a real case, with a reason") {
  std::vector<std::string> names = allCaseNames();
  CHECK(names.size() > 500);
  for (const Skip& s : skipList()) {
    INFO(s.backend, ": ", s.cases);
    CHECK(findBackend(s.backend) != nullptr);
    CHECK(!s.reason.empty());
    bool real = false;
    for (const std::string& n : names) real = real || skipCovers(s.cases, n);
    CHECK_MESSAGE(real, "the skip covers no case of any suite");
  }
}

TEST_CASE("a skip covers its case or every case under its prefix, nothing else") {
  CHECK(skipCovers("op/erf", "op/erf"));
  CHECK(skipCovers("op/erf", "op/erf/f64"));
  CHECK(skipCovers("op/erf/f64", "op/erf/f64"));
  CHECK(!skipCovers("op/erf", "op/erfc/f64"));  // a prefix ends at a '/'
  CHECK(!skipCovers("op/erf/f64", "op/erf"));
  CHECK(!skipCovers("", "op/erf"));
}

}  // namespace graphc::test
