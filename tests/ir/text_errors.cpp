// Parser diagnostics: exact messages and positions, several per run, and a fuzz loop that
// feeds malformed text and checks that parseGraph neither crashes nor lets anything through.
#include <random>

#include "tests/ir/text_util.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

// Wraps statement lines into a graph whose header is line 1, so statement i is on line i + 1.
std::string graphOf(const std::string& body) {
  return "graph g {\n  input %x : f32[2,3]\n" + body + "}\n";
}

TEST_CASE("syntax errors name the line and column") {
  CHECK(parseErrors("input %x : f32[2]\n") == "1:1: expected 'graph', got 'input'\n");
  CHECK(parseErrors("graph {\n") == "1:7: expected a graph name, got '{'\n");
  CHECK(parseErrors("graph g\n  input %x : f32[2]\n}\n") == "2:3: expected '{' after the graph name, got 'input'\n");
  CHECK(parseErrors("graph g {\n  input %x : f32[2]\n") == "3:1: expected '}' at the end of graph 'g'\n");
  CHECK(parseErrors(graphOf("  output y = %x\n") + "graph h {\n") == "5:1: unexpected 'graph' after the graph\n");
  CHECK(parseErrors(graphOf("  %y = relu(%x : f32[2,3]\n  output y = %x\n")) ==
        "3:16: expected ',' or ')' after an operand, got ':'\n");
  CHECK(parseErrors(graphOf("  %y relu(%x) : f32[2,3]\n  output y = %x\n")) ==
        "3:6: expected '=' after the result names, got 'relu'\n");
  CHECK(parseErrors(graphOf("  foo %y\n  output y = %x\n")) ==
        "3:3: expected 'input', 'param', 'const', 'state', 'output', 'update', a node or '}', got 'foo'\n");
  CHECK(parseErrors(graphOf("  input %z : f32[2] output y = %x\n")) ==
        "3:21: expected the end of the statement, got 'output'\n");
}

TEST_CASE("lexical errors") {
  CHECK(parseErrors(graphOf("  %y = cast(%x) {to = \"f32} : f32[2,3]\n  output y = %x\n")) ==
        "3:23: unterminated string\n");
  CHECK(parseErrors(graphOf("  %y = relu(%x) # : f32[2,3]\n  output y = %x\n")) ==
        "3:17: unexpected character '#'\n");
  CHECK(parseErrors(graphOf(std::string("  %y = relu(%x)\0 : f32[2,3]\n  output y = %x\n", 43))) ==
        "3:16: unexpected character '\\x00'\n");
  CHECK(parseErrors(graphOf("  %y = cast(%x) {to = \"f\\q\"} : f32[2,3]\n  output y = %x\n")) ==
        "3:25: invalid escape in string (use \\\\, \\\", \\n, \\t or \\HH)\n");
  CHECK(parseErrors(graphOf("  % = relu(%x) : f32[2,3]\n  output y = %x\n")) == "3:3: expected a name after '%'\n");
}

TEST_CASE("types and numbers") {
  CHECK(parseErrors(graphOf("  input %a : f8[2]\n  output y = %x\n")) ==
        "3:14: unknown dtype 'f8' (expected f32, f64, i32, i64, bool, bf16, f16, i8, u8, i16 or u16)\n");
  CHECK(parseErrors(graphOf("  input %a : f32[-2]\n  output y = %x\n")) == "3:18: dimension -2 is negative\n");
  CHECK(parseErrors("graph g {\n  const %c : u8[2] = [1, 256]\n  output y = %c\n}\n").find("value '256' is out of range for u8") !=
        std::string::npos);
  CHECK(parseErrors("graph g {\n  const %c : i8[1] = [-129]\n  output y = %c\n}\n").find("out of range for i8") != std::string::npos);
  CHECK(parseErrors(graphOf("  input %a : f32[99999999999999999999]\n  output y = %x\n")) ==
        "3:18: bad dimension: integer '99999999999999999999' is out of range\n");
  CHECK(parseErrors(graphOf("  input %a : f32[65536,65536,65537]\n  output y = %x\n")) ==
        "3:30: type has too many elements\n");
  CHECK(parseErrors(graphOf("  input %a : f32[2 3]\n  output y = %x\n")) ==
        "3:20: expected ',' or ']' in the shape, got '3'\n");
  CHECK(parseErrors(graphOf("  %y = softmax(%x) {axis = 99999999999999999999} : f32[2,3]\n  output y = %y\n")) ==
        "3:28: integer '99999999999999999999' is out of range\n");
  CHECK(parseErrors(graphOf("  %y = leaky_relu(%x) {alpha = 1e999} : f32[2,3]\n  output y = %y\n")) ==
        "3:32: number '1e999' is out of range\n");
  CHECK(parseErrors(graphOf("  %y = leaky_relu(%x) {alpha = relu} : f32[2,3]\n  output y = %y\n")) ==
        "3:32: expected a number, got 'relu'\n");
}

