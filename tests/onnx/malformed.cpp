// Malformed and unsupported models built in code with the protobuf classes: each must give a
// clean error whose message says what and where. Also the trained-weights writer.
#include <doctest/doctest.h>
#include <onnx/onnx_pb.h>

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <limits>
#include <random>
#include <tuple>

#include "frontend/onnx/onnx_import.h"
#include "ir/eval/fold_limit.h"
#include "ir/eval/interpreter.h"
#include "tests/onnx/model_builder.h"
#include "tests/support.h"

using namespace graphc;
using namespace graphc::test;

namespace {

// A Constant node holding an int64 list (value_ints) or one float (value_float).
void constInts(ModelBuilder& b, const std::string& out, std::vector<int64_t> values) {
  auto* a = b.node("Constant", {}, {out}, out).add_attribute();
  a->set_name("value_ints");
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) a->add_ints(v);
}
void constFloat(ModelBuilder& b, const std::string& out, float value) {
  auto* a = b.node("Constant", {}, {out}, out).add_attribute();
  a->set_name("value_float");
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

// The process's peak resident set so far, in MiB.
long peakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

// No constant of g holds more than the folding cap.
bool noBigConstants(const Graph& g) {
  for (ValueId v : g.constants)
    if (g.value(v).data.numel() > eval::kMaxFoldedElements) return false;
  return true;
}

ModelBuilder reluModel() {
  ModelBuilder b;
  b.input("x", {2, 3});
  b.node("Relu", {"x"}, {"y"}, "r");
  b.output("y");
  return b;
}

}  // namespace

TEST_CASE("a small valid model imports") {
  auto g = reluModel().import();
  REQUIRE(g);
  CHECK(g->nodes.size() == 1);
  CHECK(g->outputs[0].name == "y");
}

TEST_CASE("empty, truncated and random files") {
  CHECK(has(errorOf(importOnnxBytes("", "e.onnx", {})), "e.onnx: empty file, not an ONNX model"));
  std::string good = reluModel().bytes();
  for (size_t cut : {good.size() / 2, good.size() - 1, size_t(3)}) {
    auto r = importOnnxBytes(good.substr(0, cut), "t.onnx", {});
    REQUIRE(!r);
    CHECK(r.error().message().rfind("t.onnx: ", 0) == 0);
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::string junk(1 + rng() % 300, '\0');
    for (char& c : junk) c = (char)(rng() & 0xff);
    auto r = importOnnxBytes(junk, "junk.onnx", {});
    CHECK(!r);
  }
  CHECK(has(errorOf(importOnnx("/nonexistent/model.onnx")), "cannot open"));
}

