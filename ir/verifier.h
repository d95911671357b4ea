// The verifier: structural SSA checks plus each op's shape and dtype rules, with the node named.
#pragma once

#include "ir/graph.h"

namespace graphc {

// Checks the whole graph; reports every problem it finds, each naming its node.
Status verify(const Graph& g);

// "%y = softmax(...)" style short description of a node, for messages.
std::string describeNode(const Graph& g, const Node& n);

}  // namespace graphc
