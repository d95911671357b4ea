// Memory plans of the reference models as the dnnl backend compiles them, at several batch
// sizes: every plan passes the validator and reaches at least 95% of the lower bound.
#include <doctest/doctest.h>

#include "backend/dnnl/executable.h"
#include "frontend/onnx/onnx_import.h"
#include "runtime/memory/memory_plan.h"
#include "passes/pass.h"
#include "tests/support.h"

using namespace graphc;

namespace {

struct ModelCase {
  const char* model;
  Shape inputShape;
};

const Executable::ArenaPlan* compiledPlan(const ModelCase& c, std::unique_ptr<Executable>& keep) {
  auto g = importOnnx(test::dataPath(std::string("onnx/") + c.model + ".onnx"), {{{"x", c.inputShape}}});
  if (!g) FAIL(g.error().message());
  if (Status s = runPipeline(*g, defaultPipeline()); !s.ok()) FAIL(s.error().message());
  auto exe = dnnl::prepare(*g, CompileOptions{"dnnl", 1});
  if (!exe) FAIL(exe.error().message());
  keep = std::move(*exe);
  REQUIRE(keep->arenaPlan() != nullptr);
  return keep->arenaPlan();
}

}  // namespace

TEST_CASE("every compiled plan of the reference models is valid and near the lower bound") {
  const ModelCase cases[] = {
      {"mlp", {1, 784}},          {"mlp", {64, 784}},          {"mlp", {1024, 784}},
      {"seed", {32, 10}},         {"lenet", {1, 1, 28, 28}},   {"lenet", {64, 1, 28, 28}},
      {"transformer", {1, 128, 256}}, {"transformer", {8, 128, 256}},
  };
  double sum = 0;
  for (const ModelCase& c : cases) {
    CAPTURE(c.model);
    CAPTURE(shapeStr(c.inputShape));
    std::unique_ptr<Executable> exe;
    const Executable::ArenaPlan* arena = compiledPlan(c, exe);
    CHECK(validatePlan(arena->requests, arena->plan).ok());
    CHECK(arena->plan.arenaBytes >= arena->plan.lowerBound);
    CHECK(arena->plan.efficiency() >= 0.95);
    sum += arena->plan.efficiency();
    MESSAGE(std::string(c.model) << " x=" << shapeStr(c.inputShape) << ": arena " << arena->plan.arenaBytes << " bytes, efficiency "
                    << arena->plan.efficiency());
  }
  MESSAGE("average efficiency over " << std::size(cases) << " compiled plans: " << sum / std::size(cases));
}

TEST_CASE("the graph-level plan of the reference models is valid and near the lower bound") {
  for (const char* model : {"mlp", "lenet", "transformer"}) {
    for (int64_t batch : {1, 16}) {
      Shape shape = std::string(model) == "mlp" ? Shape{batch, 784}
                    : std::string(model) == "lenet" ? Shape{batch, 1, 28, 28}
                                                    : Shape{batch, 128, 256};
      CAPTURE(model);
      CAPTURE(batch);
      auto g = importOnnx(test::dataPath(std::string("onnx/") + model + ".onnx"), {{{"x", shape}}});
      REQUIRE(g.ok());
      REQUIRE(runPipeline(*g, defaultPipeline()).ok());
      GraphBuffers buffers = graphBuffers(*g);
      MemoryPlan plan = planMemory(buffers.requests);
      CHECK(validatePlan(buffers.requests, plan).ok());
      CHECK(plan.efficiency() >= 0.95);
    }
  }
}
