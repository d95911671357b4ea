// The reference models (tests/data/onnx, PyTorch's outputs beside them) on every backend, as
// imported and through the default pipeline. Failures name "<backend>/model/<model> b<batch>".
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "frontend/onnx/onnx_import.h"
#include "passes/pass.h"
#include "tests/backends/run.h"
#include "tests/backends/skips.h"
#include "tests/support.h"

namespace graphc::test {

struct ReferenceCase {
  const char* model;
  int batch;
  Shape input;
};

static const ReferenceCase kReferenceCases[] = {
    {"mlp", 1, {1, 784}},           {"mlp", 64, {64, 784}},          {"seed", 32, {32, 10}},
    {"lenet", 1, {1, 1, 28, 28}},   {"lenet", 64, {64, 1, 28, 28}}, {"transformer", 1, {1, 128, 256}},
    {"ewchain", 64, {64, 4096}},  // W6: one fusion group on llvm
};

static std::string caseName(const ReferenceCase& c) { return fmt::format("model/{} b{}", c.model, c.batch); }

std::vector<std::string> referenceModelCaseNames() {
  std::vector<std::string> names;
  for (const ReferenceCase& c : kReferenceCases) names.push_back(caseName(c));
  return names;
}

TEST_CASE("reference models on every backend match PyTorch, as imported and optimized") {
  for (const ReferenceCase& c : kReferenceCases) {
    std::string name = caseName(c);
    auto g = importOnnx(dataPath(std::string("onnx/") + c.model + ".onnx"), {{{"x", c.input}}});
    REQUIRE_MESSAGE(g.ok(), name << ": " << (g.ok() ? "" : g.error().message()));
    Graph optimized = *g;
    REQUIRE(runPipeline(optimized, defaultPipeline()).ok());
    Tensor x = referenceCase(c.model, c.batch, "in"), expected = referenceCase(c.model, c.batch, "out");
    for (const BackendInfo& backend : allBackends()) {
      if (findSkip(backend.name, name)) continue;
      for (const Graph* graph : {&*g, &optimized}) {
        std::string what = caseOn(backend.name, name) + (graph == &optimized ? " optimized" : " as imported");
        INFO(what);
        auto out = runOn(backend, *graph, std::span<const Tensor>(&x, 1));
        REQUIRE_MESSAGE(out.ok(), (out.ok() ? "" : out.error().message()));
        double err = maxRelDiff(out->at(0), expected);
        MESSAGE(what << ": max rel error " << err);
        CHECK(err < 1e-4);
      }
    }
  }
}

}  // namespace graphc::test