TEST_CASE("constant data") {
  CHECK(parseErrors(graphOf("  const %c : f32[2,2] = [1, 2, 3]\n  output y = %x\n")) ==
        "3:25: f32[2,2] needs 4 value(s), got 3\n");
  CHECK(parseErrors(graphOf("  const %c : i32[2] = [1, 2.5]\n  output y = %x\n")) ==
        "3:27: bad i32 value: expected an integer, got '2.5'\n");
  CHECK(parseErrors(graphOf("  const %c : i32[1] = [3000000000]\n  output y = %x\n")) ==
        "3:24: bad i32 value: value '3000000000' is out of range for i32\n");
  CHECK(parseErrors(graphOf("  const %c : bool[1] = [2]\n  output y = %x\n")) ==
        "3:25: bad bool value: bool data must be 0 or 1, got '2'\n");
  CHECK(parseErrors(graphOf("  const %c : f32[1] = [1e39]\n  output y = %x\n")) ==
        "3:24: bad f32 value: number '1e39' is out of range\n");
  CHECK(parseErrors(graphOf("  const %c : f32[1] = [[1]]\n  output y = %x\n")) ==
        "3:24: expected a number in the data, got '['\n");
  CHECK(parseErrors(graphOf("  param %w : f32[2] = file \"no_such.npy\"\n  output y = %x\n"))
            .starts_with("3:28: cannot load \"no_such.npy\": "));
  std::string path = dataPath("ir/w_mismatch.graph");
  auto r = parseGraph("graph g {\n  param %w : f32[4,3] = file \"all_ops_w.npy\"\n  output y = %w\n}\n", path);
  REQUIRE(!r.ok());
  CHECK(brief(r.error()) == "2:30: \"all_ops_w.npy\" holds f32[3,4], but the declared type is f32[4,3]\n");
}

TEST_CASE("semantic errors in nodes") {
  CHECK(parseErrors(graphOf("  %y = frob(%x) : f32[2,3]\n  output y = %y\n")) == "3:8: unknown op 'frob'\n");
  CHECK(parseErrors(graphOf("  %y = relu(%x) {alpha = 0.5} : f32[2,3]\n  output y = %y\n")) ==
        "3:18: 'relu' has no attribute 'alpha'\n");
  CHECK(parseErrors(graphOf("  %y = softmax(%x) {axis = 1.0} : f32[2,3]\n  output y = %y\n")) ==
        "3:28: attribute 'axis' of 'softmax' must be int, got float\n");
  CHECK(parseErrors(graphOf("  %y = softmax(%x) {axis = 1, axis = 0} : f32[2,3]\n  output y = %y\n")) ==
        "3:31: attribute 'axis' is given twice\n");
  CHECK(parseErrors(graphOf("  %y = reshape(%x) : f32[6]\n  output y = %y\n")) ==
        "3:8: 'reshape' requires attribute 'shape'\n");
  CHECK(parseErrors(graphOf("  %y = relu(%nope) : f32[2,3]\n  output y = %y\n")) ==
        "3:13: use of undefined value '%nope'\n");
  CHECK(parseErrors(graphOf("  %x = relu(%x) : f32[2,3]\n  output y = %x\n")) ==
        "3:3: redefinition of '%x' (first defined on line 2)\n");
  CHECK(parseErrors(graphOf("  %y = relu(%x) : f32[3,2]\n  output y = %y\n")) ==
        "3:19: result type f32[3,2] does not match the inferred type f32[2,3]\n");
  CHECK(parseErrors(graphOf("  %y = add(%x) : f32[2,3]\n  output y = %y\n")) ==
        "3:8: 'add' takes 2 operand(s), got 1\n");
  CHECK(parseErrors(graphOf("  input %v : f32[4]\n  %y = add(%x, %v) : f32[2,3]\n  output y = %y\n")) ==
        "4:8: 'add': operand shapes f32[2,3] and f32[4] do not broadcast\n");
  CHECK(parseErrors(graphOf("  %y, %z = relu(%x) : f32[2,3], f32[2,3]\n  output y = %y\n")) ==
        "3:3: 'relu' has 1 result(s), but 2 are named\n");
  CHECK(parseErrors(graphOf("  %y = relu(%x) : f32[2,3], f32[2,3]\n  output y = %y\n")) ==
        "3:17: 1 result name(s) but 2 result type(s)\n");
  CHECK(parseErrors(graphOf("  output y = %x\n  output y = %x\n")) == "4:10: output 'y' is declared twice\n");
  CHECK(parseErrors(graphOf("  output a+b = %x\n")) == "3:10: an output name 'a+b' needs quotes\n");
}

TEST_CASE("the verifier runs on parsed graphs and its errors carry locations") {
  CHECK(parseErrors("graph g {\n  input %x : f32[2]\n}\n") == "1:1: graph 'g' has no outputs\n");
  CHECK(parseErrors("graph g {\n  param %p : i64[2] = [1, 2]\n  output y = %p\n}\n") ==
        "2:3: parameter '%p' must be floating-point, got i64[2]\n");
}

