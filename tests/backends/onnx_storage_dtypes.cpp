// ONNX models with f16, u8 and i8 inputs, weights and outputs (tests/data/onnx/dtypes, made by
// gen_dtypes.py): imported to compute in f32 or i32, with u8 and i8 arithmetic wrapped as NumPy
// wraps it, and outputs of exactly the model's dtypes, on every backend against NumPy.
#include <doctest/doctest.h>

#include "frontend/npy/npy.h"
#include "frontend/onnx/onnx_import.h"
#include "passes/pass.h"
#include "runtime/executable.h"
#include "tests/backends/run.h"
#include "tests/support.h"

using namespace graphc;

namespace {

Tensor load(const std::string& file) {
  auto t = readNpy(test::dataPath("onnx/dtypes/" + file));
  REQUIRE_MESSAGE(t.ok(), (t.ok() ? "" : t.error().message()));
  return *t;
}

// Runs model `name` on every backend, with and without the default pipeline, and compares each
// output with NumPy's: the same dtype and shape, and values within tol (integers: exactly).
void checkAgainstNumpy(const std::string& name, const std::vector<std::string>& inputs, const std::vector<std::string>& outputs,
                       double tol) {
  std::vector<Tensor> in;
  for (const std::string& i : inputs) in.push_back(load(name + "." + i + ".npy"));
  for (bool optimized : {false, true}) {
    auto g = importOnnx(test::dataPath("onnx/dtypes/" + name + ".onnx"));
    REQUIRE_MESSAGE(g.ok(), (g.ok() ? "" : g.error().message()));
    if (optimized) REQUIRE(runPipeline(*g, defaultPipeline()).ok());
    for (size_t i = 0; i < in.size(); ++i) CHECK(g->type(g->inputs[i]).dtype == in[i].dtype());
    for (const BackendInfo& backend : allBackends()) {
      CAPTURE(backend.name);
      CAPTURE(optimized);
      auto got = test::runOn(backend, *g, in);
      REQUIRE_MESSAGE(got.ok(), (got.ok() ? "" : got.error().message()));
      std::vector<Tensor>& out = *got;
      REQUIRE(out.size() == outputs.size());
      for (size_t o = 0; o < outputs.size(); ++o) {
        CAPTURE(outputs[o]);
        Tensor want = load(name + "." + outputs[o] + ".npy");
        REQUIRE(out[o].type() == want.type());
        if (isFloat(want.dtype())) CHECK(test::maxRelDiff(out[o], want) <= tol);
        else CHECK(*out[o].ints() == *want.ints());
      }
    }
  }
}

}  // namespace

TEST_CASE("ONNX f16: inputs, weights and outputs in f16, computed in f32") {
  // NumPy rounds the f32 sum to f16 before squaring it, graphc squares the f32 sum: 2^-10 apart.
  checkAgainstNumpy("f16", {"in"}, {"y", "s32", "sq"}, 2e-3);
}

TEST_CASE("ONNX u8: add, sub and mul wrap as in NumPy, and what reads them sees the wrapped values") {
  checkAgainstNumpy("u8", {"a", "c"}, {"diff", "third", "grew", "most", "sumf"}, 0);
}

TEST_CASE("ONNX i8: -(-128) wraps, and casts to u8, i16 and f16") {
  checkAgainstNumpy("i8", {"v"}, {"neg", "abs", "u", "wide", "h"}, 0);
}

TEST_CASE("ONNX storage dtypes: the graph computes in f32 or i32 between a cast after each input and one before each output") {
  auto g = importOnnx(test::dataPath("onnx/dtypes/u8.onnx"));
  REQUIRE(g.ok());
  for (const Node& n : g->nodes) {
    if (n.dead || n.op == OpKind::Cast) continue;
    for (ValueId v : n.operands) CHECK(!isStorageType(g->type(v).dtype));
  }
}
