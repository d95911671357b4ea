// Symbolic dimensions in the textual IR: binding from dims and from input shapes, the errors
// (conflicts, unbound symbols, params, rank and fixed dimensions, unknown inputs), round trips.
#include "tests/ir/text_util.h"

namespace graphc::test {
namespace {

// An MLP written once for any batch size N.
const char* kMlp = R"(graph mlp {
  input %x : f32[N,4]
  param %w : f32[4,3] = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]
  param %b : f32[3] = [0.5, 0, -0.5]
  %h = dense(%x, %w, %b) {activation = "relu"} : f32[N,3]
  %p = softmax(%h) : f32[N,3]
  output p = %p
}
)";

Result<Graph> parseWith(std::string_view text, const ParseOptions& options) {
  return parseGraph(text, "t.graph", options);
}

Graph parseOkWith(std::string_view text, const ParseOptions& options) {
  auto r = parseWith(text, options);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().render()));
  return std::move(r.value());
}

std::string errorsWith(std::string_view text, const ParseOptions& options) {
  auto r = parseWith(text, options);
  REQUIRE_MESSAGE(!r.ok(), "expected a parse error, got:\n" << printGraph(r.value()));
  return brief(r.error());
}

Shape shapeOf(const Graph& g, const std::string& name) { return g.type(g.findValue(name)).shape; }

TEST_CASE("symbols bind from the dims option") {
  Graph g = parseOkWith(kMlp, {.dims = {{"N", 7}}});
  CHECK(shapeOf(g, "x") == Shape{7, 4});
  CHECK(shapeOf(g, "h") == Shape{7, 3});
  CHECK(shapeOf(g, "p") == Shape{7, 3});
  // Symbols the file does not use are ignored.
  CHECK(shapeOf(parseOkWith(kMlp, {.dims = {{"N", 1}, {"T", 5}}}), "p") == Shape{1, 3});
}

TEST_CASE("symbols bind from an input's given shape, at any batch size") {
  for (int64_t n : {1, 2, 32, 1000}) {
    Graph g = parseOkWith(kMlp, {.inputShapes = {{"x", {n, 4}}}});
    CHECK(shapeOf(g, "x") == Shape{n, 4});
    CHECK(shapeOf(g, "p") == Shape{n, 3});
  }
  // A given shape that agrees with an explicit binding.
  CHECK(shapeOf(parseOkWith(kMlp, {.inputShapes = {{"x", {5, 4}}}, .dims = {{"N", 5}}}), "h") == Shape{5, 3});
  // Zero is a size like any other.
  CHECK(shapeOf(parseOkWith(kMlp, {.inputShapes = {{"x", {0, 4}}}}), "p") == Shape{0, 3});
}

TEST_CASE("several inputs share a symbol, and one given shape binds it for all") {
  const char* text = R"(graph g {
  input %x : f32[N,4]
  input %y : f32[N,T]
  input %z : i64[N]
  %s = add(%x, %y) : f32[N,4]
  output s = %s
  output z = %z
}
)";
  Graph g = parseOkWith(text, {.inputShapes = {{"x", {6, 4}}, {"y", {6, 4}}, {"z", {6}}}});
  CHECK(shapeOf(g, "z") == Shape{6});
  CHECK(shapeOf(g, "s") == Shape{6, 4});
  // z's shape alone binds N; T comes from dims.
  g = parseOkWith(text, {.inputShapes = {{"z", {3}}}, .dims = {{"T", 4}}});
  CHECK(shapeOf(g, "x") == Shape{3, 4});
  CHECK(shapeOf(g, "y") == Shape{3, 4});
  // Binding does not depend on the order of declarations: a later input binds N for an earlier one.
  g = parseOkWith(text, {.inputShapes = {{"y", {2, 4}}}});
  CHECK(shapeOf(g, "x") == Shape{2, 4});
  CHECK(shapeOf(g, "z") == Shape{2});
}

