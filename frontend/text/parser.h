// Parser for the textual IR described in docs/ir.md.
#pragma once

#include <string>
#include <string_view>

#include "ir/graph.h"

namespace graphc {

// Parses one graph. `filename` goes into every diagnostic's location and anchors relative
// `file "x.npy"` paths; `firstLine` is the line number of text's first line when text is a
// chunk of a larger file. Reports as many errors as it can find, never throws, and returns
// only graphs that pass verify().
Result<Graph> parseGraph(std::string_view text, const std::string& filename, int firstLine = 1);

}  // namespace graphc
