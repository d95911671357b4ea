// FLOP counts (2 per multiply-add, matmul and convolution only, as the peer harness counts).
#pragma once

#include "ir/graph.h"

namespace graphc {

double nodeFlops(const Graph& g, const Node& n);
double graphFlops(const Graph& g);

}  // namespace graphc
