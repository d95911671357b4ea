// ONNX LSTM, GRU and RNN built in code: malformed or unsupported nodes give an error naming the
// node and the problem; sequence_lens masks each sequence as if it were run alone; one-direction
// nodes, and layout=1, compute what the bidirectional and layout=0 ones do.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "runtime/executable.h"
#include "tests/onnx/model_builder.h"
#include "tests/support.h"

using namespace graphc;
using namespace graphc::test;

namespace {

// Values in [-1, 1) from a fixed seed, for initializers.
std::vector<float> randomValues(int64_t n, uint64_t seed) {
  Tensor t = randomTensor(TensorType{DType::f32, {n}}, seed);
  return std::vector<float>(t.data<float>(), t.data<float>() + n);
}

// A node `op` named "cell" on X [seq, batch, input] with hidden 4 and W, R, B of the right
// shapes (unless wShape says otherwise), outputs Y and Y_h; lens, when given, as sequence_lens.
// The weights are drawn for two directions; a one-direction node gets the half of its direction,
// so that it computes what that direction of the bidirectional node does.
struct Recurrent {
  std::string op = "LSTM", direction = "bidirectional";
  int64_t seq = 4, batch = 2, input = 3, hidden = 4;
  std::vector<int64_t> wShape;

  int64_t gates() const { return op == "LSTM" ? 4 : op == "GRU" ? 3 : 1; }
  int64_t dirs() const { return direction == "bidirectional" ? 2 : 1; }
  // `perDirection` values for each of dirs(), from a two-direction draw.
  std::vector<float> weights(int64_t perDirection, uint64_t seed) const {
    std::vector<float> both = randomValues(2 * perDirection, seed);
    auto first = both.begin() + (direction == "reverse" ? perDirection : 0);
    return std::vector<float>(first, first + dirs() * perDirection);
  }
  ModelBuilder build(const std::string& lens = "", int64_t seqOverride = 0) const {
    ModelBuilder b;
    int64_t rows = gates() * hidden;
    b.input("X", {seqOverride ? seqOverride : seq, batch, input});
    std::vector<int64_t> w = wShape.empty() ? std::vector<int64_t>{dirs(), rows, input} : wShape;
    b.init("W", w, wShape.empty() ? weights(rows * input, 1) : randomValues(w[0] * w[1] * w[2], 1));
    b.init("R", {dirs(), rows, hidden}, weights(rows * hidden, 2));
    b.init("B", {dirs(), 2 * rows}, weights(2 * rows, 3));
    auto& node = b.node(op, {"X", "W", "R", "B", lens}, {"Y", "Y_h"}, "cell");
    setAttr(node, "hidden_size", hidden);
    setAttr(node, "direction", direction);
    if (op == "GRU") setAttr(node, "linear_before_reset", int64_t{1});
    b.output("Y").output("Y_h");
    return b;
  }
};

onnx::NodeProto& cellNode(ModelBuilder& b) { return *b.g().mutable_node(b.g().node_size() - 1); }

std::vector<Tensor> run(const BackendInfo& backend, const Graph& g, std::vector<Tensor> inputs) {
  auto exe = backend.prepare(g, CompileOptions{std::string(backend.name), 1});
  REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().message()));
  auto ctx = (*exe)->createContext();
  REQUIRE(ctx.ok());
  std::vector<Tensor> out = (*exe)->makeOutputs();
  Status st = (*exe)->run(**ctx, std::span<const Tensor>(inputs), std::span<Tensor>(out));
  REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message()));
  return out;
}

}  // namespace

