// Round trips of the textual IR: every op of the table, builder-made graphs, numbers and names.
#include <cmath>
#include <cstring>
#include <random>
#include <set>

#include "ir/builder.h"
#include "tests/ir/text_util.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

// The printer drops comments, so the canonical text of a commented file is the file without them.
std::string withoutCommentLines(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.starts_with("//")) out += line + "\n";
  return out;
}

void checkSameConstants(const Graph& a, const Graph& b) {
  REQUIRE(a.constants.size() == b.constants.size());
  for (size_t i = 0; i < a.constants.size(); ++i) {
    const Value &x = a.value(a.constants[i]), &y = b.value(b.constants[i]);
    CHECK(x.name == y.name);
    CHECK(x.kind == y.kind);
    CHECK(x.file == y.file);
    CHECK_MESSAGE(x.data.bitEqual(y.data), "data of %" << x.name << " changed");
  }
}

// print(parse(print(g))) == print(g), with bit-identical constant data.
void checkRoundTrip(const Graph& g) {
  std::string once = printGraph(g);
  Graph back = parseOk(once);
  CHECK(printGraph(back) == once);
  checkSameConstants(g, back);
}

TEST_CASE("all_ops.graph uses every op of ops.def") {
  std::string path = dataPath("ir/all_ops.graph");
  Graph g = parseOk(readText(path), path);
  std::set<OpKind> used;
  for (const Node& n : g.nodes) used.insert(n.op);
  for (const OpInfo& info : allOps()) CHECK_MESSAGE(used.count(info.kind), "op '" << info.name << "' is not in all_ops.graph");
}

TEST_CASE("all_ops.graph is in canonical printed form") {
  std::string path = dataPath("ir/all_ops.graph");
  std::string text = readText(path);
  Graph g = parseOk(text, path);
  CHECK(printGraph(g) == withoutCommentLines(text));
  // And printing is a fixed point once more, data included.
  Graph again = parseOk(printGraph(g), path);
  CHECK(printGraph(again) == printGraph(g));
  checkSameConstants(g, again);
}

TEST_CASE("a param from a file keeps its path and its data") {
  std::string path = dataPath("ir/all_ops.graph");
  Graph g = parseOk(readText(path), path);
  const Value& w = g.value(g.findValue("w"));
  CHECK(w.file == "all_ops_w.npy");
  CHECK(w.kind == ValueKind::Param);
  REQUIRE(w.data.type() == TensorType{DType::f32, {3, 4}});
  CHECK(w.data.at(0) == -0.75);
  CHECK(w.data.at(11) == 0.625);
}

TEST_CASE("special and extreme numbers survive exactly") {
  std::string path = dataPath("ir/all_ops.graph");
  Graph g = parseOk(readText(path), path);
  const Tensor& s = g.value(g.findValue("special")).data;
  CHECK(std::isinf(s.at(0)));
  CHECK(s.at(0) > 0);
  CHECK(std::isinf(s.at(1)));
  CHECK(s.at(1) < 0);
  CHECK(std::isnan(s.at(2)));
  CHECK(s.at(3) == std::nextafter(1.0, 2.0));
  const Tensor& i = g.value(g.findValue("ints")).data;
  CHECK(i.data<int64_t>()[0] == INT64_MAX);
  CHECK(i.data<int64_t>()[1] == INT64_MIN);
  const Tensor& e = g.value(g.findValue("extremes")).data;
  CHECK(e.data<float>()[2] == std::numeric_limits<float>::denorm_min());
}

TEST_CASE("attribute values print in a form that keeps their kind") {
  CHECK(printAttr(Attr{int64_t{-1}}) == "-1");
  CHECK(printAttr(Attr{1e-05}) == "1e-05");
  CHECK(printAttr(Attr{1.0}) == "1.0");
  CHECK(printAttr(Attr{0.1}) == "0.1");
  CHECK(printAttr(Attr{1e20}) == "1e+20");
  CHECK(printAttr(Attr{-INFINITY}) == "-inf");
  CHECK(printAttr(Attr{NAN}) == "nan");
  CHECK(printAttr(Attr{std::string("a\"b\\c\n")}) == "\"a\\\"b\\\\c\\n\"");
  CHECK(printAttr(Attr{std::vector<int64_t>{1, 0}}) == "[1, 0]");
  CHECK(printAttr(Attr{std::vector<int64_t>{}}) == "[]");
  CHECK(printAttr(Attr{std::vector<double>{0.5, 1.0}}) == "[0.5, 1.0]");
}

