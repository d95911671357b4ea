// Runs the generated NumPy cases through the interpreter.
#include "tests/ref/cases.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "ir/builder.h"
#include "ir/eval/interpreter.h"
#include "frontend/npy/npy.h"
#include "tests/support.h"

namespace graphc::test {

void checkClose(const Tensor& got, const Tensor& want, const std::string& what) {
  INFO(what);
  REQUIRE_MESSAGE(got.type() == want.type(), "got ", got.type().str(), ", want ", want.type().str());
  if (isFloat(want.dtype())) {
    double tol = want.dtype() == DType::f32 ? 1e-5 : 1e-12;
    CHECK(maxRelDiff(got, want) <= tol);
  } else {
    CHECK(got.bitEqual(want));
  }
}

void checkCase(const std::string& name, OpKind op, const AttrMap& attrs) {
  INFO("case ", name);
  std::string base = dataPath("ref/" + name);
  std::vector<Tensor> inputs;
  for (int i = 0; std::filesystem::exists(base + ".in" + std::to_string(i) + ".npy"); ++i) {
    auto t = readNpy(base + ".in" + std::to_string(i) + ".npy");
    REQUIRE_MESSAGE(t.ok(), t.error().message());
    inputs.push_back(*t);
  }
  REQUIRE_MESSAGE(!inputs.empty(), "no inputs for ", name);
  auto want = readNpy(base + ".out.npy");
  REQUIRE_MESSAGE(want.ok(), want.error().message());

  Graph g;
  g.name = name;
  Builder b(g);
  std::vector<ValueId> ids;
  for (size_t i = 0; i < inputs.size(); ++i) ids.push_back(b.input("x" + std::to_string(i), inputs[i].type()));
  auto y = b.tryCreate(op, ids, attrs, "y");
  REQUIRE_MESSAGE(y.ok(), y.error().message());
  b.output("y", y->front());

  auto got = eval::interpret(g, inputs);
  REQUIRE_MESSAGE(got.ok(), got.error().message());
  REQUIRE(got->size() == 1);
  checkClose(got->front(), *want, name);
}

}  // namespace graphc::test
