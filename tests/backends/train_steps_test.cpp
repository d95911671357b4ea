// Whole training steps (forward, loss, backward, optimizer update) on every backend against
// the ref backend over several steps, and training state kept per context. Failures name
// "<backend>/train/step <model>, <loss>, <optimizer>".
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "ir/convert.h"
#include "passes/pass.h"
#include "passes/train/training.h"
#include "runtime/state.h"
#include "tests/backends/cases.h"
#include "tests/backends/skips.h"
#include "tests/train/train_util.h"

namespace graphc::test {
namespace {

// conv relu -> max pool -> avg pool counting the padding -> dense, batch 4.
Graph convModel() {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {4, 1, 12, 12}});
  ValueId c = b.create(OpKind::Conv2d, {x, b.param("w", randomF32({6, 1, 3, 3}, 1, -0.5, 0.5)), b.param("b", randomF32({6}, 2, -0.1, 0.1))},
                       attrs({{"pads", Ints{1, 1, 1, 1}}, {"activation", std::string("relu")}}));
  ValueId p = b.create(OpKind::MaxPool2d, {c}, attrs({{"kernel", Ints{2, 2}}, {"strides", Ints{2, 2}}}));
  ValueId a = b.create(OpKind::AvgPool2d, {p}, attrs({{"kernel", Ints{3, 3}}, {"pads", Ints{1, 1, 1, 1}}, {"count_include_pad", int64_t{1}}}));
  ValueId f = b.create(OpKind::Reshape, {a}, attrs({{"shape", Ints{4, 216}}}));
  b.output("y", b.create(OpKind::Dense, {f, b.param("wd", randomF32({216, 3}, 3, -0.1, 0.1)), b.param("bd", randomF32({3}, 4))}));
  return g;
}

struct StepCase {
  const char* model;
  Graph graph;
  TrainingOptions options;
  int steps;
  int64_t classes;
  double tol = 1e-4;  // relative; f32 sums in other orders drift apart a little every step
  bool bf16 = false;  // --precision bf16: the products read bf16 copies of the weights
};

std::vector<StepCase> stepCases() {
  TensorType floatLabels{DType::f32, {16, 5}};
  std::vector<StepCase> cases;
  for (OptimizerKind opt : {OptimizerKind::Adam, OptimizerKind::Momentum, OptimizerKind::Sgd})
    cases.push_back({"mlp", layerNormMlp(false), {LossKind::SoftmaxCrossEntropy, opt, 0.01, std::nullopt}, 6, 5, 1e-5});
  cases.push_back({"mlp", layerNormMlp(false), {LossKind::Mse, OptimizerKind::Momentum, 0.05, floatLabels}, 5, 5});
  cases.push_back({"mlp ending in softmax", layerNormMlp(true), {LossKind::CrossEntropy, OptimizerKind::Adam, 0.01, std::nullopt}, 5, 5});
  cases.push_back({"mlp ending in softmax", layerNormMlp(true), {LossKind::CrossEntropy, OptimizerKind::Sgd, 0.1, floatLabels}, 3, 5});
  cases.push_back({"convnet", convModel(), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Adam, 0.01, std::nullopt}, 4, 3});
  // bf16: a bf16 activation may round one ulp (2^-8) apart on two backends, whose f32 sums run
  // in other orders.
  for (OptimizerKind opt : {OptimizerKind::Adam, OptimizerKind::Momentum, OptimizerKind::Sgd})
    cases.push_back({"mlp", layerNormMlp(false), {LossKind::SoftmaxCrossEntropy, opt, 0.01, std::nullopt}, 4, 5, 2e-2, true});
  cases.push_back({"convnet", convModel(), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Adam, 0.01, std::nullopt}, 3, 3, 2e-2, true});
  return cases;
}

std::string caseName(const StepCase& c) {
  return fmt::format("train/{}step {}, {}{}, {}", c.bf16 ? "bf16/" : "", c.model, lossName(c.options.loss),
                     c.options.labels ? " (float labels)" : "", optimizerName(c.options.optimizer));
}

