// What each backend is excused from in the suites over allBackends() (skips.cpp): one table,
// every entry with its reason. A case is named "<suite>/<case>": op/<op>/<variant>,
// error/<op>/<what>, onnx/<model>, model/<model and batch>, train/<what>. An entry names one
// case or every case under a prefix ("op/erf" skips every erf case).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace graphc::test {

struct Skip {
  std::string_view backend, cases, reason;
};

std::span<const Skip> skipList();

// The entry that excuses backend from `testCase`, or nullptr.
const Skip* findSkip(std::string_view backend, std::string_view testCase);
// Whether a skip entry's `cases` covers testCase: the same name, or a prefix of it up to a '/'.
bool skipCovers(std::string_view cases, std::string_view testCase);

// The case names of the suites that are not tables of their own (defined beside each suite),
// so that skips_test.cpp can check every entry against every real case.
std::vector<std::string> referenceModelCaseNames();
std::vector<std::string> syntheticModelCaseNames();
std::vector<std::string> trajectoryCaseNames();
std::vector<std::string> peerModelCaseNames();
std::vector<std::string> trainStepCaseNames();  // and "train/contexts"

// The name a suite gives a case on a backend, for failure messages: "<backend>/<case>".
inline std::string caseOn(std::string_view backend, std::string_view testCase) {
  return std::string(backend) + "/" + std::string(testCase);
}

}  // namespace graphc::test