TEST_CASE("conflicting bindings name both places") {
  const char* text = "graph g {\n  input %x : f32[N,4]\n  input %y : f32[N]\n  output x = %x\n  output y = %y\n}\n";
  CHECK(errorsWith(text, {.inputShapes = {{"x", {8, 4}}, {"y", {9}}}}) ==
        "3:18: dimension 'N' is 9 for input 'y' (given shape [9]), but 8 from input 'x' (line 2)\n");
  CHECK(errorsWith(text, {.inputShapes = {{"y", {9}}}, .dims = {{"N", 8}}}) ==
        "3:18: dimension 'N' is 9 for input 'y' (given shape [9]), but 8 from the given dims\n");
  // The same symbol twice in one type.
  CHECK(errorsWith("graph g {\n  input %x : f32[N,N]\n  output x = %x\n}\n", {.inputShapes = {{"x", {2, 3}}}}) ==
        "2:20: dimension 'N' is 3 for input 'x' (given shape [2x3]), but 2 from input 'x' (line 2)\n");
  // A bound result type that disagrees with inference says both forms.
  CHECK(errorsWith("graph g {\n  input %x : f32[N,4]\n  %y = relu(%x) : f32[4,N]\n  output y = %y\n}\n",
                   {.dims = {{"N", 2}}}) ==
        "3:19: result type f32[4,N] (f32[4,2]) does not match the inferred type f32[2,4]\n");
}

TEST_CASE("an unbound symbol is an error where it first appears, once") {
  CHECK(errorsWith(kMlp, {}) == "2:18: dimension 'N' is not bound; give the input's shape (e.g. --shape x=32x4)\n");
  auto r = parseGraph(kMlp, "mlp.graph");
  REQUIRE(!r.ok());
  CHECK(r.error().render() ==
        "mlp.graph:2:18: error: dimension 'N' is not bound; give the input's shape (e.g. --shape x=32x4)\n"
        "  input %x : f32[N,4]\n"
        "                 ^\n");
  // Two inputs use N: the first is reported, and nothing that depends on N adds errors.
  CHECK(errorsWith("graph g {\n  input %x : f32[N,4]\n  input %y : f32[N]\n  %z = relu(%y) : f32[N]\n"
                   "  output x = %x\n  output z = %z\n}\n", {}) ==
        "2:18: dimension 'N' is not bound; give the input's shape (e.g. --shape x=32x4)\n");
  // Known symbols fill the example; a symbol that no input uses has no input to point at.
  CHECK(errorsWith("graph g {\n  input %x : f32[T,N]\n  output x = %x\n}\n", {.dims = {{"N", 3}}}) ==
        "2:18: dimension 'T' is not bound; give the input's shape (e.g. --shape x=32x3)\n");
  CHECK(errorsWith("graph g {\n  input %x : f32[2]\n  %y = relu(%x) : f32[M]\n  output y = %y\n}\n", {}) ==
        "3:23: dimension 'M' is not bound, and no input's type uses it\n");
  // With a chunk's first line, locations shift as for every other error.
  auto chunk = parseGraph(kMlp, "t.graph", 10, {});
  REQUIRE(!chunk.ok());
  CHECK(brief(chunk.error()) == "11:18: dimension 'N' is not bound; give the input's shape (e.g. --shape x=32x4)\n");
}

TEST_CASE("params and consts must have concrete shapes") {
  CHECK(errorsWith("graph g {\n  input %x : f32[N]\n  param %w : f32[N] = [1,\n    2]\n  output y = %w\n}\n",
                   {.dims = {{"N", 2}}}) ==
        "3:18: param '%w' has the symbolic dimension 'N'; params and consts need concrete shapes\n");
  CHECK(errorsWith("graph g {\n  const %c : i64[2,K] = file \"c.npy\"\n  output y = %c\n}\n", {.dims = {{"K", 1}}}) ==
        "2:20: const '%c' has the symbolic dimension 'K'; params and consts need concrete shapes\n");
}

