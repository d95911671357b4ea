// pad in every mode against NumPy, what its inference refuses, and pad_grad.
#include <doctest/doctest.h>

#include "ir/builder.h"
#include "ir/eval/interpreter.h"
#include "tests/ref/cases.h"

using namespace graphc;
using namespace graphc::test;

TEST_CASE("pad: constant with a fill value, reflect, edge") {
  checkCase("pad_constant_f32", OpKind::Pad, attrs({{"pads", Ints{0, 2, 1, 1, 0, 3}}, {"value", 1.5}}));
  checkCase("pad_reflect_f32", OpKind::Pad, attrs({{"pads", Ints{1, 2, 3, 1, 2, 1}}, {"mode", std::string("reflect")}}));
  checkCase("pad_reflect_widest_f64", OpKind::Pad, attrs({{"pads", Ints{2, 3, 0, 3}}, {"mode", std::string("reflect")}}));
  checkCase("pad_edge_i64", OpKind::Pad, attrs({{"pads", Ints{2, 0, 1, 3}}, {"mode", std::string("edge")}}));
}

TEST_CASE("pad: inference refuses what no mode defines") {
  auto infer = [](Shape s, Ints pads, std::string mode) {
    Graph g;
    Builder b(g);
    ValueId x = b.input("x", {DType::f32, s});
    return b.tryCreate(OpKind::Pad, {x}, attrs({{"pads", pads}, {"mode", mode}})).ok();
  };
  CHECK(infer({2, 3}, {0, 1, 1, 0}, "constant"));
  CHECK(infer({2, 3}, {1, 2, 1, 2}, "reflect"));
  CHECK_FALSE(infer({2, 3}, {1, 3, 0, 0}, "reflect"));  // a reflection wider than the axis
  CHECK_FALSE(infer({2, 3}, {0, 1}, "constant"));        // not 2 * rank entries
  CHECK_FALSE(infer({2, 3}, {0, -1, 0, 0}, "constant"));  // crops are the importer's slices
  CHECK_FALSE(infer({2, 3}, {0, 1, 0, 0}, "wrap"));
  CHECK_FALSE(infer({0, 3}, {1, 0, 0, 0}, "edge"));
  CHECK(infer({0, 3}, {1, 0, 0, 0}, "constant"));
}

TEST_CASE("pad_grad sums the copies that reflect and edge made") {
  // x = [a, b, c] padded by 2 on each side: reflect reads [c b a b c b a], edge [a a a b c c c].
  for (auto [mode, want] : {std::pair<std::string, std::vector<double>>{"reflect", {2, 3, 2}}, {"edge", {3, 1, 3}},
                            {"constant", {1, 1, 1}}}) {
    Graph g;
    Builder b(g);
    ValueId dy = b.input("dy", {DType::f64, {7}});
    b.output("dx", b.create(OpKind::PadGrad, {dy}, attrs({{"pads", Ints{2, 2}}, {"mode", mode}})));
    std::vector<Tensor> ones{Tensor::fromVector(DType::f64, {7}, std::vector<double>(7, 1.0))};
    auto r = eval::interpret(g, ones);
    REQUIRE(r.ok());
    INFO(mode);
    checkClose((*r)[0], Tensor::fromVector(DType::f64, {3}, want), "pad_grad");
  }
}
