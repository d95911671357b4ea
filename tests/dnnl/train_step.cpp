// dnnl backend: whole training steps (forward, loss, backward, optimizer update) against the
// interpreter over several steps, and training state kept per context.
#include "backend/ref/executable.h"
#include "passes/train/training.h"
#include "tests/dnnl/check.h"

namespace graphc::test {

using V = std::vector<int64_t>;

static Graph mlpModel() {
  Graph g;
  Builder b(g);
  ValueId h = b.input("x", {DType::f32, {16, 20}});
  h = b.create(OpKind::Dense, {h, b.param("w1", randomF32({20, 33}, 1, -0.3, 0.3)), b.param("b1", randomF32({33}, 2, -0.1, 0.1))},
               attrs({{"activation", std::string("relu")}}));
  h = b.create(OpKind::LayerNorm, {h, b.param("s", randomF32({33}, 3, 0.5, 1.5)), b.param("t", randomF32({33}, 4, -0.1, 0.1))});
  h = b.create(OpKind::Dense, {h, b.param("w2", randomF32({33, 5}, 5, -0.3, 0.3)), b.param("b2", randomF32({5}, 6, -0.1, 0.1))},
               attrs({{"activation", std::string("tanh")}}));
  b.output("y", h);
  return g;
}

static Graph convModel() {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {4, 1, 12, 12}});
  ValueId c = b.create(OpKind::Conv2d, {x, b.param("w", randomF32({6, 1, 3, 3}, 1, -0.5, 0.5)), b.param("b", randomF32({6}, 2, -0.1, 0.1))},
                       attrs({{"pads", V{1, 1, 1, 1}}, {"activation", std::string("relu")}}));
  ValueId p = b.create(OpKind::MaxPool2d, {c}, attrs({{"kernel", V{2, 2}}, {"strides", V{2, 2}}}));
  ValueId a = b.create(OpKind::AvgPool2d, {p}, attrs({{"kernel", V{3, 3}}, {"pads", V{1, 1, 1, 1}}, {"count_include_pad", int64_t{1}}}));
  ValueId f = b.create(OpKind::Reshape, {a}, attrs({{"shape", V{4, 216}}}));
  b.output("y", b.create(OpKind::Dense, {f, b.param("wd", randomF32({216, 3}, 3, -0.1, 0.1)), b.param("bd", randomF32({3}, 4))}));
  return g;
}

// Runs `steps` training steps on dnnl and on the interpreter from the same data; the losses and
// the trained weights must agree.
static void checkTraining(const Graph& model, TrainingOptions opts, int steps, int64_t classes, double tol = 1e-4) {
  auto step = buildTrainingStep(model, opts);
  REQUIRE_MESSAGE(step.ok(), (step.ok() ? "" : step.error().message()));
  auto ours = dnnl::prepare(*step, {});
  REQUIRE_MESSAGE(ours.ok(), (ours.ok() ? "" : ours.error().message()));
  auto theirs = ref::prepare(*step, {});
  REQUIRE(theirs.ok());
  auto c1 = std::move((*ours)->createContext().value()), c2 = std::move((*theirs)->createContext().value());
  for (int s = 0; s < steps; ++s) {
    std::vector<Tensor> in;
    for (ValueId v : step->inputs) {
      const TensorType& t = step->type(v);
      in.push_back(isInteger(t.dtype) ? randomTensor(t, 100 + s, 0, (double)classes) : randomTensor(t, 200 + s));
    }
    auto o1 = (*ours)->makeOutputs(), o2 = (*theirs)->makeOutputs();
    REQUIRE((*ours)->run(*c1, in, o1).ok());
    REQUIRE((*theirs)->run(*c2, in, o2).ok());
    INFO("step ", s);
    for (size_t i = 0; i < o1.size(); ++i) CHECK(maxRelDiff(o1[i], o2[i]) < tol);
  }
  for (const Update& u : step->updates) {
    auto w1 = (*ours)->readState(*c1, u.target), w2 = (*theirs)->readState(*c2, u.target);
    REQUIRE(w1.ok());
    REQUIRE(w2.ok());
    INFO("state ", step->value(u.target).name);
    CHECK(maxRelDiff(*w1, *w2) < tol);
  }
}

TEST_CASE("dnnl: training steps (MLP with layer norm; Adam, momentum, SGD)") {
  checkTraining(mlpModel(), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Adam, 0.01, std::nullopt}, 5, 5);
  checkTraining(mlpModel(), {LossKind::Mse, OptimizerKind::Momentum, 0.05, TensorType{DType::f32, {16, 5}}}, 5, 5);
  checkTraining(mlpModel(), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Sgd, 0.1, std::nullopt}, 3, 5);
}

