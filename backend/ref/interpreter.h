// The reference interpreter: plain, obviously correct loops; the ground truth for every test.
#pragma once

#include <span>

#include "ir/graph.h"

namespace graphc::ref {

// Evaluates one node on concrete operand tensors. resultTypes are the node's result types.
// Fails (never crashes) on data-dependent errors such as a gather index out of range.
Result<std::vector<Tensor>> evalNode(const Node& node, std::span<const Tensor> operands,
                                     std::span<const TensorType> resultTypes);

// Runs the graph on inputs given in g.inputs order; returns tensors in g.outputs order.
Result<std::vector<Tensor>> interpret(const Graph& g, std::span<const Tensor> inputs);

}  // namespace graphc::ref