TEST_CASE("one parse reports every broken statement, and follow-on errors are suppressed") {
  std::string text =
      "graph g {\n"
      "  input %x : f32[2,3]\n"
      "  %a = frob(%x) : f32[2,3]\n"            // unknown op: %a is poisoned
      "  %b = relu(%a) : f32[2,3]\n"            // no second error for %a
      "  %c = relu(%x) {alpha = 1.0} : f32[2,3]\n"
      "  %d = relu(%x : f32[2,3]\n"             // syntax error: skip to the next line
      "  %e = relu(%x) : f32[9]\n"
      "  %f = add(%e, %zzz) : f32[2,3]\n"
      "  output y = %b\n"
      "}\n";
  CHECK(parseErrors(text) ==
        "3:8: unknown op 'frob'\n"
        "5:18: 'relu' has no attribute 'alpha'\n"
        "6:16: expected ',' or ')' after an operand, got ':'\n"
        "7:19: result type f32[9] does not match the inferred type f32[2,3]\n"
        "8:16: use of undefined value '%zzz'\n");
}

TEST_CASE("firstLine shifts every location, and render() shows the line with a caret") {
  std::string text = "graph g {\n  %y = frob(%x) : f32[2]\n}\n";
  auto r = parseGraph(text, "big.graph", 40);
  REQUIRE(!r.ok());
  CHECK(r.error().render() ==
        "big.graph:41:8: error: unknown op 'frob'\n"
        "  %y = frob(%x) : f32[2]\n"
        "       ^\n"
        "big.graph:41:13: error: use of undefined value '%x'\n"
        "  %y = frob(%x) : f32[2]\n"
        "            ^\n");
}

TEST_CASE("pathological inputs are rejected without crashing") {
  CHECK(parseErrors("") == "1:1: expected 'graph', got end of input\n");
  CHECK(parseErrors(graphOf("  const %c : f32[1] = " + std::string(100000, '[') + "\n  output y = %x\n")) ==
        "3:24: expected a number in the data, got '['\n");
  std::string deep = graphOf("  %y = softmax(%x) {axis = " + std::string(100000, '[') + "} : f32[2,3]\n  output y = %x\n");
  CHECK(parseErrors(deep) == "3:29: expected a number in the list, got '['\n");
  CHECK(!parseGraph(std::string(1 << 20, 'a'), "t.graph").ok());
  CHECK(!parseGraph(std::string(1 << 16, '"'), "t.graph").ok());
  // A flood of broken lines stops at a bounded number of diagnostics.
  std::string flood = "graph g {\n";
  for (int i = 0; i < 1000; ++i) flood += "  junk\n";
  auto r = parseGraph(flood, "t.graph");
  REQUIRE(!r.ok());
  CHECK(r.error().diags.size() == 51);
  CHECK(r.error().diags.back().message == "too many errors, giving up");
}

// Whatever the input, parseGraph returns; and whatever it accepts prints and parses back the same.
void fuzzOne(const std::string& text, const std::string& file, int& accepted) {
  auto r = parseGraph(text, file);
  if (!r.ok()) {
    CHECK(!r.error().diags.empty());
    return;
  }
  ++accepted;
  std::string printed = printGraph(*r);
  auto back = parseGraph(printed, file);
  REQUIRE_MESSAGE(back.ok(), "accepted input does not round trip:\n" << text);
  CHECK(printGraph(*back) == printed);
}

TEST_CASE("fuzz: random bytes are rejected") {
  std::mt19937 rng(1234);
  int accepted = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string text(rng() % 200, '\0');
    for (char& c : text) c = (char)(rng() % 256);
    if (i % 2) text = "graph g {\n" + text;  // get past the header half of the time
    fuzzOne(text, "fuzz.graph", accepted);
  }
  CHECK(accepted == 0);
}

TEST_CASE("fuzz: mutations of all_ops.graph never crash and what parses round trips") {
  std::string path = dataPath("ir/all_ops.graph");
  const std::string original = readText(path);
  const std::string alphabet = "%[](){},:=\"\\/-+.0123456789eaxfin \n\t\x01\xff";
  std::mt19937 rng(99);
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = original;
    int edits = 1 + (int)(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 5) {
        case 0: text[at] = alphabet[rng() % alphabet.size()]; break;                  // replace
        case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;        // insert
        case 2: text.erase(at, 1 + rng() % 8); break;                                  // delete
        case 3: text.insert(at, text.substr(rng() % text.size(), rng() % 40)); break;  // duplicate
        case 4: text.resize(at); break;                                                // truncate
      }
    }
    fuzzOne(text, path, accepted);
  }
  MESSAGE(accepted << " of 3000 mutants were still valid graphs");
  CHECK(accepted < 3000);
}

}  // namespace
}  // namespace graphc::test