// A model that ends in softmax, trained with cross_entropy: the loss fuses with the softmax's
// logits, and the small dense and softmax steps run on our loops.
TEST_CASE("dnnl: training steps of a classifier that ends in softmax (cross_entropy)") {
  Graph g = mlpModel();
  Builder b(g);
  ValueId y = g.outputs[0].value;
  g.outputs.clear();
  b.output("p", b.create(OpKind::Softmax, {y}));
  checkTraining(g, {LossKind::CrossEntropy, OptimizerKind::Adam, 0.01, std::nullopt}, 5, 5);
  checkTraining(g, {LossKind::CrossEntropy, OptimizerKind::Sgd, 0.1, TensorType{DType::f32, {16, 5}}}, 3, 5);
}

TEST_CASE("dnnl: training steps of a small convnet") {
  checkTraining(convModel(), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Adam, 0.01, std::nullopt}, 4, 3);
}

TEST_CASE("dnnl: each context trains its own copy of the weights") {
  auto step = buildTrainingStep(mlpModel(), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Sgd, 0.1, std::nullopt});
  REQUIRE(step.ok());
  auto exe = dnnl::prepare(*step, {});
  REQUIRE(exe.ok());
  std::vector<Tensor> in{randomF32({16, 20}, 1), randomTensor({DType::i64, {16}}, 2, 0, 5)};
  auto a = std::move((*exe)->createContext().value()), b = std::move((*exe)->createContext().value());
  auto out = (*exe)->makeOutputs();
  for (int i = 0; i < 3; ++i) REQUIRE((*exe)->run(*a, in, out).ok());
  REQUIRE((*exe)->run(*b, in, out).ok());
  auto fresh = std::move((*exe)->createContext().value());
  ValueId w1 = step->findValue("w1");
  auto wa = (*exe)->readState(*a, w1), wb = (*exe)->readState(*b, w1), w0 = (*exe)->readState(*fresh, w1);
  REQUIRE(wa.ok());
  CHECK(!wa->bitEqual(*wb));                       // a took three steps, b one
  CHECK(w0->bitEqual(step->value(w1).data));        // a new context starts from the initial weights
  auto again = std::move((*exe)->createContext().value());
  REQUIRE((*exe)->run(*again, in, out).ok());
  CHECK((*exe)->readState(*again, w1)->bitEqual(*wb));  // one step from the same start: same weights
}

// The updates write the new weights and optimizer state over the old, in place: no step copies
// state, the updates of all params run as one step, and repeated steps still match the
// interpreter.
TEST_CASE("dnnl: a training step updates its state in place") {
  for (OptimizerKind opt : {OptimizerKind::Adam, OptimizerKind::Momentum, OptimizerKind::Sgd}) {
    auto step = buildTrainingStep(mlpModel(), {LossKind::SoftmaxCrossEntropy, opt, 0.01, std::nullopt});
    REQUIRE(step.ok());
    auto exe = dnnl::prepare(*step, {});
    REQUIRE(exe.ok());
    int updates = 0;
    for (const std::string& s : dnnl::stepNames(**exe)) {
      INFO(s);
      CHECK(s.find("update ") != 0);  // Lowering::finish names its state copies "update NAME"
      updates += s.find("_update' node") != std::string::npos;
    }
    CHECK(updates == 1);  // one optimizer step for all six params
    checkTraining(mlpModel(), {LossKind::SoftmaxCrossEntropy, opt, 0.01, std::nullopt}, 6, 5, 1e-5);
  }
}

// When the old value is still read after its update (here by a node later in order), the update
// cannot write over it: the new value goes to its own buffer and is copied at the end.
TEST_CASE("dnnl: an update whose old value is read later is not done in place") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {4, 3}});
  Tensor w0 = randomF32({4, 3}, 7);
  ValueId w = b.param("w", w0);
  ValueId next = b.create(OpKind::SgdUpdate, {w, x}, attrs({{"lr", 0.5}}));
  b.output("y", b.create(OpKind::Mul, {w, x}));  // reads the old w after the update node
  b.update(w, next);
  REQUIRE(g.finalize().ok());
  auto exe = dnnl::prepare(g, {});
  REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().message()));
  bool copies = false;
  for (const std::string& s : dnnl::stepNames(**exe)) copies = copies || s == "update w";
  CHECK(copies);
  Tensor in = randomF32({4, 3}, 8);
  auto ctx = std::move((*exe)->createContext().value());
  auto out = (*exe)->makeOutputs();
  REQUIRE((*exe)->run(*ctx, std::vector<Tensor>{in}, out).ok());
  for (int64_t i = 0; i < 12; ++i) {
    CHECK(out[0].at(i) == doctest::Approx(w0.at(i) * in.at(i)));
    CHECK((*exe)->readState(*ctx, w)->at(i) == doctest::Approx(w0.at(i) - 0.5 * in.at(i)));
  }
}

}  // namespace graphc::test
