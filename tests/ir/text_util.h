// Helpers shared by the textual-IR tests: reading test files and parsing with a failure report.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "frontend/text/parser.h"
#include "frontend/text/printer.h"

namespace graphc::test {

inline std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot open " << path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses text that must be valid; a failure shows the rendered diagnostics.
inline Graph parseOk(std::string_view text, const std::string& file = "test.graph") {
  auto r = parseGraph(text, file);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().render()));
  return std::move(r.value());
}

// "LINE:COL: message" per diagnostic, for exact comparisons.
inline std::string brief(const Error& e) {
  std::string out;
  for (const Diag& d : e.diags)
    out += std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " + d.message + "\n";
  return out;
}

// Parses text that must be rejected and returns its diagnostics in brief form.
inline std::string parseErrors(std::string_view text, int firstLine = 1) {
  auto r = parseGraph(text, "t.graph", firstLine);
  REQUIRE_MESSAGE(!r.ok(), "expected a parse error, got:\n" << printGraph(r.value()));
  return brief(r.error());
}

}  // namespace graphc::test
