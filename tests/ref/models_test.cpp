// The reference models (MLP, LeNet, a BERT block) at their real sizes on the interpreter, which
// every backend test compares against: the outputs are finite. The time is reported, not
// asserted (a loaded CI machine must not fail a correct build).
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>

#include "ir/builder.h"
#include "ir/eval/interpreter.h"
#include "tests/ref/cases.h"
#include "tests/support.h"

using namespace graphc;
using namespace graphc::test;

namespace {

struct Model {
  Graph g;
  Builder b{g};
  uint64_t seed = 1;
  ValueId weight(Shape shape, double scale) {
    return b.param(b.graph().uniqueName("w"), randomTensor({DType::f32, std::move(shape)}, seed++, -scale, scale));
  }
  ValueId dense(ValueId x, int64_t k, int64_t n, const char* act, ValueId residual = UINT32_MAX) {
    std::vector<ValueId> ops{x, weight({k, n}, 1.0 / std::sqrt((double)k)), weight({n}, 0.1)};
    if (residual != UINT32_MAX) ops.push_back(residual);
    return b.create(OpKind::Dense, ops, attrs({{"activation", std::string(act)}}));
  }
  ValueId layerNorm(ValueId x, int64_t d) {
    return b.create(OpKind::LayerNorm, {x, b.param(g.uniqueName("g"), randomTensor({DType::f32, {d}}, seed++, 0.9, 1.1)),
                                        weight({d}, 0.1)});
  }
};

// Runs g on random inputs; checks every output is finite and reports the time taken.
void runTimed(const Graph& g, const char* name) {
  std::vector<Tensor> inputs;
  for (ValueId v : g.inputs) inputs.push_back(randomTensor(g.type(v), 99));
  auto start = std::chrono::steady_clock::now();
  auto out = eval::interpret(g, inputs);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE_MESSAGE(out.ok(), out.error().message());
  MESSAGE(std::string(name), " ran in ", secs, " s");
  int64_t nonFinite = 0;
  for (const Tensor& t : *out)
    for (int64_t i = 0; i < t.numel(); ++i) nonFinite += !std::isfinite(t.at(i));
  CHECK(nonFinite == 0);
}

}  // namespace

TEST_CASE("MLP 784-512-512-10 at batch 1024") {
  Model m;
  ValueId x = m.b.input("x", {DType::f32, {1024, 784}});
  ValueId h = m.dense(m.dense(x, 784, 512, "relu"), 512, 512, "relu");
  m.b.output("y", m.b.create(OpKind::Softmax, {m.dense(h, 512, 10, "none")}));
  runTimed(m.g, "mlp");
}

TEST_CASE("LeNet at batch 64") {
  Model m;
  auto conv = [&](ValueId x, int64_t cin, int64_t cout, Ints pads) {
    double s = 1.0 / std::sqrt(cin * 25.0);
    return m.b.create(OpKind::Conv2d, {x, m.weight({cout, cin, 5, 5}, s), m.weight({cout}, 0.1)},
                      attrs({{"pads", pads}, {"activation", std::string("relu")}}));
  };
  auto pool = [&](ValueId x) {
    return m.b.create(OpKind::MaxPool2d, {x}, attrs({{"kernel", Ints{2, 2}}, {"strides", Ints{2, 2}}}));
  };
  ValueId x = m.b.input("x", {DType::f32, {64, 1, 28, 28}});
  ValueId f = pool(conv(pool(conv(x, 1, 6, {2, 2, 2, 2})), 6, 16, {0, 0, 0, 0}));
  ValueId flat = m.b.create(OpKind::Reshape, {f}, attrs({{"shape", Ints{64, 400}}}));
  ValueId h = m.dense(m.dense(flat, 400, 120, "relu"), 120, 84, "relu");
  m.b.output("y", m.b.create(OpKind::LogSoftmax, {m.dense(h, 84, 10, "none")}));
  runTimed(m.g, "lenet");
}

TEST_CASE("BERT encoder block 8x128x256, 4 heads") {
  Model m;
  const int64_t B = 8, S = 128, D = 256, H = 4, Dh = D / H;
  ValueId x = m.b.input("x", {DType::f32, {B, S, D}});
  auto heads = [&](ValueId t, Ints perm) {
    ValueId r = m.b.create(OpKind::Reshape, {t}, attrs({{"shape", Ints{B, S, H, Dh}}}));
    return m.b.create(OpKind::Transpose, {r}, attrs({{"perm", perm}}));
  };
  ValueId q = heads(m.dense(x, D, D, "none"), {0, 2, 1, 3});  // [B,H,S,Dh]
  ValueId k = heads(m.dense(x, D, D, "none"), {0, 2, 3, 1});  // [B,H,Dh,S]
  ValueId v = heads(m.dense(x, D, D, "none"), {0, 2, 1, 3});
  ValueId scores = m.b.create(OpKind::Mul, {m.b.create(OpKind::MatMul, {q, k}), m.b.scalar(DType::f32, 1.0 / std::sqrt((double)Dh))});
  ValueId ctx = m.b.create(OpKind::MatMul, {m.b.create(OpKind::Softmax, {scores}), v});
  ValueId merged = m.b.create(OpKind::Reshape, {m.b.create(OpKind::Transpose, {ctx}, attrs({{"perm", Ints{0, 2, 1, 3}}}))},
                              attrs({{"shape", Ints{B, S, D}}}));
  ValueId h1 = m.layerNorm(m.dense(merged, D, D, "none", x), D);
  ValueId h2 = m.layerNorm(m.dense(m.dense(h1, D, 4 * D, "gelu"), 4 * D, D, "none", h1), D);
  m.b.output("y", h2);
  runTimed(m.g, "bert block");
}
