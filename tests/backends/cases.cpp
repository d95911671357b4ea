// The conformance cases gathered once, the one-node graph builder, and the error cases.
#include "tests/backends/cases.h"

#include <doctest/doctest.h>

namespace graphc::test {

const std::vector<OpCase>& opCases() {
  static const std::vector<OpCase> cases = [] {
    std::vector<OpCase> out;
    addElementwiseCases(out);
    addMovementCases(out);
    addNormCases(out);
    addLinalgCases(out);
    addConvCases(out);
    addTrainOpCases(out);
    addBf16Cases(out);
    return out;
  }();
  return cases;
}

AttrMap activationAttrs(const std::string& act) {
  AttrMap a = attrs({{"activation", act}});
  if (act == "leaky_relu" || act == "elu") a.set("alpha", 0.3);
  if (act == "clip") a.set("alpha", -0.5), a.set("beta", 0.75);
  return a;
}

Graph oneOpGraph(OpKind op, const std::vector<TensorType>& inputs, AttrMap a, const std::vector<Tensor>& consts) {
  Graph g;
  Builder b(g);
  std::vector<ValueId> ops;
  for (size_t i = 0; i < inputs.size(); ++i)
    ops.push_back(i < consts.size() && !consts[i].empty() ? b.constant(consts[i], "c" + std::to_string(i))
                                                          : b.input("x" + std::to_string(i), inputs[i]));
  auto r = b.tryCreate(op, ops, std::move(a));
  if (!r) throw std::runtime_error(fmt::format("{}: {}", opName(op), r.error().message()));
  for (size_t i = 0; i < r->size(); ++i) b.output("y" + std::to_string(i), (*r)[i]);
  return g;
}

std::vector<ErrorCase> errorCases() {
  std::vector<ErrorCase> out;
  out.push_back({"div/integer division by zero", oneOpGraph(OpKind::Div, {{DType::i32, {4}}, {DType::i32, {4}}}),
                 {Tensor::fromVector<int>(DType::i32, {4}, {1, 2, 3, 4}), Tensor::fromVector<int>(DType::i32, {4}, {1, 0, 1, 1})},
                 "division by zero"});
  out.push_back({"gather/index out of range", oneOpGraph(OpKind::Gather, {{DType::f32, {5, 3}}, {DType::i64, {2}}}),
                 {randomF32({5, 3}, 1), Tensor::fromVector<int>(DType::i64, {2}, {1, 5})},
                 "out of range"});
  return out;
}

}  // namespace graphc::test
