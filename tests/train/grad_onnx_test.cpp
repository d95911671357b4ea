// Gradients of the ONNX ops the importer composes from IR ops (PRelu, Softplus, Selu,
// InstanceNormalization, Tile, DepthToSpace, ...): the imported f64 graph, its inputs as
// parameters, against finite differences. Each composition must be differentiable as a whole,
// not only op by op.
#include <doctest/doctest.h>
#include <onnx/onnx_pb.h>

#include "frontend/onnx/onnx_import.h"
#include "tests/onnx/model_builder.h"
#include "tests/support.h"
#include "tests/train/gradcheck.h"

namespace graphc::test {
namespace {

struct Operand {
  std::string name;
  Tensor data;
};

// One node `op` over f64 initializers (which the importer makes parameters) with output y.
void expectOnnxGrad(const std::string& op, const std::vector<Operand>& operands, const std::function<void(onnx::NodeProto&)>& attrs = {},
                    double tol = 1e-6) {
  INFO("op ", op);
  ModelBuilder m;
  std::vector<std::string> names;
  for (const Operand& o : operands) {
    if (o.data.dtype() == DType::i64) {  // a shape operand, which stays a constant
      const int64_t* p = o.data.data<int64_t>();
      m.rawInit<int64_t>(o.name, onnx::TensorProto::INT64, o.data.shape(), std::vector<int64_t>(p, p + o.data.numel()));
    } else {
      const double* p = o.data.data<double>();
      m.rawInit<double>(o.name, onnx::TensorProto::DOUBLE, o.data.shape(), std::vector<double>(p, p + o.data.numel()));
    }
    names.push_back(o.name);
  }
  onnx::NodeProto& n = m.node(op, names, {"y"});
  if (attrs) attrs(n);
  m.output("y");
  auto g = m.import();
  REQUIRE_MESSAGE(g.ok(), (g.ok() ? "" : g.error().message()));
  std::vector<ValueId> params;
  for (const Operand& o : operands) {
    if (o.data.dtype() != DType::f64) continue;
    ValueId v = g->findValue(o.name);
    REQUIRE(v != UINT32_MAX);
    REQUIRE(g->value(v).kind == ValueKind::Param);
    params.push_back(v);
  }
  ValueId y = g->outputs.at(0).value;
  GradCheck r = checkGradientsOf(std::move(*g), y, params);
  INFO(r.where);
  REQUIRE(r.error == "");
  CHECK(r.worst < tol);
}

TEST_CASE("composed ONNX activations have the gradients of their definitions") {
  Shape s{3, 5};
  expectOnnxGrad("PRelu", {{"x", randomF64(s, 1, -2, 2, {0})}, {"slope", randomF64({5}, 2)}});
  expectOnnxGrad("Softplus", {{"x", randomF64(s, 3, -4, 4)}});
  expectOnnxGrad("Softsign", {{"x", randomF64(s, 4, -3, 3, {0})}});
  expectOnnxGrad("Selu", {{"x", randomF64(s, 6, -2, 2, {0})}});
  expectOnnxGrad("Celu", {{"x", randomF64(s, 7, -2, 2, {0})}}, [](onnx::NodeProto& n) { setFloatAttr(n, "alpha", 0.5f); });
  expectOnnxGrad("Shrink", {{"x", randomF64(s, 8, -2, 2, {-0.5, 0.5})}}, [](onnx::NodeProto& n) { setFloatAttr(n, "bias", 0.25f); });
}

TEST_CASE("InstanceNormalization's gradient reaches x, scale and bias") {
  expectOnnxGrad("InstanceNormalization", {{"x", randomF64({2, 3, 4, 5}, 9, -2, 2)}, {"scale", randomF64({3}, 10)}, {"bias", randomF64({3}, 11)}},
                 [](onnx::NodeProto& n) { setFloatAttr(n, "epsilon", 1e-3f); }, 1e-5);
}

TEST_CASE("Tile, DepthToSpace and SpaceToDepth route the gradient back to each element") {
  Tensor repeats({DType::i64, {3}});
  for (int64_t i = 0; i < 3; ++i) repeats.data<int64_t>()[i] = std::vector<int64_t>{2, 1, 3}[i];
  expectOnnxGrad("Tile", {{"x", randomF64({2, 3, 1}, 15)}, {"repeats", repeats}});
  auto blocks = [](onnx::NodeProto& n) { setAttr(n, "blocksize", int64_t{2}); };
  expectOnnxGrad("DepthToSpace", {{"x", randomF64({1, 8, 2, 3}, 12)}}, blocks);
  expectOnnxGrad("DepthToSpace", {{"x", randomF64({1, 8, 2, 3}, 13)}}, [&](onnx::NodeProto& n) { blocks(n); setAttr(n, "mode", std::string("CRD")); });
  expectOnnxGrad("SpaceToDepth", {{"x", randomF64({1, 2, 4, 6}, 14)}}, blocks);
}

TEST_CASE("TopK passes the gradient of its values to the chosen elements, and ReduceProd to every factor") {
  Tensor k({DType::i64, {1}});
  k.data<int64_t>()[0] = 3;
  for (int64_t largest : {0, 1})
    expectOnnxGrad("TopK", {{"x", randomF64({4, 7}, 16)}, {"k", k}}, [&](onnx::NodeProto& n) { setAttr(n, "largest", largest); });
  expectOnnxGrad("TopK", {{"x", randomF64({5, 3}, 17)}, {"k", k}}, [&](onnx::NodeProto& n) { setAttr(n, "axis", int64_t{0}); });
  expectOnnxGrad("ReduceProd", {{"x", randomF64({3, 4}, 18, 0.5, 1.5)}}, [&](onnx::NodeProto& n) { setAttr(n, "axes", std::vector<int64_t>{1}); });
}

TEST_CASE("Conv and the pools over 1 and 3 spatial axes pass the gradient to input and weights") {
  auto ints = [](onnx::NodeProto& n, const std::string& name, std::vector<int64_t> v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  };
  expectOnnxGrad("Conv", {{"x", randomF64({2, 4, 9}, 16)}, {"w", randomF64({6, 2, 3}, 17)}, {"b", randomF64({6}, 18)}},
                 [&](onnx::NodeProto& n) { ints(n, "strides", {2}); ints(n, "pads", {1, 2}); ints(n, "dilations", {2}); setAttr(n, "group", int64_t{2}); });
  expectOnnxGrad("Conv", {{"x", randomF64({1, 2, 5, 4, 3}, 19)}, {"w", randomF64({3, 2, 2, 2, 2}, 20)}, {"b", randomF64({3}, 21)}},
                 [&](onnx::NodeProto& n) { ints(n, "strides", {2, 1, 1}); ints(n, "pads", {1, 0, 1, 1, 1, 0}); ints(n, "dilations", {2, 1, 1}); });
  // Distinct values keep the max away from ties, where it has no derivative.
  Tensor distinct = randomF64({1, 2, 5, 4, 4}, 22, -1, 1);
  for (int64_t i = 0; i < distinct.numel(); ++i) distinct.set(i, distinct.at(i) * 0.1 + 0.01 * (double)((i * 37) % distinct.numel()));
  expectOnnxGrad("MaxPool", {{"x", distinct}}, [&](onnx::NodeProto& n) { ints(n, "kernel_shape", {2, 2, 2}); ints(n, "strides", {2, 1, 2}); ints(n, "pads", {1, 0, 0, 0, 1, 1}); });
  expectOnnxGrad("AveragePool", {{"x", randomF64({1, 2, 5, 4, 4}, 23)}}, [&](onnx::NodeProto& n) {
    ints(n, "kernel_shape", {3, 2, 2}); ints(n, "strides", {2, 2, 1}); ints(n, "pads", {1, 0, 1, 1, 1, 0}); setAttr(n, "ceil_mode", int64_t{1});
  });
}

}  // namespace
}  // namespace graphc::test
