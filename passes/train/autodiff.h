// Reverse-mode autodiff over the IR: builds the gradient graph of a scalar loss.
#pragma once

#include <span>

#include "ir/graph.h"

namespace graphc {

// Appends to g the nodes computing d(loss)/d(v) for every v in wrt and returns those values, in
// wrt order (a zeros constant where loss does not depend on v). Walks g's nodes backwards
// (g must be in topological order, as finalize() leaves it) calling each op's gradient rule
// (ir/grad.h); a value used several times gets the sum of its uses' gradients. Only float
// values carry gradients. Fails, naming the node, when the gradient would have to pass through
// an op that has no gradient rule; loss must be a float value with one element.
Result<std::vector<ValueId>> buildGradients(Graph& g, ValueId loss, std::span<const ValueId> wrt);

// The same walk from given gradients instead of a loss: `seeds` pairs a value with d(loss)/d(it),
// already in g (say a fused loss op's gradient of the logits). Nodes after the seeded values
// that no seed reaches get no gradient.
Result<std::vector<ValueId>> buildGradients(Graph& g, std::span<const std::pair<ValueId, ValueId>> seeds,
                                            std::span<const ValueId> wrt);

}  // namespace graphc