TEST_CASE("structural errors name the node and the value") {
  SUBCASE("missing value") {
    ModelBuilder b;
    b.input("x", {2, 3});
    b.node("Add", {"x", "nope"}, {"y"}, "add1");
    b.output("y");
    CHECK(has(errorOf(b.import()), "node 'add1' (Add): input 'nope' is not produced by any node, input or initializer"));
  }
  SUBCASE("cycle") {
    ModelBuilder b;
    b.input("x", {2, 3});
    b.node("Add", {"x", "b"}, {"a"}, "n1");
    b.node("Relu", {"a"}, {"b"}, "n2");
    b.output("b");
    CHECK(has(errorOf(b.import()), "the graph has a cycle through node 'n1' (Add)"));
  }
  SUBCASE("shapes that do not fit") {
    ModelBuilder b;
    b.input("x", {2, 3}).input("z", {4, 5});
    b.node("Add", {"x", "z"}, {"y"}, "bad_add");
    b.output("y");
    std::string msg = errorOf(b.import());
    CHECK(has(msg, "node 'bad_add' (Add)"));
    CHECK(has(msg, "do not broadcast"));
  }
  SUBCASE("missing required input") {
    ModelBuilder b;
    b.input("x", {2, 3});
    b.node("Add", {"x"}, {"y"}, "a");
    b.output("y");
    CHECK(has(errorOf(b.import()), "node 'a' (Add): takes 2 input(s), got 1"));
  }
  SUBCASE("value defined twice") {
    ModelBuilder b;
    b.input("x", {2, 3});
    b.node("Relu", {"x"}, {"y"}, "a");
    b.node("Relu", {"x"}, {"y"}, "b");
    b.output("y");
    CHECK(has(errorOf(b.import()), "value 'y' is defined more than once"));
  }
  SUBCASE("no graph / wrong opset") {
    ModelBuilder b;
    CHECK(has(errorOf(b.import()), "it has no graph"));
    ModelBuilder future(18);
    future.input("x", {1}).output("x");
    CHECK(has(errorOf(future.import()), "opset 18 of the default domain is not supported (graphc reads opsets 1 to 17)"));
  }
  SUBCASE("an older opset ONNX's version converter cannot upgrade, or would get wrong") {
    ModelBuilder unranked(11);  // Softmax 11 flattens at `axis`; without x's rank it cannot be rewritten
    unranked.input("x", {});
    unranked.g().mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
    unranked.node("Softmax", {"x"}, {"y"}, "sm");
    unranked.output("y");
    CHECK(has(errorOf(unranked.import()), "opset 11: ONNX's version converter cannot upgrade it to opset 13"));
    CHECK(has(errorOf(unranked.import()), "input shape is unknown"));
    ModelBuilder broadcast(6);  // B along A's axis 1 of 3: the converter would align it with axis 0
    broadcast.input("a", {2, 3, 4}).input("b", {3});
    onnx::NodeProto& add = broadcast.node("Add", {"a", "b"}, {"y"}, "add");
    setAttr(add, "broadcast", int64_t{1});
    setAttr(add, "axis", int64_t{1});
    broadcast.output("y");
    CHECK(has(errorOf(broadcast.import()), "opset 6: node 'add' (Add) broadcasts its second operand from axis 1"));
    // The converter would loop forever on ConstantFill and read past a node's inputs: ONNX's
    // checker refuses both first.
    ModelBuilder fill(9);
    fill.input("x", {2});
    fill.node("ConstantFill", {"x"}, {"y"}, "fill");
    fill.output("y");
    CHECK(has(errorOf(fill.import()), "opset 9: ONNX's checker refuses it: No Op registered for ConstantFill"));
    ModelBuilder resize(10);
    resize.input("x", {1, 1, 2, 2});
    resize.node("Resize", {"x"}, {"y"}, "short");
    resize.output("y");
    CHECK(has(errorOf(resize.import()), "opset 10: ONNX's checker refuses it"));
    // ... and dereference a graph output or node input that nothing defines (found by the fuzzer).
    ModelBuilder lost(7);
    lost.input("x", {3, 5});
    lost.node("Relu", {"x"}, {"y"}, "relu");
    lost.output("z");
    CHECK(has(errorOf(lost.import()), "graph output 'z' is not produced by any node, input or initializer"));
    ModelBuilder dangling(7);
    dangling.input("x", {3, 5});
    dangling.node("Add", {"x", "w"}, {"y"}, "add");
    dangling.output("y");
    CHECK(has(errorOf(dangling.import()), "node 'add' (Add): input 'w' is not produced by any node, input or initializer"));
  }
  SUBCASE("an empty input of a variadic op (found by the fuzzer in Einsum)") {
    for (const char* op : {"Sum", "Concat", "Einsum", "Max"}) {
      INFO(op);
      ModelBuilder b;
      b.input("x", {2, 3});
      onnx::NodeProto& n = b.node(op, {"x", ""}, {"y"}, "v");
      if (std::string(op) == "Concat") setAttr(n, "axis", int64_t{0});
      if (std::string(op) == "Einsum") setAttr(n, "equation", std::string("ij,ij->ij"));
      b.output("y");
      CHECK(has(errorOf(b.import()), "node 'v' (" + std::string(op) + "): input #1 of a variadic op is empty"));
    }
  }
  SUBCASE("an older opset with its nodes out of order is upgraded all the same") {
    ModelBuilder b(7);
    b.input("x", {2, 3});
    b.node("Neg", {"y"}, {"z"}, "second");
    b.node("Relu", {"x"}, {"y"}, "first");
    b.output("z");
    auto g = b.import();
    REQUIRE(g);
  }
  SUBCASE("initializer data that does not fit its shape") {
    ModelBuilder b;
    b.input("x", {2, 3}).init("w", {2, 3}, {1, 2, 3});
    b.node("Add", {"x", "w"}, {"y"});
    b.output("y");
    CHECK(has(errorOf(b.import()), "initializer 'w' holds 3 values for shape [2x3]"));
  }
}

