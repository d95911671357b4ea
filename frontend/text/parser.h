// Parser for the textual IR described in docs/ir.md.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "ir/graph.h"

namespace graphc {

// How the symbolic dimensions of a file (`input %x : f32[N,10]`) are bound. Every type is
// resolved while parsing, so the graph that comes back is fully static.
struct ParseOptions {
  // The whole shape of an input by name, e.g. {"x", {32, 10}} (`--shape x=32x10`): binds the
  // symbols of its declared type, and must agree with its fixed dimensions.
  std::map<std::string, Shape> inputShapes = {};
  // Symbols bound by name, e.g. {"N", 32}. Symbols the file does not use are ignored.
  std::map<std::string, int64_t> dims = {};
};

// Parses one graph. `filename` goes into every diagnostic's location and anchors relative
// `file "x.npy"` paths; `firstLine` is the line number of text's first line when text is a
// chunk of a larger file. Reports as many errors as it can find, never throws, and returns
// only graphs that pass verify().
Result<Graph> parseGraph(std::string_view text, const std::string& filename, int firstLine = 1,
                         const ParseOptions& options = {});
// The names of the inputs a file declares, in order, read ahead without binding any symbol (so
// that a caller can bind an input it knows only by position, like graphc train's data).
std::vector<std::string> declaredInputNames(std::string_view text);

inline Result<Graph> parseGraph(std::string_view text, const std::string& filename, const ParseOptions& options) {
  return parseGraph(text, filename, 1, options);
}

}  // namespace graphc
