// The evaluator of the op set (plain, obviously correct loops): the ground truth for every test, and
// what constant folding, the ONNX importer's shape folding and the ref backend run on.
#pragma once

#include <functional>
#include <span>

#include "ir/graph.h"

namespace graphc::eval {

// Semantics the op table leaves open, fixed here (backends must match them):
//  - integer add/sub/mul/neg/abs wrap around; integer div truncates toward zero, lowest / -1
//    wraps, and division by zero is an Error;
//  - NaN propagates through relu, clip, min, max, reduce_max and max_pool, as in NumPy;
//  - cast float -> int truncates toward zero, saturates at the type's range and maps NaN to 0;
//    cast to bool is x != 0; int -> narrower int wraps;
//  - avg_pool2d with count_include_pad divides by the window clipped to the padded input
//    (PyTorch's rule, which differs only where ceil_mode lets a window overhang);
//  - f32 sums, dot products and norms accumulate in double; fused epilogues (dense, conv2d)
//    round to the element type once, after the activation and the residual.

// Evaluates one node on concrete operand tensors. resultTypes are the node's result types
// (checked against shape inference on the operands), or empty to take the inferred ones.
// Fails (never crashes) on bad operands or attributes and on data-dependent errors such as a
// gather index out of range.
Result<std::vector<Tensor>> evalNode(const Node& node, std::span<const Tensor> operands,
                                     std::span<const TensorType> resultTypes);

// Runs the graph on inputs given in g.inputs order; returns tensors in g.outputs order. Params
// and state start from their initial data, and the graph's updates are dropped.
Result<std::vector<Tensor>> interpret(const Graph& g, std::span<const Tensor> inputs);

// What allreduce_start and allreduce_wait do across processes: start(bucket, data, count)
// begins averaging the packed buffer in place, wait(bucket) finishes it. Without them a run is
// one rank (the mean of one is the buffer itself).
struct Collectives {
  std::function<Status(int64_t bucket, float* data, size_t count)> start;
  std::function<Status(int64_t bucket)> wait;
};

// The same with persistent state (a training step): state is indexed by ValueId; a non-empty
// entry replaces that param's or state's initial data. After the run each update's value is
// copied into its target's entry, in place (allocated from the initial data if empty).
Result<std::vector<Tensor>> interpret(const Graph& g, std::span<const Tensor> inputs, std::vector<Tensor>& state,
                                      const Collectives* collectives = nullptr);

}  // namespace graphc::eval