TEST_CASE("every unsupported op and attribute value is listed in one error") {
  ModelBuilder b;
  b.input("x", {1, 2, 8, 8});
  b.node("MyOp", {"x"}, {"a"}, "custom", "com.example");
  b.node("NonMaxSuppression", {"a"}, {"b"}, "nms");
  auto& pool = b.node("MaxPool", {"x"}, {"c"}, "pool");
  setAttr(pool, "auto_pad", std::string("FANCY"));
  setAttr(pool, "storage_order", 2);
  b.node("Relu", {"b"}, {"d"}, "after");  // downstream of an unsupported op: not reported again
  b.output("d").output("c");
  std::string msg = errorOf(b.import());
  CHECK(has(msg, "m.onnx: unsupported ONNX model (4 problems):"));
  CHECK(has(msg, "node 'custom' (MyOp, domain 'com.example'): ops of domain 'com.example' are not supported"));
  CHECK(has(msg, "node 'nms' (NonMaxSuppression): op type 'NonMaxSuppression' is not supported"));
  CHECK(has(msg, "node 'pool' (MaxPool): auto_pad='FANCY' is not supported"));
  CHECK(has(msg, "node 'pool' (MaxPool): storage_order=2 is neither 0 (row-major) nor 1 (column-major)"));
  CHECK(msg.find("after") == std::string::npos);
}

TEST_CASE("unsupported things found during the walk are collected too") {
  ModelBuilder b;
  b.input("x", {2, 6}).input("s", {2});
  b.node("Reshape", {"x", "s"}, {"r"}, "dyn_reshape");  // a runtime shape: not static
  auto& cast = b.node("Cast", {"x"}, {"h"}, "to_complex");
  setAttr(cast, "to", (int64_t)onnx::TensorProto::COMPLEX64);
  b.node("Relu", {"x"}, {"ok"});
  b.output("r").output("h").output("ok");
  std::string msg = errorOf(b.import());
  CHECK(has(msg, "(2 problems)"));
  CHECK(has(msg, "node 'dyn_reshape' (Reshape): Reshape's shape (input 's') is not a constant"));
  CHECK(has(msg, "node 'to_complex' (Cast): to=COMPLEX64 is not supported"));
}

TEST_CASE("integer operands that int64 cannot hold are errors naming the node, never wrapped") {
  using onnx::TensorProto;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  ModelBuilder b;
  b.input("x", {2, 3});
  SUBCASE("a float where Slice needs integers") {
    b.rawInit<int64_t>("st", TensorProto::INT64, {1}, {0}).rawInit<float>("en", TensorProto::FLOAT, {1}, {1.5f});
    b.node("Slice", {"x", "st", "en"}, {"y"}, "cut");
    CHECK(has(errorOf(b.output("y").import()), "node 'cut' (Slice): Slice's ends must be integers, got f32[1]"));
  }
  SUBCASE("a uint64 shape above INT64_MAX") {
    b.rawInit<uint64_t>("s", TensorProto::UINT64, {1}, {~uint64_t(0)});
    b.node("Reshape", {"x", "s"}, {"y"}, "rs");
    CHECK(has(errorOf(b.output("y").import()), "initializer 's' has element type UINT64"));
  }
  SUBCASE("a Reshape shape whose element count overflows int64") {
    b.rawInit<int64_t>("s", TensorProto::INT64, {3}, {int64_t(1) << 62, 4, -1});
    b.node("Reshape", {"x", "s"}, {"y"}, "rs");
    CHECK(has(errorOf(b.output("y").import()), "node 'rs' (Reshape): shape [4611686018427387904x4x-1] has more elements than int64 can count"));
  }
  SUBCASE("Split sizes whose sum wraps around to the axis") {
    b.rawInit<int64_t>("s", TensorProto::INT64, {3}, {kMax, kMax, 5});  // 2^64 + 3: 3 when it wraps
    auto& split = b.node("Split", {"x", "s"}, {"a", "b", "c"}, "sp");
    setAttr(split, "axis", 1);
    CHECK(has(errorOf(b.output("a").import()), "node 'sp' (Split): split sizes"));
  }
}

TEST_CASE("symbolic dimensions bind from the shapes of given inputs") {
  ModelBuilder b;
  b.input("x", {0, 3}, {"N"}).input("z", {0, 3}, {"N"});
  b.node("Add", {"x", "z"}, {"y"});
  b.output("y");
  auto g = b.import({{{"x", {5, 3}}}});  // z's N comes from x
  REQUIRE(g);
  CHECK(g->type(g->outputs[0].value).shape == Shape{5, 3});
  auto clash = b.import({{{"x", {5, 3}}, {"z", {6, 3}}}});
  CHECK(has(errorOf(clash), "dimension 'N' is bound to both 5 and 6"));
}

TEST_CASE("initializers listed as graph inputs are parameters, not inputs") {
  ModelBuilder b;
  b.input("x", {2, 3}).input("w", {2, 3}).init("w", {2, 3}, {1, 2, 3, 4, 5, 6});
  b.node("Mul", {"x", "w"}, {"y"});
  b.output("y");
  auto g = b.import();
  REQUIRE(g);
  CHECK(g->inputs.size() == 1);
  ValueId w = g->findValue("w");
  REQUIRE(w != UINT32_MAX);
  CHECK(g->value(w).kind == ValueKind::Param);
}