TEST_CASE("given shapes must fit the declared rank and fixed dimensions") {
  CHECK(errorsWith(kMlp, {.inputShapes = {{"x", {8, 4, 1}}}}) ==
        "2:14: input 'x' is declared as f32[N,4] but was given shape [8x4x1]\n");
  CHECK(errorsWith(kMlp, {.inputShapes = {{"x", {8}}}}) ==
        "2:14: input 'x' is declared as f32[N,4] but was given shape [8]\n");
  CHECK(errorsWith(kMlp, {.inputShapes = {{"x", {8, 5}}}}) ==
        "2:14: input 'x' is declared as f32[N,4] but was given shape [8x5]\n");
  // An input without symbols must be given exactly its declared shape.
  const char* fixed = "graph g {\n  input %x : f32[2,3]\n  output x = %x\n}\n";
  CHECK(errorsWith(fixed, {.inputShapes = {{"x", {3, 3}}}}) ==
        "2:14: input 'x' is declared as f32[2,3] but was given shape [3x3]\n");
  CHECK(shapeOf(parseOkWith(fixed, {.inputShapes = {{"x", {2, 3}}}}), "x") == Shape{2, 3});
  CHECK(errorsWith(kMlp, {.inputShapes = {{"x", {-1, 4}}}}) ==
        "2:14: input 'x' is declared as f32[N,4] but was given shape [-1x4]\n");
  CHECK(errorsWith(kMlp, {.dims = {{"N", -1}}}) ==
        "2:18: dimension 'N' is bound to -1 from the given dims, which is negative\n");
  CHECK(errorsWith(kMlp, {.dims = {{"N", int64_t{1} << 50}}}) ==
        "2:14: type f32[N,4] (f32[1125899906842624,4]) has too many elements\n");
}

TEST_CASE("a given shape for an unknown input lists the inputs") {
  CHECK(errorsWith(kMlp, {.inputShapes = {{"x", {2, 4}}, {"z", {2}}}}) ==
        "0:0: the model has no input 'z' (its inputs: x)\n");
  auto r = parseWith("graph g {\n  const %c : f32[] = [1]\n  output c = %c\n}\n", {.inputShapes = {{"x", {2}}}});
  REQUIRE(!r.ok());
  CHECK(r.error().render() == "t.graph: error: the model has no input 'x' (it has no inputs)\n");
}

TEST_CASE("symbol syntax") {
  CHECK(shapeOf(parseOkWith("graph g {\n  input %x : f32[_b0,batch_Size]\n  output x = %x\n}\n",
                            {.dims = {{"_b0", 1}, {"batch_Size", 2}}}),
                "x") == Shape{1, 2});
  CHECK(parseErrors("graph g {\n  input %x : f32[N.1]\n  output x = %x\n}\n") ==
        "2:18: bad dimension 'N.1': a symbol is a letter or '_' followed by letters, digits and '_'\n");
  CHECK(parseErrors("graph g {\n  input %x : f32[1N]\n  output x = %x\n}\n") ==
        "2:18: bad dimension: expected an integer, got '1N'\n");
  CHECK(parseErrors("graph g {\n  input %x : f32[-N]\n  output x = %x\n}\n") ==
        "2:18: bad dimension: expected an integer, got '-N'\n");
}

TEST_CASE("a bound graph prints concrete shapes and round trips") {
  Graph g = parseOkWith(kMlp, {.inputShapes = {{"x", {16, 4}}}});
  std::string printed = printGraph(g);
  CHECK(printed.find("input %x : f32[16,4]\n") != std::string::npos);
  CHECK(printed.find("%h = dense(%x, %w, %b) {activation = \"relu\"} : f32[16,3]\n") != std::string::npos);
  CHECK(printed.find('N') == std::string::npos);
  Graph back = parseOk(printed);
  CHECK(printGraph(back) == printed);
  // The printed form takes the same given shape, and rejects another.
  CHECK(printGraph(parseOkWith(printed, {.inputShapes = {{"x", {16, 4}}}})) == printed);
  CHECK(errorsWith(printed, {.inputShapes = {{"x", {8, 4}}}}) ==
        "2:14: input 'x' is declared as f32[16,4] but was given shape [8x4]\n");
}

}  // namespace
}  // namespace graphc::test