TEST_CASE("attributes equal to their default are not printed") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {2, 3}});
  AttrMap attrs;
  attrs.set("axis", int64_t{-1});
  ValueId y = b.create(OpKind::Softmax, {x}, attrs, "y");
  AttrMap clip;
  clip.set("min", -INFINITY);
  clip.set("max", 6.0);
  ValueId z = b.create(OpKind::Clip, {y}, clip, "z");
  b.output("z", z);
  std::string text = printGraph(g);
  CHECK(text ==
        "graph main {\n"
        "  input %x : f32[2,3]\n"
        "  %y = softmax(%x) : f32[2,3]\n"
        "  %z = clip(%y) {max = 6.0} : f32[2,3]\n"
        "  output z = %z\n"
        "}\n");
  checkRoundTrip(g);
}

TEST_CASE("a builder-made MLP round trips, data bit for bit") {
  Graph g;
  g.name = "mlp";
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {4, 10}});
  ValueId w1 = b.param("w1", randomTensor({DType::f32, {10, 20}}, 1));
  ValueId b1 = b.param("b1", randomTensor({DType::f32, {20}}, 2));
  ValueId w2 = b.param("w2", randomTensor({DType::f32, {20, 5}}, 3, -1e6, 1e6));
  ValueId b2 = b.param("b2", randomTensor({DType::f32, {5}}, 4, -1e-30, 1e-30));
  AttrMap relu;
  relu.set("activation", std::string("relu"));
  ValueId h = b.create(OpKind::Dense, {x, w1, b1}, relu, "h");
  ValueId y = b.create(OpKind::Dense, {h, w2, b2}, {}, "logits");
  ValueId p = b.create(OpKind::Softmax, {y}, {}, "probs");
  b.output("probs", p);
  b.output("logits", y);
  checkRoundTrip(g);
}

TEST_CASE("constants of every dtype round trip, bf16 included") {
  Graph g;
  Builder b(g);
  ValueId d = b.param("d", randomTensor({DType::f64, {7}}, 5, -1e300, 1e300));
  b.constant(randomTensor({DType::i32, {2, 2}}, 6, -2e9, 2e9), "i32");
  b.constant(randomTensor({DType::i64, {3}}, 7, -1e18, 1e18), "i64");
  b.constant(randomTensor({DType::boolean, {5}}, 8), "mask");
  b.constant(Tensor::scalar(DType::f32, 0.1), "scalar");
  // Tensor::set does not handle bf16's layout, so write its bits directly.
  Tensor bf(TensorType{DType::bf16, {3}});
  const uint16_t bits[] = {0x3f80, 0xc0a0, 0x7f80};  // 1, -5, inf
  std::memcpy(bf.raw(), bits, sizeof bits);
  b.constant(bf, "bf");
  b.output("d", b.create(OpKind::Neg, {d}));
  checkRoundTrip(g);
  CHECK(printGraph(g).find("const %bf : bf16[3] = [1, -5, inf]") != std::string::npos);
}

TEST_CASE("constants of the storage dtypes round trip: every f16, and i8, u8, i16, u16 at their ranges") {
  Graph g;
  Builder b(g);
  Tensor h(TensorType{DType::f16, {0x10000}});
  for (uint32_t i = 0; i < 0x10000; ++i) h.data<uint16_t>()[i] = (uint16_t)((i & 0x7c00) == 0x7c00 && (i & 0x3ff) ? 0x7e00 : i);
  b.constant(h, "h");
  b.constant(Tensor::fromVector<int64_t>(DType::i8, {3}, {-128, 127, 0}), "i8");
  b.constant(Tensor::fromVector<int64_t>(DType::u8, {3}, {0, 255, 7}), "u8");
  b.constant(Tensor::fromVector<int64_t>(DType::i16, {2}, {-32768, 32767}), "i16");
  b.constant(Tensor::fromVector<int64_t>(DType::u16, {2}, {0, 65535}), "u16");
  b.output("x", b.input("x", {DType::f32, {1}}));
  checkRoundTrip(g);
  std::string text = printGraph(g);
  CHECK(text.find("const %u8 : u8[3] = [0, 255, 7]") != std::string::npos);
  CHECK(text.find("const %i8 : i8[3] = [-128, 127, 0]") != std::string::npos);
}

