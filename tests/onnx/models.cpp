// The four reference models: import with N bound and check the structure (tests/backends
// compares their outputs with PyTorch's on every backend).
#include <doctest/doctest.h>

#include "tests/onnx/reference_models.h"

using namespace graphc;
using test::countOps;

TEST_CASE("mlp: Gemm with transB becomes dense with a transposed parameter") {
  Graph g = test::loadReferenceModel("mlp", {64, 784}, false);
  REQUIRE(g.inputs.size() == 1);
  CHECK(g.type(g.inputs[0]) == TensorType{DType::f32, {64, 784}});
  REQUIRE(g.outputs.size() == 1);
  CHECK(g.outputs[0].name == "y");
  CHECK(g.type(g.outputs[0].value) == TensorType{DType::f32, {64, 10}});
  CHECK(countOps(g, OpKind::Dense) == 3);
  CHECK(countOps(g, OpKind::Softmax) == 1);
  CHECK(countOps(g, OpKind::Transpose) == 0);
  int params = 0;
  for (ValueId v : g.constants) params += g.value(v).kind == ValueKind::Param;
  CHECK(params == 6);
  ValueId w = g.findValue("body.0.weight");
  REQUIRE(w != UINT32_MAX);
  CHECK(g.value(w).kind == ValueKind::Param);
  CHECK(g.type(w).shape == Shape{784, 512});  // stored [K, N]; the ONNX file holds [512, 784]
}

TEST_CASE("lenet: conv, pool and flatten import statically") {
  Graph g = test::loadReferenceModel("lenet", {1, 1, 28, 28}, false);
  CHECK(countOps(g, OpKind::Conv2d) == 2);
  CHECK(countOps(g, OpKind::MaxPool2d) == 2);
  CHECK(countOps(g, OpKind::Dense) == 3);
  CHECK(g.type(g.outputs[0].value).shape == Shape{1, 10});
}

TEST_CASE("transformer: the shape sub-graphs fold away") {
  Graph g = test::loadReferenceModel("transformer", {2, 128, 256}, false);
  CHECK(g.type(g.outputs[0].value).shape == Shape{2, 128, 256});
  CHECK(countOps(g, OpKind::Gather) == 0);  // Shape -> Gather chains became constants
  CHECK(countOps(g, OpKind::Reshape) == 4);
  CHECK(countOps(g, OpKind::MatMul) == 6);
  for (const Node& n : g.nodes)
    if (n.op == OpKind::Reshape) CHECK(std::get<std::vector<int64_t>>(*n.attrs.find("shape"))[0] == 2);
}

TEST_CASE("a symbolic batch without a binding is a clear error") {
  auto g = importOnnx(test::dataPath("onnx/mlp.onnx"));
  REQUIRE(!g);
  CHECK(g.error().message().find("input 'x' has symbolic dimension 'N' on axis 0") != std::string::npos);
  auto wrong = importOnnx(test::dataPath("onnx/mlp.onnx"), {{{"x", {4, 100}}}});
  REQUIRE(!wrong);
  CHECK(wrong.error().message().find("input 'x' has size 784 on axis 1") != std::string::npos);
  auto unknown = importOnnx(test::dataPath("onnx/mlp.onnx"), {{{"z", {4, 784}}}});
  REQUIRE(!unknown);
  CHECK(unknown.error().message().find("'z', which is not an input") != std::string::npos);
}
