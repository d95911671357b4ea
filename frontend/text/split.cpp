// Input splitting and expected-error checking, as in MLIR's -split-input-file and -verify-diagnostics.
#include "frontend/text/split.h"

#include <charconv>
#include <fmt/format.h>

namespace graphc {
namespace {

struct Expected {
  int line;  // where the error must be reported
  std::string substring;
  Loc at;  // the annotation itself
  std::string sourceLine;
  bool met = false;
};

// Calls f(line number, line text) for every line of text.
template <class F>
void forEachLine(std::string_view text, int firstLine, F&& f) {
  int line = firstLine;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    f(line++, text.substr(pos, end - pos));
    pos = end + 1;
  }
}

}  // namespace

std::vector<SourceChunk> splitInputFile(std::string_view text) {
  std::vector<SourceChunk> chunks;
  size_t chunkStart = 0;
  int chunkLine = 1;
  forEachLine(text, 1, [&](int line, std::string_view s) {
    if (!s.starts_with("// -----")) return;
    size_t lineStart = (size_t)(s.data() - text.data());
    chunks.push_back({text.substr(chunkStart, lineStart - chunkStart), chunkLine});
    chunkStart = std::min(text.size(), lineStart + s.size() + 1);
    chunkLine = line + 1;
  });
  chunks.push_back({text.substr(chunkStart), chunkLine});
  return chunks;
}

Status verifyDiagnostics(std::string_view text, const std::string& filename, int firstLine, const Error& produced) {
  Error mismatches;
  auto report = [&](Loc loc, std::string msg, std::string src) {
    mismatches.diags.push_back({std::move(loc), std::move(msg), std::move(src)});
  };

  std::vector<Expected> expected;
  forEachLine(text, firstLine, [&](int line, std::string_view s) {
    constexpr std::string_view kTag = "expected-error";
    for (size_t at = s.find(kTag); at != std::string_view::npos; at = s.find(kTag, at + 1)) {
      Loc loc{filename, line, (int)at + 1};
      std::string_view rest = s.substr(at + kTag.size());
      int target = line;
      if (rest.starts_with("@")) {
        int offset = 0;
        const char* b = rest.data() + 1 + (rest.size() > 1 && rest[1] == '+');
        auto [ptr, ec] = std::from_chars(b, rest.data() + rest.size(), offset);
        if (ec != std::errc() || (rest.size() > 1 && rest[1] != '+' && rest[1] != '-')) {
          report(loc, "expected-error needs an offset of the form @+N or @-N", std::string(s));
          continue;
        }
        target = line + offset;
        rest.remove_prefix((size_t)(ptr - rest.data()));
      }
      size_t open = rest.find("{{"), close = rest.find("}}");
      if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
          rest.substr(0, open).find_first_not_of(' ') != std::string_view::npos) {
        report(loc, "expected-error needs a message in {{...}}", std::string(s));
        continue;
      }
      expected.push_back({target, std::string(rest.substr(open + 2, close - open - 2)), loc, std::string(s)});
    }
  });

  for (const Diag& d : produced.diags) {
    bool matched = false;
    for (Expected& e : expected)
      if (!e.met && d.loc.line == e.line && d.message.find(e.substring) != std::string::npos) {
        e.met = matched = true;
        break;
      }
    if (!matched) report(d.loc, "unexpected error: " + d.message, d.sourceLine);
  }
  for (const Expected& e : expected)
    if (!e.met) report(e.at, fmt::format("expected error \"{}\" on line {} was not produced", e.substring, e.line), e.sourceLine);
  if (!mismatches.diags.empty()) return mismatches;
  return ok();
}

}  // namespace graphc
