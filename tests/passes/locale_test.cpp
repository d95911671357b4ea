// fuse_layer_norm turns an f32 epsilon back into its literal without the locale: std::stod read
// "0.001" as 0 under a comma-decimal LC_NUMERIC.
#include "frontend/text/parser.h"
#include "tests/comma_locale.h"
#include "tests/passes/helpers.h"

using namespace graphc;
using namespace graphc::test;

TEST_CASE("fuse_layer_norm keeps an f32 epsilon's literal under a comma-decimal locale") {
  CommaDecimalLocale comma;
  auto g = parseGraph(R"(graph ln {
  input %x : f32[2,4]
  const %two : f32[] = [2]
  const %eps : f32[] = [0.001]
  %mean = reduce_mean(%x) {axes = [-1]} : f32[2,1]
  %d = sub(%x, %mean) : f32[2,4]
  %sq = pow(%d, %two) : f32[2,4]
  %var = reduce_mean(%sq) {axes = [-1]} : f32[2,1]
  %ve = add(%var, %eps) : f32[2,1]
  %s = sqrt(%ve) : f32[2,1]
  %y = div(%d, %s) : f32[2,4]
  output y = %y
}
)", "ln.graph");
  REQUIRE_MESSAGE(g.ok(), (g.ok() ? "" : g.error().message()));
  Graph after = runAndCompare(*g, {"fuse_layer_norm"}, nullptr, 1e-5);
  const Node* ln = after.producer(after.outputs[0].value);
  REQUIRE(ln);
  REQUIRE(ln->op == OpKind::LayerNorm);
  CHECK(std::get<double>(*ln->attrs.find("epsilon")) == 0.001);  // not 0, not 0.0010000000474974513
}
