// The training-step graph: its shape, text round trip, state per context, and its errors.
#include <doctest/doctest.h>

#include "frontend/text/parser.h"
#include "frontend/text/printer.h"
#include "ir/grad.h"
#include "ir/verifier.h"
#include "tests/support.h"
#include "tests/train/train_util.h"

namespace graphc::test {
namespace {

Graph smallMlp(bool softmax) {
  return mlp(4, {{randomTensor({DType::f32, {6, 8}}, 1), randomTensor({DType::f32, {8}}, 2)},
                 {randomTensor({DType::f32, {8, 3}}, 3), randomTensor({DType::f32, {3}}, 4)}},
             softmax);
}

size_t count(const Graph& g, OpKind op) {
  size_t n = 0;
  for (const Node& node : g.nodes) n += node.op == op;
  return n;
}

TEST_CASE("a training step: inputs, outputs, updates, fused dense backward, and a text round trip") {
  auto step = buildTrainingStep(smallMlp(false), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Adam, 0.01, std::nullopt});
  REQUIRE(step);
  const Graph& g = *step;
  REQUIRE(g.inputs.size() == 2);
  CHECK(g.value(g.inputs[1]).name == "labels");
  CHECK(g.type(g.inputs[1]) == TensorType{DType::i64, {4}});
  REQUIRE(g.outputs.size() == 2);
  CHECK(g.outputs[0].name == "loss");
  CHECK(g.type(g.outputs[0].value).shape.empty());
  CHECK(g.outputs[1].name == "y");
  CHECK(g.updates.size() == 4 * 3 + 1);  // each param with its two moments, and the step count
  CHECK(count(g, OpKind::DenseGrad) == 2);  // one per dense, relu mask folded in
  CHECK(count(g, OpKind::AdamUpdate) == 4);
  for (const Update& u : g.updates) CHECK(g.useCounts()[u.value] >= 1);
  std::string text = printGraph(g);
  CHECK(text.find("state %w1.adam_m : f32[6,8] = zeros") != std::string::npos);
  CHECK(text.find("update %w1 = %w1.next") != std::string::npos);
  auto back = parseGraph(text, "step.graph");
  REQUIRE_MESSAGE(back, (back ? "" : back.error().render()));
  CHECK(printGraph(*back) == text);
  CHECK(back->updates.size() == g.updates.size());
}

// The loss of a softmax's output is computed from the softmax's logits, stably, by one fused op
// that also gives the logits' gradient; autodiff starts from there.
TEST_CASE("cross_entropy of a softmax trains through one fused softmax_cross_entropy of the logits") {
  auto step = buildTrainingStep(smallMlp(true), {LossKind::CrossEntropy, OptimizerKind::Sgd, 0.1, std::nullopt});
  REQUIRE(step);
  CHECK(count(*step, OpKind::Log) == 0);
  CHECK(count(*step, OpKind::LogSoftmax) == 0);
  CHECK(count(*step, OpKind::SoftmaxCrossEntropy) == 1);
  CHECK(count(*step, OpKind::ReduceSum) == 0);  // no gradient chain through the loss
  CHECK(count(*step, OpKind::Softmax) == 1);  // still the model's output y
  CHECK(count(*step, OpKind::SgdUpdate) == 4);
}

TEST_CASE("each context trains its own copy of the weights") {
  auto exe = prepareStep(smallMlp(false), {LossKind::Mse, OptimizerKind::Momentum, 0.1, std::nullopt});
  auto a = std::move(exe->createContext().value()), b = std::move(exe->createContext().value());
  std::vector<Tensor> outputs = exe->makeOutputs();
  Tensor x = randomTensor({DType::f32, {4, 6}}, 5), labels = Tensor::fromVector<int64_t>(DType::i64, {4}, {0, 2, 1, 2});
  Tensor in[] = {x, labels};
  ValueId w1 = exe->graph().findValue("w1"), buf = exe->graph().findValue("w1.momentum");
  REQUIRE(exe->run(*a, in, outputs));
  double first = outputs[0].at(0);
  REQUIRE(exe->run(*a, in, outputs));
  CHECK(outputs[0].at(0) < first);  // the loss went down on the same batch
  CHECK(maxAbsDiff(*exe->readState(*b, w1), exe->graph().value(w1).data) == 0);
  CHECK(maxAbsDiff(*exe->readState(*a, w1), exe->graph().value(w1).data) > 0);
  CHECK(maxAbsDiff(*exe->readState(*b, buf), Tensor(exe->graph().type(buf))) == 0);
  CHECK(maxAbsDiff(*exe->readState(*a, buf), Tensor(exe->graph().type(buf))) > 0);
  REQUIRE(exe->run(*b, in, outputs));
  CHECK(outputs[0].at(0) == first);
  CHECK(!exe->readState(*a, exe->graph().findValue("loss")));
}

TEST_CASE("training errors: label shape, label range, and a model without a float output") {
  auto bad = buildTrainingStep(smallMlp(false), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Sgd, 0.1, TensorType{DType::i64, {5}}});
  REQUIRE(!bad);
  CHECK(bad.error().message() == "class labels must be [4] for the output f32[4,3], got i64[5]");
  auto floats = buildTrainingStep(smallMlp(false), {LossKind::Mse, OptimizerKind::Sgd, 0.1, TensorType{DType::f32, {4, 2}}});
  CHECK(floats.error().message() == "labels must be class indices or f32[4,3] like the output, got f32[4,2]");

  auto exe = prepareStep(smallMlp(false), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Sgd, 0.1, std::nullopt});
  auto ctx = std::move(exe->createContext().value());
  std::vector<Tensor> outputs = exe->makeOutputs();
  Tensor in[] = {randomTensor({DType::f32, {4, 6}}, 5), Tensor::fromVector<int64_t>(DType::i64, {4}, {0, 3, 1, 2})};
  auto r = exe->run(*ctx, in, outputs);
  REQUIRE(!r);
  CHECK(r.error().message().find("label 3 at position 1 is outside [0, 3)") != std::string::npos);
}

TEST_CASE("the verifier and parser check updates") {
  auto parse = [](const std::string& body) {
    auto g = parseGraph("graph g {\n  input %x : f32[2]\n  param %w : f32[2] = [1, 2]\n  const %c : f32[2] = [1, 2]\n"
                        "  state %s : i64[] = [0]\n  %y = add(%x, %w) : f32[2]\n  output y = %y\n" + body + "}\n", "t.graph");
    return g ? std::string() : g.error().message();
  };
  CHECK(parse("  update %w = %y\n") == "");
  CHECK(parse("  update %c = %y\n") == "update target '%c' must be a param or state");
  CHECK(parse("  update %s = %y\n") == "'%y' is f32[2], but '%s' is i64[]");
  CHECK(parse("  update %w = %y\n  update %w = %x\n") == "'%w' is updated twice");
  Graph g;
  Builder b(g);
  ValueId c = b.constant(Tensor({DType::f32, {2}}));
  b.output("c", c);
  b.update(c, c);
  CHECK(verify(g).error().message() == "update target '%c' must be a param or state");
}

}  // namespace
}  // namespace graphc::test
