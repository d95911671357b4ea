// The per-op ONNX cases (tests/data/onnx/ops, made by gen_op_models.py, NumPy's expected values)
// on every backend: as imported, and through the default pipeline (fusions included) the way
// `graphc run` takes them, on one and two threads. Failures name "<backend>/onnx/<case>".
#include <doctest/doctest.h>

#include "frontend/onnx/onnx_import.h"
#include "passes/pass.h"
#include "tests/backends/run.h"
#include "tests/backends/skips.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

void checkOutputs(Result<std::vector<Tensor>> got, const OnnxOpCase& k) {
  if (!got) FAIL_CHECK(got.error().message());
  if (!got) return;
  REQUIRE(got->size() == k.expected.size());
  for (size_t i = 0; i < got->size(); ++i) CHECK(maxRelDiff((*got)[i], k.expected[i]) < 1e-5);
}

}  // namespace

TEST_CASE("every per-op ONNX model on every backend, as imported and optimized, matches NumPy") {
  std::vector<OnnxOpCase> cases = onnxOpCases();
  CHECK(cases.size() > 80);
  for (const OnnxOpCase& k : cases) {
    auto g = importOnnx(k.model);
    REQUIRE_MESSAGE(g.ok(), k.name << ": " << (g.ok() ? "" : g.error().message()));
    REQUIRE(k.inputs.size() == g->inputs.size());
    Graph optimized = *g;
    REQUIRE_MESSAGE(runPipeline(optimized, defaultPipeline()).ok(), k.name << ": the default pipeline failed");
    for (const BackendInfo& backend : allBackends()) {
      if (findSkip(backend.name, "onnx/" + k.name)) continue;
      INFO(caseOn(backend.name, "onnx/" + k.name));
      checkOutputs(runOn(backend, *g, k.inputs), k);
      for (int threads : {1, 2}) {
        CAPTURE(threads);
        checkOutputs(runOn(backend, optimized, k.inputs, threads), k);
      }
    }
  }
}

}  // namespace graphc::test