TEST_CASE("Gemm variants map to dense or to matmul/mul/add") {
  auto gemm = [](int64_t transB, bool withC, float alpha) {
    ModelBuilder b;
    b.input("a", {3, 4}).init("B", transB ? std::vector<int64_t>{5, 4} : std::vector<int64_t>{4, 5}, std::vector<float>(20, 1.f));
    if (withC) b.init("C", {5}, std::vector<float>(5, 0.5f));
    auto& n = b.node("Gemm", withC ? std::vector<std::string>{"a", "B", "C"} : std::vector<std::string>{"a", "B"}, {"y"});
    setAttr(n, "transB", transB);
    auto* a = n.add_attribute();
    a->set_name("alpha");
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(alpha);
    b.output("y");
    auto g = b.import();
    if (!g) FAIL(g.error().message());
    return std::move(*g);
  };
  Graph d = gemm(1, true, 1.f);
  REQUIRE(d.nodes.size() == 1);
  CHECK(d.nodes[0].op == OpKind::Dense);
  CHECK(d.type(d.findValue("B")).shape == Shape{4, 5});
  Graph nob = gemm(0, false, 1.f);
  CHECK(nob.nodes.back().op == OpKind::Dense);
  Graph scaled = gemm(1, true, 0.5f);
  CHECK(scaled.nodes.back().op == OpKind::Add);
  CHECK(scaled.type(scaled.outputs[0].value).shape == Shape{3, 5});
}

TEST_CASE("exportOnnxWithParams writes trained values back, undoing transposes") {
  std::string src = test::dataPath("onnx/seed.onnx");
  auto g = importOnnx(src, {{{"x", {4, 10}}}});
  REQUIRE(g);
  std::vector<std::string> names;
  for (ValueId v : g->constants)
    if (g->value(v).kind == ValueKind::Param) {
      Tensor& t = g->value(v).data;
      for (int64_t i = 0; i < t.numel(); ++i) t.set(i, t.at(i) + 0.25 * (double)(i % 7));
      names.push_back(g->value(v).name);
    }
  REQUIRE(names.size() == 4);
  std::string out = (std::filesystem::temp_directory_path() / fmt::format("graphc_onnx_export_{}.onnx", (long)getpid())).string();
  REQUIRE(exportOnnxWithParams(src, *g, out));
  auto back = importOnnx(out, {{{"x", {4, 10}}}});
  REQUIRE(back);
  for (const std::string& n : names) {
    ValueId a = g->findValue(n), b2 = back->findValue(n);
    REQUIRE(b2 != UINT32_MAX);
    CHECK(back->value(b2).data.bitEqual(g->value(a).data));
  }
  std::remove(out.c_str());
  Graph wrong = g->clone();
  ValueId w = wrong.findValue(names[0]);
  wrong.value(w).data = Tensor(TensorType{DType::f32, {3}});
  wrong.value(w).type = wrong.value(w).data.type();
  CHECK(!exportOnnxWithParams(src, wrong, out));
}

// 40000x40000 f32 is 6.4 GB: a few hundred bytes of ONNX must not make the importer allocate it.
TEST_CASE("import-time folding leaves a result above the cap as a node") {
  long before = peakRssMiB();
  ModelBuilder b;
  constInts(b, "shape", {40000, 40000});
  SUBCASE("Expand of a constant") {
    constFloat(b, "one", 1.5f);
    b.node("Expand", {"one", "shape"}, {"big"}, "expand_big");
  }
  SUBCASE("ConstantOfShape") { b.node("ConstantOfShape", {"shape"}, {"big"}, "fill"); }
  b.output("big");
  auto g = b.import();
  REQUIRE_MESSAGE(g, (g ? "" : g.error().message()));
  const Node* n = g->producer(g->outputs[0].value);
  REQUIRE(n);
  CHECK(n->op == OpKind::Expand);
  CHECK(g->type(g->outputs[0].value).shape == Shape{40000, 40000});
  CHECK(noBigConstants(*g));
  CHECK(peakRssMiB() - before < 256);  // folding would have needed more than 6000 MiB
}