std::unique_ptr<Executable> prepare(const BackendInfo& backend, const Graph& step) {
  auto exe = backend.prepare(step, CompileOptions{std::string(backend.name), 0});
  REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().message()));
  return std::move(*exe);
}

// Each bf16 copy of a trained weight (precision_bf16) holds that weight rounded to bf16.
void checkBf16Copies(const Graph& step, const Executable& exe, const ExecutionContext& ctx) {
  int copies = 0;
  for (const Update& u : step.updates)
    for (ValueId copy : bf16CopiesOf(step, u.target)) {
      INFO("the bf16 copy of ", step.value(u.target).name);
      Tensor master = *exe.readState(ctx, u.target), rounded(step.type(copy));
      castElements(DType::f32, master.raw(), DType::bf16, rounded.raw(), master.numel());
      CHECK(exe.readState(ctx, copy)->bitEqual(rounded));
      ++copies;
    }
  CHECK(copies > 0);
}

// `steps` steps on backend and on ref from the same data: the outputs (the loss first) and the
// trained state must agree; in bf16, after each step, every weight's bf16 copy is the weight
// rounded. A weight written between steps (the C API's) rewrites its copy too.
void checkSteps(const BackendInfo& backend, const StepCase& c) {
  auto step = buildTrainingStep(c.graph, c.options);
  REQUIRE_MESSAGE(step.ok(), (step.ok() ? "" : step.error().message()));
  if (c.bf16) REQUIRE(runPipeline(*step, {"precision_bf16", "dce"}).ok());
  auto ours = prepare(backend, *step), theirs = prepare(*findBackend("ref"), *step);
  auto c1 = std::move(ours->createContext().value()), c2 = std::move(theirs->createContext().value());
  for (int s = 0; s < c.steps; ++s) {
    std::vector<Tensor> in;
    for (ValueId v : step->inputs) {
      const TensorType& t = step->type(v);
      in.push_back(isInteger(t.dtype) ? randomTensor(t, 100 + s, 0, (double)c.classes) : randomTensor(t, 200 + s));
    }
    auto o1 = ours->makeOutputs(), o2 = theirs->makeOutputs();
    REQUIRE(ours->run(*c1, in, o1).ok());
    REQUIRE(theirs->run(*c2, in, o2).ok());
    INFO("step ", s);
    for (size_t i = 0; i < o1.size(); ++i) CHECK(maxRelDiff(o1[i], o2[i]) < c.tol);
    if (c.bf16) checkBf16Copies(*step, *ours, *c1);
    if (c.bf16 && s == 0) {  // every weight set to another (the same on both), copies and all
      for (ValueId w : step->constants) {
        if (step->value(w).kind != ValueKind::Param || bf16CopiesOf(*step, w).empty()) continue;
        Tensor other = randomTensor(step->type(w), 300 + w, -0.5, 0.5);
        REQUIRE(ours->writeState(*c1, w, viewOf(other)).ok());
        REQUIRE(theirs->writeState(*c2, w, viewOf(other)).ok());
      }
      checkBf16Copies(*step, *ours, *c1);
    }
  }
  if (c.bf16 && ours->arenaPlan()) {  // the copies are written into the state block, not copied there
    CHECK(ours->arenaPlan()->updatesInPlace == ours->arenaPlan()->updates);
  }
  for (const Update& u : step->updates) {
    auto w1 = ours->readState(*c1, u.target), w2 = theirs->readState(*c2, u.target);
    REQUIRE(w1.ok());
    REQUIRE(w2.ok());
    INFO("state ", step->value(u.target).name);
    CHECK(maxRelDiff(*w1, *w2) < c.tol);
  }
}

}  // namespace

std::vector<std::string> trainStepCaseNames() {
  std::vector<std::string> names;
  for (const StepCase& c : stepCases()) names.push_back(caseName(c));
  names.push_back("train/contexts");
  return names;
}

