// The per-op ONNX cases (tests/data/onnx/ops, NumPy's expected values) end to end the way
// `graphc run` takes them: import, the default pipeline (fusions included), the dnnl backend.
// tests/onnx/ops.cpp checks the same files on the interpreter without the passes.
#include <doctest/doctest.h>

#include "backend/dnnl/executable.h"
#include "frontend/onnx/onnx_import.h"
#include "passes/pass.h"
#include "tests/support.h"

using namespace graphc;

TEST_CASE("every per-op ONNX model, optimized and on dnnl, matches NumPy") {
  std::vector<test::OnnxOpCase> cases = test::onnxOpCases();
  for (const test::OnnxOpCase& k : cases) {
    CAPTURE(k.name);
    auto g = importOnnx(k.model);
    REQUIRE_MESSAGE(g.ok(), (g.ok() ? "" : g.error().message()));
    REQUIRE_MESSAGE(runPipeline(*g, defaultPipeline()).ok(), "pipeline");
    for (int threads : {1, 2}) {
      CAPTURE(threads);
      auto exe = dnnl::prepare(*g, CompileOptions{"dnnl", threads});
      if (!exe) FAIL_CHECK(exe.error().message());
      if (!exe) continue;
      auto ctx = std::move((*exe)->createContext().value());
      std::vector<Tensor> out = (*exe)->makeOutputs();
      Status st = (*exe)->run(*ctx, k.inputs, out);
      if (!st) FAIL_CHECK(st.error().message());
      if (!st) continue;
      REQUIRE(out.size() == k.expected.size());
      for (size_t i = 0; i < out.size(); ++i) CHECK(test::maxRelDiff(out[i], k.expected[i]) < 1e-5);
    }
  }
  CHECK(cases.size() > 80);
}
