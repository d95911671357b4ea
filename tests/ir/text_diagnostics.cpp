// --split-input-file chunks and `// expected-error` checking, driven by annotated .graph files.
#include "frontend/text/split.h"
#include "tests/ir/text_util.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

// Parses every chunk of an annotated file and checks its diagnostics against the annotations.
Error checkFile(const std::string& path) {
  std::string text = readText(path);
  Error mismatches;
  for (const SourceChunk& c : splitInputFile(text)) {
    auto r = parseGraph(c.text, path, c.firstLine);
    Status s = verifyDiagnostics(c.text, path, c.firstLine, r.ok() ? Error() : r.error());
    if (!s.ok()) mismatches.diags.insert(mismatches.diags.end(), s.error().diags.begin(), s.error().diags.end());
  }
  return mismatches;
}

TEST_CASE("splitInputFile cuts at '// -----' lines and keeps line numbers") {
  std::string text = "a\nb\n// -----\nc\n// ----- trailing words\n\nd";
  auto chunks = splitInputFile(text);
  REQUIRE(chunks.size() == 3);
  CHECK(chunks[0].text == "a\nb\n");
  CHECK(chunks[0].firstLine == 1);
  CHECK(chunks[1].text == "c\n");
  CHECK(chunks[1].firstLine == 4);
  CHECK(chunks[2].text == "\nd");
  CHECK(chunks[2].firstLine == 6);
  CHECK(splitInputFile("x").size() == 1);
  CHECK(splitInputFile("").size() == 1);
}

TEST_CASE("expected_errors.graph: every chunk produces exactly its annotated errors") {
  Error e = checkFile(dataPath("ir/expected_errors.graph"));
  CHECK_MESSAGE(e.diags.empty(), e.render());
}

TEST_CASE("expected_errors_fail.graph: missing and unexpected errors are both reported") {
  std::string path = dataPath("ir/expected_errors_fail.graph");
  Error e = checkFile(path);
  CHECK(brief(e) ==
        "5:8: unexpected error: unknown op 'frob'\n"
        "4:25: expected error \"this is never reported\" on line 4 was not produced\n");
  CHECK(e.render().starts_with(path + ":5:8: error: unexpected error: unknown op 'frob'\n  %y = frob(%x) : f32[2]\n       ^\n"));
}

TEST_CASE("verifyDiagnostics: offsets, repeated annotations and malformed annotations") {
  std::string text =
      "line one // expected-error@+2 {{first}}\n"
      "line two // expected-error {{second}} expected-error {{third}}\n"
      "line three // expected-error@-2 {{fourth}}\n";
  Error produced;
  produced.diags.push_back({{"f", 12, 1}, "the first one", ""});
  produced.diags.push_back({{"f", 10, 2}, "the fourth one", ""});
  produced.diags.push_back({{"f", 11, 3}, "third", ""});
  produced.diags.push_back({{"f", 11, 4}, "second", ""});
  CHECK(verifyDiagnostics(text, "f", 10, produced).ok());
  CHECK(verifyDiagnostics("x // expected-error@+1 {{a}}\n", "f", 1, Error()).error().message() ==
        "expected error \"a\" on line 2 was not produced");
  CHECK(verifyDiagnostics("x // expected-error missing braces\n", "f", 1, Error()).error().message() ==
        "expected-error needs a message in {{...}}");
  CHECK(verifyDiagnostics("x // expected-error@x {{a}}\n", "f", 1, Error()).error().message() ==
        "expected-error needs an offset of the form @+N or @-N");
  // A produced error matches a single annotation only.
  Error twice;
  twice.diags.push_back({{"f", 1, 1}, "boom", ""});
  twice.diags.push_back({{"f", 1, 5}, "boom", ""});
  CHECK(brief(verifyDiagnostics("x // expected-error {{boom}}\n", "f", 1, twice).error()) == "1:5: unexpected error: boom\n");
}

}  // namespace
}  // namespace graphc::test
