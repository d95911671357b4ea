// precision_bf16 moves a cast before the movement ops that only lead to a product. Rounding
// commutes with moving, so the graph it makes must compute the very bits of the same graph with
// each cast after the movement (where the pass used to put it).
#include "frontend/text/parser.h"
#include "tests/passes/helpers.h"

using namespace graphc;
using namespace graphc::test;

// The two graphs' common part: their inputs and x's movement chain; and their outputs.
const std::string kMoves = R"(graph g {
  input %x : f32[4,6]
  input %w8 : f32[2,5]
  input %w6 : f32[6,3]
  input %y : f32[3,4]
  input %z : f32[1,3]
  %s = slice(%x) {axes = [1], starts = [0], ends = [4]} : f32[4,4]
  %r = reshape(%s) {shape = [2, 8]} : f32[2,8]
  %t = transpose(%r) {perm = [1, 0]} : f32[8,2]
)";
const std::string kOutputs = R"(
  output a = %a
  output b = %b
  output c = %c
  output d = %d
  output yt = %yt
})";

TEST_CASE("precision_bf16: casts moved before slices, reshapes, transposes and expands give the same bits as after them") {
  // x is read through a slice, a reshape and a transpose by one matmul and directly by another
  // (one cast serves both); z through an expand; y's transpose is also an output, so its cast
  // stays after it.
  auto moved = parseGraph(kMoves + R"(  %a = matmul(%t, %w8) : f32[8,5]
  %b = matmul(%x, %w6) : f32[4,3]
  %yt = transpose(%y) {perm = [1, 0]} : f32[4,3]
  %d = matmul(%yt, %y) : f32[4,4]
  %e = expand(%z) {shape = [4, 3]} : f32[4,3]
  %c = matmul(%e, %y) : f32[4,4]
)" + kOutputs, "moved.graph");
  REQUIRE_MESSAGE(moved.ok(), (moved.ok() ? "" : moved.error().message()));
  auto after = parseGraph(kMoves + R"(  %yt = transpose(%y) {perm = [1, 0]} : f32[4,3]
  %e = expand(%z) {shape = [4, 3]} : f32[4,3]
  %tb = cast(%t) {to = "bf16"} : bf16[8,2]
  %w8b = cast(%w8) {to = "bf16"} : bf16[2,5]
  %xb = cast(%x) {to = "bf16"} : bf16[4,6]
  %w6b = cast(%w6) {to = "bf16"} : bf16[6,3]
  %ytb = cast(%yt) {to = "bf16"} : bf16[4,3]
  %yb = cast(%y) {to = "bf16"} : bf16[3,4]
  %eb = cast(%e) {to = "bf16"} : bf16[4,3]
  %a = matmul(%tb, %w8b) : f32[8,5]
  %b = matmul(%xb, %w6b) : f32[4,3]
  %d = matmul(%ytb, %yb) : f32[4,4]
  %c = matmul(%eb, %yb) : f32[4,4]
)" + kOutputs, "after.graph");
  REQUIRE_MESSAGE(after.ok(), (after.ok() ? "" : after.error().message()));
  Graph g = moved->clone();
  REQUIRE(runPipeline(g, {"precision_bf16", "dce"}).ok());
  REQUIRE(verify(g).ok());
  CHECK(countOps(g, OpKind::Cast) == 6);  // x (for both of its paths), w8, w6, y's transpose, y, z
  for (const Node& n : g.nodes)
    if (!n.dead && (n.op == OpKind::Slice || n.op == OpKind::Expand)) CHECK(g.type(n.results[0]).dtype == DType::bf16);
  for (uint64_t seed : {1u, 2u}) {
    std::vector<Tensor> want = interpretOnRandom(*after, seed), got = interpretOnRandom(g, seed);
    REQUIRE(want.size() == got.size());
    for (size_t i = 0; i < want.size(); ++i) CHECK(maxRelDiff(got[i], want[i]) == 0);
  }
}