// fuzz_onnx_import found a LayerNormalization with no bias over a 5 GB declared shape making
// the importer allocate the zero bias (tests/data/fuzz/fuzz_onnx_import/layer-norm-huge-bias.onnx).
TEST_CASE("an omitted bias is never allocated at import above the folding cap") {
  long before = peakRssMiB();
  ModelBuilder b;
  b.input("x", {2, 40000, 40000});
  b.input("scale", {40000, 40000});
  auto& ln = b.node("LayerNormalization", {"x", "scale"}, {"y"}, "ln");
  auto* axis = ln.add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(1);
  b.output("y");
  auto g = b.import();
  REQUIRE_MESSAGE(g, (g ? "" : g.error().message()));
  CHECK(noBigConstants(*g));
  CHECK(peakRssMiB() - before < 256);  // the bias alone is 6400 MB
  ModelBuilder small;
  small.input("x", {2, 3});
  small.input("scale", {3});
  small.node("LayerNormalization", {"x", "scale"}, {"y"}, "ln");
  small.output("y");
  auto s = small.import();
  REQUIRE_MESSAGE(s, (s ? "" : s.error().message()));
  for (const Node& n : s->nodes)
    if (n.op == OpKind::LayerNorm) CHECK(s->value(n.operands[2]).isConstant());  // a small bias still folds
}

TEST_CASE("a small ConstantOfShape still folds to a constant") {
  ModelBuilder b;
  b.input("x", {2, 3});
  constInts(b, "shape", {2, 3});
  b.node("ConstantOfShape", {"shape"}, {"zeros"}, "fill");
  b.node("Add", {"x", "zeros"}, {"y"});
  b.output("y");
  auto g = b.import();
  REQUIRE_MESSAGE(g, (g ? "" : g.error().message()));
  REQUIRE(g->nodes.size() == 1);
  CHECK(g->nodes[0].op == OpKind::Add);
}

TEST_CASE("a consumer that needs an unfolded value at compile time is refused, naming the node and size") {
  ModelBuilder b;
  b.input("x", {2, 3});
  constInts(b, "one", {1});
  constInts(b, "n", {2000000});
  b.node("Expand", {"one", "n"}, {"big"}, "expand_shape");
  SUBCASE("directly") {
    b.node("Reshape", {"x", "big"}, {"y"}, "reshape");
    b.output("y");
    CHECK(has(errorOf(b.import()), "node 'reshape' (Reshape): Reshape's shape (input 'big') is not a constant: node "
                                   "'expand_shape' (Expand) makes 2000000 elements, more than import-time folding "
                                   "materialises (1048576)"));
  }
  SUBCASE("through a computation on it") {
    b.node("Neg", {"big"}, {"big_shape"}, "negate");
    b.node("Reshape", {"x", "big_shape"}, {"y"}, "reshape");
    b.output("y");
    CHECK(has(errorOf(b.import()), "(input 'big_shape') is not a constant: node 'expand_shape' (Expand) makes 2000000 elements"));
  }
}

TEST_CASE("a Range above the folding cap is refused: it has no IR op") {
  ModelBuilder b;
  constInts(b, "start", {0});
  constInts(b, "limit", {3000000});
  constInts(b, "delta", {1});
  b.node("Range", {"start", "limit", "delta"}, {"r"}, "range");
  b.output("r");
  CHECK(has(errorOf(b.import()), "node 'range' (Range): Range makes 3000000 elements, more than import-time folding materialises"));
}

TEST_CASE("a Range whose span is below -2^63 is empty, never a wrapped length") {
  // fuzz_onnx_import found the 128-bit count wrapping positive when cast to int64
  // (tests/data/fuzz/fuzz_onnx_import/range-span-wrap.onnx).
  constexpr int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  for (auto [start, limit, delta] : {std::tuple{hi - 3, lo + 5, int64_t{1}}, std::tuple{lo, hi, int64_t{-1}}}) {
    ModelBuilder b;
    constInts(b, "start", {start});
    constInts(b, "limit", {limit});
    constInts(b, "delta", {delta});
    b.node("Range", {"start", "limit", "delta"}, {"r"}, "range");
    b.output("r");
    auto g = b.import();
    REQUIRE(g.ok());
    CHECK(g->type(g->outputs[0].value).shape == Shape{0});
  }
}

