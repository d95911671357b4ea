// Graphviz rendering of a graph: ops, shapes, constants and fused groups.
#pragma once

#include <string>

#include "ir/graph.h"

namespace graphc {

std::string graphToDot(const Graph& g);

}  // namespace graphc
