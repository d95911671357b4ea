// Mutated and truncated ONNX files never crash or hang the importer: each import either fails
// with an error or yields a graph that verifies and runs on the interpreter.
#include <doctest/doctest.h>

#include "frontend/onnx/onnx_import.h"
#include "ir/eval/interpreter.h"
#include "frontend/npy/npy.h"
#include "ir/verifier.h"
#include "tests/support.h"

using namespace graphc;

TEST_CASE("onnx: thousands of mutated models are rejected cleanly or import into valid graphs") {
  for (const char* model : {"seed.onnx", "lenet.onnx"}) {
    CAPTURE(model);
    auto bytes = readFile(test::dataPath(std::string("onnx/") + model));
    REQUIRE(bytes.ok());
    uint64_t state = 0x9e3779b97f4a7c15ull;
    auto next = [&] { return state = state * 6364136223846793005ull + 1442695040888963407ull; };
    int imported = 0, rejected = 0;
    for (int iter = 0; iter < 1500; ++iter) {
      std::string b = *bytes;
      int flips = 1 + (int)(next() >> 60);
      for (int k = 0; k < flips; ++k) b[(next() >> 20) % b.size()] = char(next() >> 40);
      if (iter % 5 == 0) b.resize((next() >> 24) % b.size());
      auto g = importOnnxBytes(b, "mutant", {{{"x", std::string(model) == "seed.onnx" ? Shape{2, 10} : Shape{1, 1, 28, 28}}}});
      if (!g) {
        ++rejected;
        CHECK(!g.error().message().empty());
        continue;
      }
      ++imported;
      CHECK(verify(*g).ok());
      if (iter % 10 == 0) {
        std::vector<Tensor> inputs;
        for (ValueId v : g->inputs) inputs.push_back(test::randomTensor(g->type(v), 3));
        (void)eval::interpret(*g, inputs);  // may fail (an index out of range), must not crash
      }
    }
    MESSAGE(std::string(model) << ": " << imported << " mutants imported, " << rejected << " rejected");
    CHECK(rejected > 0);
  }
}