TEST_CASE("import errors carry a code: parse for malformed, unsupported, shape") {
  std::string good = reluModel().bytes();
  auto truncated = importOnnxBytes(good.substr(0, good.size() / 2), "t.onnx", {});
  REQUIRE(!truncated);
  CHECK(truncated.error().code == ErrorCode::Parse);

  ModelBuilder unsupported;
  unsupported.input("x", {2, 3});
  unsupported.node("NonMaxSuppression", {"x"}, {"y"}, "nms");
  unsupported.output("y");
  auto u = unsupported.import();
  REQUIRE(!u);
  CHECK(u.error().code == ErrorCode::Unsupported);

  ModelBuilder dynamicShape;  // found by the op's importer (ImportCtx::unsupported), not the table
  dynamicShape.input("x", {2, 3});
  dynamicShape.node("Reshape", {"x", "x"}, {"y"}, "r");
  dynamicShape.output("y");
  auto d = dynamicShape.import();
  REQUIRE(!d);
  CHECK(d.error().code == ErrorCode::Unsupported);
  CHECK(has(d.error().message(), "node 'r' (Reshape): "));
  CHECK(d.error().message().find("unsupported: ") == std::string::npos);

  ModelBuilder shapes;
  shapes.input("x", {2, 3}).input("z", {4, 5});
  shapes.node("Add", {"x", "z"}, {"y"}, "bad_add");
  shapes.output("y");
  auto s = shapes.import();
  REQUIRE(!s);
  CHECK(s.error().code == ErrorCode::Shape);

  ModelBuilder missing;
  missing.input("x", {2, 3});
  missing.node("Add", {"x"}, {"y"}, "a");
  missing.output("y");
  auto m = missing.import();
  REQUIRE(!m);
  CHECK(m.error().code == ErrorCode::Parse);
}

TEST_CASE("Pad: non-constant pads, wrap mode and a reflect that crops are refused with the reason") {
  ModelBuilder b;
  b.input("x", {1, 2, 4, 4}).input("p", {8});
  b.node("Pad", {"x", "p"}, {"a"}, "dyn_pad");
  constInts(b, "crop", {0, 0, -1, 0, 0, 0, 1, 0});
  setAttr(b.node("Pad", {"x", "crop"}, {"c"}, "crop_reflect"), "mode", std::string("reflect"));
  setAttr(b.node("Pad", {"x", "crop"}, {"d"}, "wrap"), "mode", std::string("wrap"));
  b.node("Pad", {"x", "crop"}, {"e"}, "crop_constant");  // constant mode: crop, then pad
  b.output("a").output("c").output("d").output("e");
  std::string msg = errorOf(b.import());
  CHECK(has(msg, "(3 problems)"));
  CHECK(has(msg, "node 'dyn_pad' (Pad): Pad's pads (input 'p') is not a constant"));
  CHECK(has(msg, "node 'crop_reflect' (Pad): Pad in reflect mode that crops and pads the same axis 2"));
  CHECK(has(msg, "node 'wrap' (Pad): Pad mode 'wrap' (constant, reflect and edge are supported)"));
}

TEST_CASE("Pad: a crop of INT64_MIN empties its axis, and huge pads are refused, never overflowed") {
  // fuzz_onnx_import found -pad overflowing (tests/data/fuzz/fuzz_onnx_import/pad-int64-min.onnx).
  ModelBuilder b;
  b.input("x", {2, 3});
  constInts(b, "crop", {0, std::numeric_limits<int64_t>::min(), 0, 0});
  b.node("Pad", {"x", "crop"}, {"y"}, "crop_all");
  b.output("y");
  auto g = b.import();
  REQUIRE(g.ok());
  CHECK(g->type(g->outputs[0].value).shape == Shape{2, 0});
  ModelBuilder huge;
  huge.input("x", {2, 3});
  constInts(huge, "pads", {0, std::numeric_limits<int64_t>::max(), 0, 0});
  huge.node("Pad", {"x", "pads"}, {"y"}, "pad_huge");
  huge.output("y");
  CHECK(has(errorOf(huge.import()), "are too large"));
}

TEST_CASE("NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss refuse a bad target, weight or reduction, naming the node") {
  auto lossModel = [](const std::string& op, std::vector<int64_t> targetDims, std::vector<int64_t> weightDims, std::string reduction) {
    ModelBuilder b;
    b.input("x", {4, 3, 2});
    b.rawInit<int64_t>("t", onnx::TensorProto::INT64, targetDims, std::vector<int64_t>(numElements(targetDims), 1));
    std::vector<std::string> ins{"x", "t"};
    if (!weightDims.empty()) {
      b.init("w", weightDims, std::vector<float>(numElements(weightDims), 1.0f));
      ins.push_back("w");
    }
    setAttr(b.node(op, ins, {"loss"}, "loss"), "reduction", reduction);
    b.output("loss");
    return b.import();
  };
  for (std::string op : {"NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss"}) {
    CAPTURE(op);
    std::string where = "node 'loss' (" + op + "): ";
    CHECK(lossModel(op, {4, 2}, {}, "mean").ok());
    CHECK(has(errorOf(lossModel(op, {4, 3}, {}, "mean")), where + "the target is i64[4,3]; an input of f32[4,3,2] needs i64[4,2]"));
    CHECK(has(errorOf(lossModel(op, {4, 2}, {4}, "sum")), where + "the weight is f32[4], not f32[3]"));
    CHECK(has(errorOf(lossModel(op, {4, 2}, {}, "average")), where + "reduction 'average' is none of 'none', 'sum' and 'mean'"));
  }
}