TEST_CASE("training steps on every backend match the ref backend's, step by step") {
  for (const StepCase& c : stepCases())
    for (const BackendInfo& backend : allBackends()) {
      if (findSkip(backend.name, caseName(c))) continue;
      INFO(caseOn(backend.name, caseName(c)));
      checkSteps(backend, c);
    }
}

TEST_CASE("on every backend, each context trains its own copy of the weights") {
  auto step = buildTrainingStep(layerNormMlp(false), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Sgd, 0.1, std::nullopt});
  REQUIRE(step.ok());
  ValueId w1 = step->findValue("w1");
  std::vector<Tensor> in{randomF32({16, 20}, 1), randomTensor({DType::i64, {16}}, 2, 0, 5)};
  for (const BackendInfo& backend : allBackends()) {
    if (findSkip(backend.name, "train/contexts")) continue;
    INFO(caseOn(backend.name, "train/contexts"));
    auto exe = prepare(backend, *step);
    auto a = std::move(exe->createContext().value()), b = std::move(exe->createContext().value());
    auto out = exe->makeOutputs();
    for (int i = 0; i < 3; ++i) REQUIRE(exe->run(*a, in, out).ok());
    REQUIRE(exe->run(*b, in, out).ok());
    auto fresh = std::move(exe->createContext().value());
    auto wa = exe->readState(*a, w1), wb = exe->readState(*b, w1), w0 = exe->readState(*fresh, w1);
    REQUIRE(wa.ok());
    CHECK(!wa->bitEqual(*wb));                 // a took three steps, b one
    CHECK(w0->bitEqual(step->value(w1).data));  // a new context starts from the initial weights
    auto again = std::move(exe->createContext().value());
    REQUIRE(exe->run(*again, in, out).ok());
    CHECK(exe->readState(*again, w1)->bitEqual(*wb));  // one step from the same start: same weights
  }
}


// States updated by a node that does not read them, while other nodes read the old value: the
// new value must not land in the state before they have. On dnnl, a matmul takes the scale
// after it over (so the scaled product would be written at the matmul's step, before the add
// reads s), and a transpose that only a matmul reads is a view (so the matmul would read t
// through the very memory it writes). Every backend must compute what ref does, step by step.
TEST_CASE("on every backend, a state rewritten by a node that does not read it keeps its old value for its readers") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {8, 8}});
  ValueId a = b.param("a", randomF32({8, 8}, 1, -0.5, 0.5));
  ValueId s = b.state("s", randomF32({8, 8}, 2));
  ValueId t = b.state("t", randomF32({8, 8}, 3));
  ValueId scaled = b.create(OpKind::Mul, {b.create(OpKind::MatMul, {x, a}), b.scalar(DType::f32, 2.0)});
  b.output("r", b.create(OpKind::Add, {s, x}));
  ValueId next = b.create(OpKind::MatMul, {b.create(OpKind::Transpose, {t}, attrs({{"perm", Ints{1, 0}}})), a});
  b.output("u", next);
  b.update(s, scaled);
  b.update(t, next);
  REQUIRE(g.finalize().ok());
  for (const BackendInfo& backend : allBackends()) {
    INFO(backend.name);
    auto ours = prepare(backend, g), theirs = prepare(*findBackend("ref"), g);
    auto c1 = std::move(ours->createContext().value()), c2 = std::move(theirs->createContext().value());
    for (int step = 0; step < 3; ++step) {
      std::vector<Tensor> in{randomF32({8, 8}, 10 + step)};
      auto o1 = ours->makeOutputs(), o2 = theirs->makeOutputs();
      REQUIRE(ours->run(*c1, in, o1).ok());
      REQUIRE(theirs->run(*c2, in, o2).ok());
      INFO("step ", step);
      for (size_t i = 0; i < o1.size(); ++i) {
        INFO("output ", g.outputs[i].name);
        CHECK(maxRelDiff(o1[i], o2[i]) < 1e-5);
      }
    }
    for (ValueId v : {s, t}) {
      INFO("state ", g.value(v).name);
      CHECK(maxRelDiff(*ours->readState(*c1, v), *theirs->readState(*c2, v)) < 1e-5);
    }
  }
}

}  // namespace graphc::test
