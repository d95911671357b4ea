// dnnl backend: how a training step's updates compile (in place, or through a copy when the old
// value is still read).
#include "passes/pass.h"
#include "passes/train/training.h"
#include "tests/dnnl/check.h"
#include "tests/train/train_util.h"

namespace graphc::test {

using V = std::vector<int64_t>;

// The updates write the new weights and optimizer state over the old, in place: no step copies
// state, and the updates of all params run as one step (tests/backends checks the values of
// these steps against the ref backend's). In bf16 that step also writes the weights' bf16
// copies, in place too: no cast of a weight is left.
TEST_CASE("dnnl: a training step updates its state in place") {
  for (bool bf16 : {false, true}) {
    if (bf16 && !dnnl::multipliesBf16Natively(OpKind::Dense)) continue;  // refused without AVX512-BF16 or AMX
    for (OptimizerKind opt : {OptimizerKind::Adam, OptimizerKind::Momentum, OptimizerKind::Sgd}) {
      CAPTURE(bf16);
      CAPTURE((int)opt);
      auto step = buildTrainingStep(layerNormMlp(false), {LossKind::SoftmaxCrossEntropy, opt, 0.01, std::nullopt});
      REQUIRE(step.ok());
      if (bf16) REQUIRE(runPipeline(*step, {"precision_bf16", "dce"}).ok());
      auto exe = dnnl::prepare(*step, {});
      REQUIRE(exe.ok());
      int updates = 0, casts = 0;
      for (const std::string& s : dnnl::stepNames(**exe)) {
        INFO(s);
        CHECK(s.find("update ") != 0);  // Lowering::finish names its state copies "update NAME"
        updates += s.find("_update' node") != std::string::npos;
        casts += s.find("'cast'") != std::string::npos;
        CHECK(s.find(".next.bf16") == std::string::npos);
      }
      CHECK(updates == 1);  // one optimizer step for all six params
      CHECK(casts == (bf16 ? 2 : 0));  // x's, and the layer norm's before the second dense
    }
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