TEST_CASE("a declared size that a composed op would materialise at import is refused, never allocated") {
  // OneHot's depth and the loss ops' class count become a constant of positions at import.
  ModelBuilder oneHot;
  oneHot.input("i", {2, 3});
  oneHot.rawInit<int64_t>("depth", onnx::TensorProto::INT64, {}, {std::numeric_limits<int64_t>::max()});
  oneHot.init("values", {2}, {0.0f, 1.0f});
  oneHot.node("OneHot", {"i", "depth", "values"}, {"y"}, "onehot");
  oneHot.output("y");
  CHECK(has(errorOf(oneHot.import()), "node 'onehot' (OneHot): OneHot needs the positions 0..9223372036854775806 as a constant"));

  ModelBuilder loss;
  loss.input("x", {1, int64_t{1} << 40});
  loss.rawInit<int64_t>("t", onnx::TensorProto::INT64, {1}, {3});
  loss.node("NegativeLogLikelihoodLoss", {"x", "t"}, {"l"}, "nll");
  loss.output("l");
  CHECK(has(errorOf(loss.import()), "node 'nll' (NegativeLogLikelihoodLoss): NegativeLogLikelihoodLoss needs the positions 0..1099511627775"));
  CHECK(peakRssMiB() < 2048);
}

TEST_CASE("CumSum and OneHot refuse what they cannot read at import, naming the input") {
  ModelBuilder cumsum;
  cumsum.input("x", {2, 3});
  cumsum.input("axis", {});
  cumsum.node("CumSum", {"x", "axis"}, {"y"}, "cs");
  cumsum.output("y");
  CHECK(has(errorOf(cumsum.import()), "node 'cs' (CumSum): CumSum axis (input 'axis') is not a constant"));

  ModelBuilder oneHot;
  oneHot.input("i", {2, 3});
  oneHot.rawInit<int64_t>("depth", onnx::TensorProto::INT64, {}, {0});
  oneHot.init("values", {2}, {0.0f, 1.0f});
  oneHot.node("OneHot", {"i", "depth", "values"}, {"y"}, "onehot");
  oneHot.output("y");
  CHECK(has(errorOf(oneHot.import()), "node 'onehot' (OneHot): depth 0 is not a positive size"));
}

TEST_CASE("GatherElements refuses indices of another rank or reaching past data, naming the node") {
  auto gather = [](std::vector<int64_t> indexDims) {
    ModelBuilder b;
    b.input("d", {3, 4});
    b.rawInit<int64_t>("i", onnx::TensorProto::INT64, indexDims, std::vector<int64_t>(numElements(indexDims), 0));
    setAttr(b.node("GatherElements", {"d", "i"}, {"y"}, "ge"), "axis", int64_t{1});
    b.output("y");
    return b.import();
  };
  CHECK(gather({3, 7}).ok());  // along the axis, any count of indices
  CHECK(has(errorOf(gather({3})), "node 'ge' (GatherElements): the indices i64[3] must have the rank of data f32[3,4]"));
  CHECK(has(errorOf(gather({4, 2})), "node 'ge' (GatherElements): the indices i64[4,2] reach past data f32[3,4] on axis 0"));
}

TEST_CASE("TopK refuses a k outside the axis or not constant, and NonZero an input that is not a constant, naming the node") {
  auto topK = [](int64_t k, bool constantK) {
    ModelBuilder b;
    b.input("x", {3, 4});
    if (constantK) b.rawInit<int64_t>("k", onnx::TensorProto::INT64, {1}, {k});
    else b.input("k", {1}, {}, onnx::TensorProto::INT64);
    b.node("TopK", {"x", "k"}, {"v", "i"}, "top");
    b.output("v").output("i");
    return b.import();
  };
  CHECK(topK(4, true).ok());
  CHECK(topK(0, true).ok());
  CHECK(has(errorOf(topK(5, true)), "node 'top' (TopK): k = 5 is outside [0, 4], the extent of axis 1 of f32[3,4]"));
  CHECK(has(errorOf(topK(-1, true)), "k = -1 is outside [0, 4]"));
  CHECK(has(errorOf(topK(2, false)), "k (input 'k') is not a constant"));

  ModelBuilder given;
  given.input("x", {3, 4});
  given.node("NonZero", {"x"}, {"y"}, "nz");
  given.output("y");
  CHECK(has(errorOf(given.import()), "node 'nz' (NonZero): NonZero's output size depends on its input's values, and the input (input 'x') is not a constant"));
  // Of a constant: the coordinates, row-major, NaN counted as nonzero.
  ModelBuilder known;  // a Constant node's tensor: a constant, not a trainable initializer
  auto* value = known.node("Constant", {}, {"w"}, "w").add_attribute();
  value->set_name("value");
  value->set_type(onnx::AttributeProto::TENSOR);
  value->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {2, 3}) value->mutable_t()->add_dims(d);
  for (float v : {0.f, 1.5f, 0.f, NAN, 0.f, -2.f}) value->mutable_t()->add_float_data(v);
  known.node("NonZero", {"w"}, {"y"}, "nz");
  known.output("y");
  auto g = known.import();
  REQUIRE(g.ok());
  auto y = eval::interpret(*g, {});
  REQUIRE(y.ok());
  CHECK((*y)[0].type().str() == "i64[2,3]");
  std::vector<int64_t> coords;
  for (int64_t i = 0; i < (*y)[0].numel(); ++i) coords.push_back((*y)[0].data<int64_t>()[i]);
  CHECK(coords == std::vector<int64_t>{0, 1, 1, 1, 0, 2});
}