TEST_CASE("LSTM, GRU and RNN nodes with wrong shapes or unsupported attributes name the node and the problem") {
  Recurrent lstm;
  SUBCASE("W of the wrong shape") {
    Recurrent bad = lstm;
    bad.wShape = {2, 12, 3};
    CHECK(has(errorOf(bad.build().import()), "m.onnx: node 'cell' (LSTM): W must be f32[2,16,3], got f32[2,12,3]"));
  }
  SUBCASE("an activation graphc does not have") {
    ModelBuilder b = lstm.build();
    setAttr(cellNode(b), "activations", std::vector<std::string>{"Sigmoid", "HardSigmoid", "Tanh"});
    std::string msg = errorOf(b.import());
    CHECK(has(msg, "node 'cell' (LSTM): activation function(s) 'HardSigmoid' (supported: Sigmoid, Tanh, Relu)"));
  }
  SUBCASE("too few activations") {
    ModelBuilder b = lstm.build();
    setAttr(cellNode(b), "activations", std::vector<std::string>{"Sigmoid", "Tanh"});
    CHECK(has(errorOf(b.import()), "node 'cell' (LSTM): 'activations' lists 2 function(s); LSTM takes 3 per direction"));
  }
  SUBCASE("sequence_lens longer than the sequence") {
    ModelBuilder b = lstm.build("lens");
    b.rawInit<int32_t>("lens", onnx::TensorProto::INT32, {2}, {4, 5});
    CHECK(has(errorOf(b.import()), "node 'cell' (LSTM): sequence_lens[1] = 5 is outside [0, 4] (the sequence length)"));
  }
  SUBCASE("sequence_lens of the wrong shape") {
    ModelBuilder b = lstm.build("lens");
    b.rawInit<int32_t>("lens", onnx::TensorProto::INT32, {3}, {4, 4, 4});
    CHECK(has(errorOf(b.import()), "node 'cell' (LSTM): sequence_lens must be integers of shape [2] (the batch), got i32[3]"));
  }
  SUBCASE("a declared sequence too long to unroll is refused at once, not unrolled") {
    CHECK(has(errorOf(lstm.build("", int64_t{1} << 27).import()),
              "node 'cell' (LSTM): a sequence of 134217728 steps (X is f32[134217728,2,3]); the importer unrolls at most 8192"));
  }
  SUBCASE("clip, input_forget and an unknown direction") {
    ModelBuilder clipped = lstm.build();
    auto* clip = cellNode(clipped).add_attribute();
    clip->set_name("clip");
    clip->set_type(onnx::AttributeProto::FLOAT);
    clip->set_f(3.0f);
    CHECK(has(errorOf(clipped.import()), "node 'cell' (LSTM): the 'clip' attribute (cell clipping)"));
    ModelBuilder coupled = lstm.build();
    setAttr(cellNode(coupled), "input_forget", int64_t{1});
    CHECK(has(errorOf(coupled.import()), "node 'cell' (LSTM): input_forget=1"));
    Recurrent rnn = lstm;
    rnn.op = "RNN";
    rnn.direction = "sideways";
    ModelBuilder sideways = rnn.build();
    CHECK(has(errorOf(sideways.import()), "node 'cell' (RNN): direction 'sideways' is not forward, reverse or bidirectional"));
  }
}

