// Shared by the fuzz targets that run graphs: one input split into IR text and fill bytes, size
// caps that keep a run fast, inputs filled from the bytes, and output comparison.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace graphc::fuzz {

// A fuzz input: the IR text, then (after the first NUL byte, if any) the bytes its inputs are
// filled from. Without a NUL the inputs are filled from a hash of the text.
struct GraphCase {
  std::string_view text;
  std::span<const uint8_t> fill;
};
GraphCase splitCase(const uint8_t* data, size_t size);

struct SizeCaps {
  size_t maxNodes;
  int64_t maxElements;  // per value
};
// Parses text into a graph within the caps, or nothing (the input is skipped, not a finding).
// Training steps (graphs with updates) are skipped too: they have their own path.
std::optional<Graph> parseSmallGraph(std::string_view text, const SizeCaps& caps);
// Whether every value of g, including those the passes made, is within the caps.
bool withinCaps(const Graph& g, const SizeCaps& caps);

// One tensor per graph input, every element read from `fill` (cycled): floats from a small set
// that includes 0, +-1 and, when withSpecials, NaN and +-Inf; integers in [-2, 5]; bools.
std::vector<Tensor> makeInputs(const Graph& g, std::span<const uint8_t> fill, bool withSpecials);

// Why `got` differs from the interpreter's `want`, or nothing when they agree: same type, exact
// for integers and bools; floats within a tolerance scaled by the tensor's magnitude. A NaN the
// interpreter makes may be anything elsewhere (backends compute some ops in other ways, e.g. a
// softmax shifted by its max). An infinity must be matched by one of the same sign, unless
// `finiteMayReplaceInf`: a rewrite such as log(softmax) -> log_softmax computes the finite value
// where the original overflowed.
std::optional<std::string> differs(const Tensor& got, const Tensor& want, double tolerance, bool finiteMayReplaceInf = false);

}  // namespace graphc::fuzz
