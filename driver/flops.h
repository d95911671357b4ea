// FLOP counts (2 per multiply-add, matmul and convolution only, as the peer harness counts).
#pragma once

#include <span>

#include "ir/graph.h"

namespace graphc {

// The FLOPs of node n; useCounts is g.useCounts(), so that a result nobody reads (the dx of a
// first layer's dense_grad) is not counted.
double nodeFlops(const Graph& g, const Node& n, std::span<const uint32_t> useCounts);
double graphFlops(const Graph& g);

}  // namespace graphc