TEST_CASE("sequence_lens: each sequence's outputs are those of running it alone, zeros after its end") {
  for (const char* op : {"LSTM", "GRU", "RNN"}) {
    CAPTURE(op);
    Recurrent cell;
    cell.op = op;
    const std::vector<int32_t> lengths = {2, 4};
    for (bool constant : {false, true}) {
      CAPTURE(constant);
      ModelBuilder b = cell.build("lens");
      if (constant) b.rawInit<int32_t>("lens", onnx::TensorProto::INT32, {2}, lengths);
      else b.input("lens", {2}, {}, onnx::TensorProto::INT32);
      auto masked = b.import();
      REQUIRE_MESSAGE(masked.ok(), (masked.ok() ? "" : masked.error().message()));
      Tensor x = randomTensor(TensorType{DType::f32, {cell.seq, cell.batch, cell.input}}, 7);
      Tensor lens(TensorType{DType::i32, {2}});
      std::copy(lengths.begin(), lengths.end(), lens.data<int32_t>());
      for (const BackendInfo& backend : allBackends()) {
        CAPTURE(backend.name);
        std::vector<Tensor> inputs = constant ? std::vector<Tensor>{x} : std::vector<Tensor>{x, lens};
        std::vector<Tensor> out = run(backend, *masked, inputs);  // Y [seq, dirs, batch, hidden], Y_h [dirs, batch, hidden]
        REQUIRE(out.size() == 2);
        for (int64_t n = 0; n < cell.batch; ++n) {
          CAPTURE(n);
          // Sequence n alone, cut to its length: X [len, 1, input].
          int64_t len = lengths[n];
          Recurrent alone = cell;
          alone.batch = 1;
          auto g = alone.build("", len).import();
          REQUIRE(g.ok());
          Tensor xn(TensorType{DType::f32, {len, 1, cell.input}});
          for (int64_t t = 0; t < len; ++t)
            for (int64_t i = 0; i < cell.input; ++i)
              xn.data<float>()[t * cell.input + i] = x.data<float>()[(t * cell.batch + n) * cell.input + i];
          std::vector<Tensor> want = run(backend, *g, {xn});
          double worst = 0;
          for (int64_t d = 0; d < cell.dirs(); ++d)
            for (int64_t j = 0; j < cell.hidden; ++j) {
              for (int64_t t = 0; t < cell.seq; ++t) {
                float got = out[0].data<float>()[((t * cell.dirs() + d) * cell.batch + n) * cell.hidden + j];
                float expected = t < len ? want[0].data<float>()[(t * cell.dirs() + d) * cell.hidden + j] : 0.0f;
                worst = std::max(worst, (double)std::abs(got - expected));
              }
              float got = out[1].data<float>()[(d * cell.batch + n) * cell.hidden + j];
              worst = std::max(worst, (double)std::abs(got - want[1].data<float>()[d * cell.hidden + j]));
            }
          CHECK(worst < 1e-5);
        }
      }
    }
  }
}

TEST_CASE("a forward and a reverse node compute the two halves of the bidirectional one") {
  for (const char* op : {"LSTM", "GRU", "RNN"}) {
    CAPTURE(op);
    Recurrent both;
    both.op = op;
    Recurrent forward = both, reverse = both;
    forward.direction = "forward";
    reverse.direction = "reverse";
    auto gBoth = both.build().import(), gForward = forward.build().import(), gReverse = reverse.build().import();
    REQUIRE(gBoth.ok());
    REQUIRE(gForward.ok());
    REQUIRE(gReverse.ok());
    Tensor x = randomTensor(TensorType{DType::f32, {both.seq, both.batch, both.input}}, 11);
    int64_t block = both.batch * both.hidden;  // one direction of one step of Y, and of Y_h
    for (const BackendInfo& backend : allBackends()) {
      CAPTURE(backend.name);
      std::vector<Tensor> y2 = run(backend, *gBoth, {x});
      std::vector<Tensor> halves[2] = {run(backend, *gForward, {x}), run(backend, *gReverse, {x})};
      double worst = 0;
      for (int64_t d = 0; d < 2; ++d) {
        for (int64_t t = 0; t < both.seq; ++t)
          for (int64_t i = 0; i < block; ++i)
            worst = std::max(worst, (double)std::abs(y2[0].data<float>()[(t * 2 + d) * block + i] - halves[d][0].data<float>()[t * block + i]));
        for (int64_t i = 0; i < block; ++i)
          worst = std::max(worst, (double)std::abs(y2[1].data<float>()[d * block + i] - halves[d][1].data<float>()[i]));
      }
      CHECK(worst < 1e-5);
    }
  }
}

