// The fusion and raising passes: every FileCheck case computes the same after its pass (on the
// interpreter, random inputs), and the structure comes out as expected on graphs built in code.
#include <fstream>
#include <sstream>

#include "frontend/text/parser.h"
#include "frontend/text/split.h"
#include "tests/passes/helpers.h"

using namespace graphc;
using namespace graphc::test;

namespace {

// Runs `passes` on every `// -----` case of tests/passes/<file> and compares the interpreter
// before and after. The decomposed forms are evaluated in f32 step by step, the fused ops in
// double, hence the tolerance.
void checkCases(const std::string& file, const std::vector<std::string>& passes) {
  std::ifstream in(dataPath("../passes/" + file));
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  std::string source = text.str();
  for (const SourceChunk& chunk : splitInputFile(source)) {
    auto g = parseGraph(chunk.text, file, chunk.firstLine);
    REQUIRE_MESSAGE(g.ok(), (g.ok() ? "" : g.error().message()));
    INFO(file << " case '" << g->name << "'");
    runAndCompare(*g, passes, nullptr, 1e-5);
  }
}

AttrMap act(const char* name) { return attrs({{"activation", std::string(name)}}); }

}  // namespace

TEST_CASE("every FileCheck case of the fusion passes computes the same after them") {
  checkCases("fuse_dense.graph", {"fuse_dense"});
  checkCases("fuse_conv.graph", {"fuse_conv"});
  checkCases("fuse_layer_norm.graph", {"fuse_layer_norm"});
  checkCases("fuse_gelu.graph", {"fuse_gelu", "fuse_dense"});
  // Grouping only annotates: the interpreter ignores the groups.
  checkCases("fuse_elementwise.graph", {"fuse_elementwise"});
  checkCases("raise_log_softmax.graph", {"raise_log_softmax"});
  checkCases("fold_pad.graph", {"fold_pad"});
  checkCases("raise_hard_swish.graph", {"raise_hard_swish"});
  checkCases("raise_silu.graph", {"raise_silu"});
  checkCases("expand_dense_grad.graph", {"expand_dense_grad"});
}

TEST_CASE("expand_dense_grad refuses a gelu dense_grad at its location: its derivative needs the pre-activation") {
  auto g = parseGraph(R"(graph g {
  input %dy : f32[2,3]
  input %x : f32[2,4]
  input %w : f32[4,3]
  input %y : f32[2,3]
  %dx, %dw, %db = dense_grad(%dy, %x, %w, %y) {activation = "gelu"} : f32[2,4], f32[4,3], f32[3]
  output dx = %dx
  output dw = %dw
  output db = %db
})", "gelu.graph");
  REQUIRE(g.ok());
  Status st = runPipeline(*g, {"expand_dense_grad"});
  REQUIRE(!st.ok());
  CHECK(st.error().diags.front().loc.line == 6);
  CHECK(st.error().message().find("pre-activation") != std::string::npos);
}

TEST_CASE("fuse_dense: matmul + bias + relu + residual become one dense") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({4, 8}));
  ValueId w = b.param("w", randomTensor(f32({8, 8}), 1)), bias = b.param("b", randomTensor(f32({8}), 2));
  ValueId h = b.create(OpKind::Relu, {b.create(OpKind::Add, {b.create(OpKind::MatMul, {x, w}), bias})});
  b.output("y", b.create(OpKind::Add, {h, x}));
  std::string log;
  Graph after = runAndCompare(g, {"fuse_dense"}, &log);
  REQUIRE(liveNodes(after) == 1);
  const Node* d = after.producer(after.outputs[0].value);
  REQUIRE(d->op == OpKind::Dense);
  CHECK(d->operands.size() == 4);
  CHECK(d->operands[3] == after.inputs[0]);
  CHECK(std::get<std::string>(*d->attrs.find("activation")) == "relu");
  CHECK(log.find("rewrite: dense-residual fired") != std::string::npos);
}

TEST_CASE("fuse_dense leaves a matmul alone when its result is used twice") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({4, 8})), w = b.input("w", f32({8, 3})), bias = b.input("b", f32({3}));
  ValueId m = b.create(OpKind::MatMul, {x, w});
  b.output("y", b.create(OpKind::Add, {m, bias}));
  b.output("z", b.create(OpKind::Sigmoid, {m}));
  Graph after = runAndCompare(g, {"fuse_dense"});
  CHECK(countOps(after, OpKind::Dense) == 0);
  CHECK(liveNodes(after) == 3);
}

TEST_CASE("fuse_conv: per-channel bias, activation and residual fold into the conv") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({2, 3, 6, 6}));
  ValueId w = b.param("w", randomTensor(f32({3, 3, 3, 3}), 3)), cb = b.param("cb", randomTensor(f32({3}), 4));
  ValueId shift = b.constant(randomTensor(f32({1, 3, 1, 1}), 5));
  ValueId c = b.create(OpKind::Conv2d, {x, w, cb}, attrs({{"pads", std::vector<int64_t>{1, 1, 1, 1}}}));
  ValueId e = b.create(OpKind::Elu, {b.create(OpKind::Add, {shift, c})}, attrs({{"alpha", 0.5}}));
  b.output("y", b.create(OpKind::Add, {x, e}));
  Graph after = runAndCompare(g, {"fuse_conv"});
  REQUIRE(liveNodes(after) == 1);
  const Node* conv = after.producer(after.outputs[0].value);
  REQUIRE(conv->op == OpKind::Conv2d);
  CHECK(conv->operands.size() == 4);
  CHECK(std::get<std::string>(*conv->attrs.find("activation")) == "elu");
  CHECK(std::get<double>(*conv->attrs.find("alpha")) == 0.5);
  CHECK(after.value(conv->operands[2]).kind == ValueKind::Param);
}

TEST_CASE("default pipeline: decomposed gelu on a Gemm-style dense ends as dense{gelu}") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", f32({3, 4}));
  ValueId w = b.param("w", randomTensor(f32({4, 6}), 6)), bias = b.param("b", randomTensor(f32({6}), 7));
  ValueId h = b.create(OpKind::Dense, {x, w, bias});
  ValueId u = b.create(OpKind::Mul, {h, b.scalar(DType::f32, 0.70710678)});
  ValueId t = b.create(OpKind::Add, {b.scalar(DType::f32, 1.0), b.create(OpKind::Erf, {u})});
  ValueId y = b.create(OpKind::Mul, {b.create(OpKind::Mul, {h, b.scalar(DType::f32, 0.5)}), t});
  b.output("y", b.create(OpKind::LogSoftmax, {y}));
  b.output("z", b.create(OpKind::Log, {b.create(OpKind::Softmax, {b.create(OpKind::Dense, {x, w, bias}, act("tanh"))})}));
  Graph after = runAndCompare(g, defaultPipeline(), nullptr, 1e-5);
  CHECK(countOps(after, OpKind::Dense) == 2);
  CHECK(countOps(after, OpKind::Gelu) == 0);
  CHECK(countOps(after, OpKind::LogSoftmax) == 2);
  CHECK(countOps(after, OpKind::Erf) == 0);
  CHECK(liveNodes(after) == 4);
}