TEST_CASE("Resize refuses scales and sizes together, a bad mode, and a size it would materialise, naming the node") {
  auto resize = [](std::vector<float> scales, std::vector<int64_t> sizes, std::string mode) {
    ModelBuilder b;
    b.input("x", {1, 1, 4, 4});
    std::vector<std::string> ins{"x", ""};
    if (!scales.empty()) b.init("scales", {(int64_t)scales.size()}, scales);
    ins.push_back(scales.empty() ? "" : "scales");
    if (!sizes.empty()) {
      b.rawInit<int64_t>("sizes", onnx::TensorProto::INT64, {(int64_t)sizes.size()}, sizes);
      ins.push_back("sizes");
    }
    setAttr(b.node("Resize", ins, {"y"}, "rs"), "mode", mode);
    b.output("y");
    return b.import();
  };
  CHECK(resize({1, 1, 2, 2}, {}, "linear").ok());
  CHECK(has(errorOf(resize({1, 1, 2, 2}, {1, 1, 8, 8}, "linear")), "node 'rs' (Resize): Resize needs exactly one of scales and sizes"));
  CHECK(has(errorOf(resize({1, 1, 2, 2}, {}, "area")), "node 'rs' (Resize): mode 'area' is none of nearest, linear and cubic"));
  CHECK(has(errorOf(resize({}, {1, 1, int64_t{1} << 40, 4}, "nearest")),
            "node 'rs' (Resize): Resize to 1099511627776 positions on axis 2, more than import-time folding materialises"));
  CHECK(has(errorOf(resize({1, 1, -2, 2}, {}, "nearest")), "node 'rs' (Resize): scale -2 on axis 2 of f32[1,1,4,4] gives no valid size"));
}

TEST_CASE("ConvTranspose refuses 3-D, weights that do not fit the groups, and an output_padding not below the stride") {
  auto convT = [](std::vector<int64_t> xDims, std::vector<int64_t> wDims, int64_t group, int64_t outputPadding) {
    ModelBuilder b;
    b.input("x", xDims);
    b.init("w", wDims, std::vector<float>(numElements(wDims), 0.5f));
    auto& n = b.node("ConvTranspose", {"x", "w"}, {"y"}, "ct");
    setAttr(n, "group", group);
    std::vector<int64_t> padding(xDims.size() - 2, 0);
    padding[0] = outputPadding;
    setAttr(n, "output_padding", padding);
    b.output("y");
    return b.import();
  };
  CHECK(convT({1, 4, 3, 3}, {4, 2, 3, 3}, 2, 0).ok());
  auto oneD = convT({1, 4, 3}, {4, 2, 3}, 1, 0);
  REQUIRE(oneD.ok());
  CHECK(oneD->type(oneD->outputs[0].value).str() == "f32[1,2,5]");
  CHECK(has(errorOf(convT({1, 4, 3, 3, 3}, {4, 2, 3, 3, 3}, 1, 0)), "node 'ct' (ConvTranspose): ConvTranspose of f32[1,4,3,3,3] with f32[4,2,3,3,3] weights (1-D and 2-D"));
  CHECK(has(errorOf(convT({1, 4, 3, 3}, {4, 2, 3, 3}, 3, 0)), "node 'ct' (ConvTranspose): the input f32[1,4,3,3] and weights f32[4,2,3,3] do not fit group 3"));
  CHECK(has(errorOf(convT({1, 4, 3, 3}, {4, 2, 3, 3}, 1, 1)), "output_padding below the stride or dilation"));
}