namespace {

// [a, b, c] -> [b, a, c]: between the layouts' X and state shapes.
Tensor swap01(const Tensor& t) {
  const Shape& s = t.shape();
  Tensor out(TensorType{t.dtype(), {s[1], s[0], s[2]}});
  for (int64_t i = 0; i < s[0]; ++i)
    for (int64_t j = 0; j < s[1]; ++j)
      for (int64_t k = 0; k < s[2]; ++k) out.data<float>()[(j * s[0] + i) * s[2] + k] = t.data<float>()[(i * s[1] + j) * s[2] + k];
  return out;
}

// A bidirectional LSTM with peepholes whose X, initial_h and initial_c are graph inputs in the
// shapes of `layout`, and Y, Y_h and Y_c outputs.
Result<Graph> peepholeLstm(int64_t layout, int64_t seq, int64_t batch, int64_t input, int64_t hidden) {
  ModelBuilder b;
  Shape state = layout ? Shape{batch, 2, hidden} : Shape{2, batch, hidden};
  b.input("X", layout ? std::vector<int64_t>{batch, seq, input} : std::vector<int64_t>{seq, batch, input});
  b.input("h0", state).input("c0", state);
  b.init("W", {2, 4 * hidden, input}, randomValues(8 * hidden * input, 1));
  b.init("R", {2, 4 * hidden, hidden}, randomValues(8 * hidden * hidden, 2));
  b.init("B", {2, 8 * hidden}, randomValues(16 * hidden, 3));
  b.init("P", {2, 3 * hidden}, randomValues(6 * hidden, 4));
  auto& node = b.node("LSTM", {"X", "W", "R", "B", "", "h0", "c0", "P"}, {"Y", "Y_h", "Y_c"}, "cell");
  setAttr(node, "hidden_size", hidden);
  setAttr(node, "direction", std::string("bidirectional"));
  setAttr(node, "layout", layout);
  b.output("Y").output("Y_h").output("Y_c");
  return b.import();
}

}  // namespace

TEST_CASE("layout=1 (batch first) computes what layout=0 does, with initial states, peepholes and Y_c") {
  const int64_t seq = 3, batch = 2, input = 3, hidden = 4;
  auto seqFirst = peepholeLstm(0, seq, batch, input, hidden), batchFirst = peepholeLstm(1, seq, batch, input, hidden);
  REQUIRE_MESSAGE(seqFirst.ok(), (seqFirst.ok() ? "" : seqFirst.error().message()));
  REQUIRE_MESSAGE(batchFirst.ok(), (batchFirst.ok() ? "" : batchFirst.error().message()));
  Tensor x = randomTensor(TensorType{DType::f32, {seq, batch, input}}, 5);
  Tensor h0 = randomTensor(TensorType{DType::f32, {2, batch, hidden}}, 6);
  Tensor c0 = randomTensor(TensorType{DType::f32, {2, batch, hidden}}, 8);
  for (const BackendInfo& backend : allBackends()) {
    CAPTURE(backend.name);
    std::vector<Tensor> a = run(backend, *seqFirst, {x, h0, c0});  // Y [seq, 2, batch, hidden]
    std::vector<Tensor> b = run(backend, *batchFirst, {swap01(x), swap01(h0), swap01(c0)});  // Y [batch, seq, 2, hidden]
    REQUIRE(a.size() == 3);
    REQUIRE(b.size() == 3);
    CHECK(b[0].shape() == Shape{batch, seq, 2, hidden});
    double worst = 0;
    for (int64_t t = 0; t < seq; ++t)
      for (int64_t d = 0; d < 2; ++d)
        for (int64_t n = 0; n < batch; ++n)
          for (int64_t j = 0; j < hidden; ++j)
            worst = std::max(worst, (double)std::abs(a[0].data<float>()[((t * 2 + d) * batch + n) * hidden + j] -
                                                     b[0].data<float>()[((n * seq + t) * 2 + d) * hidden + j]));
    CHECK(worst < 1e-6);
    CHECK(maxAbsDiff(swap01(a[1]), b[1]) < 1e-6);
    CHECK(maxAbsDiff(swap01(a[2]), b[2]) < 1e-6);
    CHECK(maxAbsDiff(a[2], a[1]) > 1e-3);  // Y_c is the cell state, not the hidden one
  }
}
