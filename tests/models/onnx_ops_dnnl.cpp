// The per-op ONNX cases (tests/data/onnx/ops, NumPy's expected values) end to end the way
// `graphc run` takes them: import, the default pipeline (fusions included), the dnnl backend.
// tests/onnx/ops.cpp checks the same files on the interpreter without the passes.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <filesystem>

#include "backend/dnnl/executable.h"
#include "frontend/onnx/onnx_import.h"
#include "ir/npy.h"
#include "passes/pass.h"
#include "tests/support.h"

using namespace graphc;
namespace fs = std::filesystem;

TEST_CASE("every per-op ONNX model, optimized and on dnnl, matches NumPy") {
  fs::path dir = test::dataPath("onnx/ops");
  int models = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".onnx") continue;
    std::string name = entry.path().stem().string();
    if (!fs::exists(dir / (name + ".out0.npy"))) continue;  // an import-only case
    ++models;
    CAPTURE(name);
    auto g = importOnnx(entry.path().string());
    REQUIRE_MESSAGE(g.ok(), (g.ok() ? "" : g.error().message()));
    REQUIRE_MESSAGE(runPipeline(*g, defaultPipeline()).ok(), "pipeline");
    std::vector<Tensor> inputs;
    for (size_t k = 0; k < g->inputs.size(); ++k) {
      auto t = readNpy((dir / fmt::format("{}.in{}.npy", name, k)).string());
      REQUIRE(t);
      inputs.push_back(*t);
    }
    for (int threads : {1, 2}) {
      CAPTURE(threads);
      auto exe = dnnl::prepare(*g, CompileOptions{"dnnl", threads});
      if (!exe) FAIL_CHECK(exe.error().message());
      if (!exe) continue;
      auto ctx = (*exe)->createContext();
      std::vector<Tensor> out = (*exe)->makeOutputs();
      Status st = (*exe)->run(*ctx, inputs, out);
      if (!st) FAIL_CHECK(st.error().message());
      if (!st) continue;
      for (size_t k = 0; k < out.size(); ++k) {
        auto expected = readNpy((dir / fmt::format("{}.out{}.npy", name, k)).string());
        REQUIRE(expected);
        CHECK(test::maxRelDiff(out[k], *expected) < 1e-5);
      }
    }
  }
  CHECK(models > 80);
}
