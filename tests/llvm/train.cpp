// llvm backend: a training step's state block (updates in place, or through a copy when the
// old value is still read or the new one comes out of a fusion group) and its dense_grad,
// expanded by prepare itself when the driver's passes did not run.
#include "backend/llvm/call_plan.h"
#include "passes/pass.h"
#include "runtime/state.h"
#include "passes/train/training.h"
#include "tests/llvm/check.h"
#include "tests/train/train_util.h"

namespace graphc::test {

// After one run on one context, the state of update target w in it.
Tensor trainedState(const Executable& exe, ExecutionContext& ctx, ValueId w, std::span<const Tensor> inputs) {
  auto out = exe.makeOutputs();
  Status st = exe.run(ctx, inputs, out);
  REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message()));
  auto state = exe.readState(ctx, w);
  REQUIRE_MESSAGE(state.ok(), (state.ok() ? "" : state.error().message()));
  return *state;
}

// Every optimizer writes the new weights and state over the old ones in the state block: no
// update needs an arena buffer and a copy (tests/backends checks the values against ref). In
// bf16 the update's loop writes the weights' bf16 copies too, in place: their casts get no call.
TEST_CASE("llvm: a training step updates its state in place") {
  for (bool bf16 : {false, true})
  for (OptimizerKind opt : {OptimizerKind::Adam, OptimizerKind::Momentum, OptimizerKind::Sgd}) {
    CAPTURE(bf16);
    auto step = buildTrainingStep(layerNormMlp(false), {LossKind::SoftmaxCrossEntropy, opt, 0.01, std::nullopt});
    REQUIRE(step.ok());
    if (bf16) {
      REQUIRE(runPipeline(*step, {"precision_bf16", "dce"}).ok());
      int copies = 0;
      for (const Node& n : step->nodes) copies += bf16CopyCast(*step, n) != nullptr;
      CHECK(copies == 2);  // w1 and w2
      for (const llvmjit::NodeCall& call : llvmjit::planCalls(*step).calls) {
        const Node& n = step->nodes[call.node];
        CHECK_FALSE((n.op == OpKind::Cast && step->producer(n.operands[0]) && step->producer(n.operands[0])->info().has(kStateful)));
      }
    }
    auto exe = llvmjit::prepare(*step, CompileOptions{"llvm", 1});
    REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().render()));
    const Executable::ArenaPlan* plan = (*exe)->arenaPlan();
    REQUIRE(plan != nullptr);
    INFO("optimizer ", (int)opt);
    CHECK(plan->updates == (int)step->updates.size());
    CHECK(plan->updatesInPlace == plan->updates);
    size_t stateBytes = 0;
    for (const Update& u : step->updates) stateBytes += (step->type(u.target).bytes() + 63) / 64 * 64;
    CHECK(plan->stateBytes == stateBytes);
    CHECK((*exe)->blockSizes().state == stateBytes);
  }
}

// sgd(w, x) updates w while a later node reads the old w: the new value goes to the arena and
// is copied into the state block after the outputs. The output sees the old w, the state the new.
TEST_CASE("llvm: an update whose old value is read later is copied, not written in place") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {4, 3}});
  Tensor w0 = randomTensor({DType::f32, {4, 3}}, 7);
  ValueId w = b.param("w", w0);
  ValueId next = b.create(OpKind::SgdUpdate, {w, x}, attrs({{"lr", 0.5}}));
  b.output("y", b.create(OpKind::Mul, {w, x}));
  b.update(w, next);
  REQUIRE(g.finalize().ok());
  auto exe = llvmjit::prepare(g, CompileOptions{"llvm", 1});
  REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().render()));
  CHECK((*exe)->arenaPlan()->updatesInPlace == 0);
  Tensor in = randomTensor({DType::f32, {4, 3}}, 8);
  auto ctx = contextOf(**exe);
  auto out = (*exe)->makeOutputs();
  REQUIRE((*exe)->run(*ctx, std::vector<Tensor>{in}, out).ok());
  Tensor state = *(*exe)->readState(*ctx, w);
  for (int64_t i = 0; i < 12; ++i) {
    CHECK(out[0].at(i) == doctest::Approx(w0.at(i) * in.at(i)));
    CHECK(state.at(i) == doctest::Approx(w0.at(i) - 0.5 * in.at(i)));
  }
  // A second step starts from the first one's weights.
  state = trainedState(**exe, *ctx, w, std::vector<Tensor>{in});
  for (int64_t i = 0; i < 12; ++i) CHECK(state.at(i) == doctest::Approx(w0.at(i) - 1.0 * in.at(i)));
}

