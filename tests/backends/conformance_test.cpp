// The backend conformance suite: every conformance case (cases_*.cpp) on every registered
// backend against the interpreter, on the same random inputs. Failures name "<backend>/op/<case>"
// (the doctest subcase); `test_backends -sc='dnnl/op/dense*'` runs a subset.
#include <doctest/doctest.h>

#include <set>

#include "ir/eval/interpreter.h"
#include "tests/backends/cases.h"
#include "tests/backends/run.h"
#include "tests/backends/skips.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

// The op families the suite reports as separate test cases (so that ctest runs them in
// parallel); an op not named here lands in "norm", so every op runs somewhere.
std::string_view family(OpKind op) {
  const OpInfo& info = opInfo(op);
  if (info.name.ends_with("_grad") || info.has(kStateful) || op == OpKind::SoftmaxCrossEntropy || op == OpKind::OneHot)
    return "training";
  if (info.has(kElementwise)) return "elementwise";
  if (info.has(kMovement)) return "movement";
  if (op == OpKind::MatMul || op == OpKind::Dense) return "linalg";
  if (op == OpKind::Conv2d || op == OpKind::MaxPool2d || op == OpKind::AvgPool2d || op == OpKind::GlobalAvgPool) return "conv";
  return "norm";
}

void checkCase(const BackendInfo& backend, const OpCase& c) {
  std::vector<Tensor> inputs = randomInputs(c.graph, c.seed, c.lo, c.hi);
  auto want = eval::interpret(c.graph, inputs);
  REQUIRE_MESSAGE(want.ok(), "interpreter: " << (want.ok() ? "" : want.error().message()));
  auto got = runOn(backend, c.graph, inputs);
  REQUIRE_MESSAGE(got.ok(), (got.ok() ? "" : got.error().message()));
  REQUIRE(got->size() == want->size());
  for (size_t i = 0; i < want->size(); ++i) {
    INFO("output ", c.graph.outputs[i].name, " ", (*want)[i].type().str());
    double d = maxRelDiff((*got)[i], (*want)[i]);
    if (isFloat((*want)[i].dtype())) CHECK(d <= c.tol);
    else CHECK(d == 0);
  }
}

void checkFamily(std::string_view name) {
  for (const BackendInfo& backend : allBackends())
    for (const OpCase& c : opCases()) {
      if (family(c.op) != name || findSkip(backend.name, "op/" + c.name)) continue;
      SUBCASE(caseOn(backend.name, "op/" + c.name).c_str()) { checkCase(backend, c); }
    }
}

}  // namespace

TEST_CASE("conformance: elementwise ops on every backend") { checkFamily("elementwise"); }
TEST_CASE("conformance: movement ops on every backend") { checkFamily("movement"); }
TEST_CASE("conformance: normalizations and reductions on every backend") { checkFamily("norm"); }
TEST_CASE("conformance: dense and matmul on every backend") { checkFamily("linalg"); }
TEST_CASE("conformance: conv2d and pooling on every backend") { checkFamily("conv"); }
TEST_CASE("conformance: gradient, loss and optimizer ops on every backend") { checkFamily("training"); }

TEST_CASE("conformance: a run that must fail fails on every backend, saying why") {
  for (const BackendInfo& backend : allBackends())
    for (const ErrorCase& c : errorCases()) {
      if (findSkip(backend.name, "error/" + c.name)) continue;
      INFO(caseOn(backend.name, "error/" + c.name));
      auto got = runOn(backend, c.graph, c.inputs);
      REQUIRE(!got.ok());
      CHECK(got.error().message().find(c.error) != std::string::npos);
    }
}

TEST_CASE("conformance: every op of ops.def has a case, and case names are unique") {
  std::set<OpKind> covered;
  std::set<std::string> names;
  for (const OpCase& c : opCases()) {
    covered.insert(c.op);
    CHECK_MESSAGE(names.insert(c.name).second, "duplicate case name " << c.name);
    CHECK_MESSAGE(c.name.starts_with(std::string(opName(c.op)) + "/"), c.name << " does not start with its op");
  }
  for (const OpInfo& info : allOps()) CHECK_MESSAGE(covered.count(info.kind), "no conformance case for " << info.name);
  MESSAGE(opCases().size() << " cases over " << covered.size() << " ops, on " << allBackends().size() << " backends");
}

}  // namespace graphc::test