TEST_CASE("random float bit patterns round trip through %.9g and %.17g") {
  std::mt19937_64 rng(42);
  Graph g;
  Builder b(g);
  Tensor f(TensorType{DType::f32, {2000}});
  Tensor d(TensorType{DType::f64, {2000}});
  for (int i = 0; i < 2000; ++i) {
    uint32_t fb = (uint32_t)rng();
    uint64_t db = rng();
    float fv;
    double dv;
    std::memcpy(&fv, &fb, 4);
    std::memcpy(&dv, &db, 8);
    f.data<float>()[i] = std::isnan(fv) ? 0.0f : fv;  // nan prints without its payload
    d.data<double>()[i] = std::isnan(dv) ? 0.0 : dv;
  }
  b.constant(f, "f");
  b.constant(d, "d");
  b.output("f", g.findValue("f"));
  checkRoundTrip(g);
}

TEST_CASE("names that need quotes are quoted and come back unchanged") {
  Graph g;
  g.name = "my graph";
  Builder b(g);
  const std::string odd[] = {"onnx::Gemm_5", "a b", "quote\"back\\slash", std::string("nul\0byte", 8), "tab\tnl\n",
                             "ünïcode", "7", "a.b$c-d"};
  std::vector<ValueId> ids;
  for (const std::string& n : odd) ids.push_back(b.input(n, {DType::f32, {1}}));
  ValueId sum = ids[0];
  for (size_t i = 1; i < ids.size(); ++i) sum = b.create(OpKind::Add, {sum, ids[i]}, {}, "sum:" + std::to_string(i));
  b.output("out 1", sum);
  b.output("plain", ids[1]);
  std::string text = printGraph(g);
  CHECK(text.starts_with("graph \"my graph\" {\n  input %\"onnx::Gemm_5\" : f32[1]\n"));
  CHECK(text.find("input %\"nul\\00byte\"") != std::string::npos);
  CHECK(text.find("input %a.b$c-d :") != std::string::npos);
  Graph back = parseOk(text);
  CHECK(back.name == "my graph");
  for (size_t i = 0; i < std::size(odd); ++i) CHECK(back.value(back.inputs[i]).name == odd[i]);
  CHECK(back.outputs[0].name == "out 1");
  CHECK(printGraph(back) == text);
}

TEST_CASE("dead nodes are not printed") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {2}});
  ValueId y = b.create(OpKind::Relu, {x}, {}, "y");
  b.create(OpKind::Neg, {x}, {}, "unused");
  g.nodes.back().dead = true;
  b.output("y", y);
  CHECK(printGraph(g).find("unused") == std::string::npos);
}

TEST_CASE("the doc's example parses (with inline weights)") {
  std::string text =
      "// Comments run from // to the end of the line.\n"
      "graph mlp {\n"
      "  input %x : f32[4,10]\n"
      "  param %w1 : f32[10,2] = [1,2,3,4,5,6,7,8,9,10,1,2,3,4,5,6,7,8,9,10]\n"
      "  param %b1 : f32[2] = [0.1, -0.2]   // trailing comment\n"
      "  const %axes : i64[1] = [1]\n"
      "  %h = dense(%x, %w1, %b1) {activation = \"relu\"} : f32[4,2]\n"
      "  %y = softmax(%h) {axis = -1} : f32[4,2]\n"
      "  output y = %y\n"
      "}\n";
  Graph g = parseOk(text);
  CHECK(g.nodes.size() == 2);
  CHECK(printGraph(g).find("%y = softmax(%h) : f32[4,2]") != std::string::npos);
  checkRoundTrip(g);
}

}  // namespace
}  // namespace graphc::test