// w' = w - x * w, all elementwise: fuse_elementwise makes it one group that reads w and writes
// w'. The update must not alias w inside the group's loop, so it goes through a copy.
TEST_CASE("llvm: an update computed inside a fusion group is copied into the state") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {8, 5}});
  Tensor w0 = randomTensor({DType::f32, {8, 5}}, 3);
  ValueId w = b.param("w", w0);
  ValueId next = b.create(OpKind::Sub, {w, b.create(OpKind::Mul, {x, w})});
  b.output("y", b.create(OpKind::Add, {next, w}));
  b.update(w, next);
  REQUIRE(g.finalize().ok());
  REQUIRE(runPipeline(g, {"fuse_elementwise"}).ok());
  auto exe = llvmjit::prepare(g, CompileOptions{"llvm", 1});
  REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().render()));
  CHECK((*exe)->arenaPlan()->updatesInPlace == 0);
  Tensor in = randomTensor({DType::f32, {8, 5}}, 4);
  auto ctx = contextOf(**exe);
  auto out = (*exe)->makeOutputs();
  REQUIRE((*exe)->run(*ctx, std::vector<Tensor>{in}, out).ok());
  Tensor state = *(*exe)->readState(*ctx, w);
  for (int64_t i = 0; i < 40; ++i) {
    double updated = w0.at(i) - in.at(i) * w0.at(i);
    CHECK(state.at(i) == doctest::Approx(updated));
    CHECK(out[0].at(i) == doctest::Approx(updated + w0.at(i)));
  }
}

// writeState sets a param between steps; readState of a param no update targets is its data;
// of a value that is no param, an error.
TEST_CASE("llvm: params are read and written between steps by their ids in the caller's graph") {
  auto step = buildTrainingStep(layerNormMlp(false), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Sgd, 0.1, std::nullopt});
  REQUIRE(step.ok());
  auto exe = llvmjit::prepare(*step, CompileOptions{"llvm", 1});
  REQUIRE(exe.ok());
  auto ctx = contextOf(**exe);
  const Update& first = step->updates.front();
  const Tensor zeros(step->type(first.target));
  REQUIRE((*exe)->writeState(*ctx, first.target, viewOf(zeros)).ok());
  Tensor back = *(*exe)->readState(*ctx, first.target);
  CHECK(maxRelDiff(back, zeros) == 0);
  const Tensor wrong(TensorType{DType::f32, {1}});
  CHECK(!(*exe)->writeState(*ctx, first.target, viewOf(wrong)).ok());
  CHECK(!(*exe)->readState(*ctx, step->inputs.front()).ok());
}

// dense_grad's three products become matmuls; the first layer's input gradient is used by
// nothing and is never computed. The ids of the caller's graph still name the same values.
TEST_CASE("llvm: a training step's dense_grads run expanded, without the unused input gradient") {
  auto step = buildTrainingStep(layerNormMlp(false), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Adam, 0.01, std::nullopt});
  REQUIRE(step.ok());
  auto exe = llvmjit::prepare(*step, CompileOptions{"llvm", 1});
  REQUIRE(exe.ok());
  const Graph& ran = (*exe)->graph();
  int denseGrads = 0, matmuls = 0;
  for (const Node& n : ran.nodes) {
    if (n.dead) continue;
    denseGrads += n.op == OpKind::DenseGrad;
    matmuls += n.op == OpKind::MatMul;
  }
  CHECK(denseGrads == 0);
  CHECK(matmuls == 3);  // dw of both layers, dx of the second
  for (const Update& u : step->updates) CHECK(ran.value(u.target).name == step->value(u.target).name);
}

}  // namespace graphc::test
