// Graphs resembling the reference models, for the memory planner's corpus test.
#pragma once

#include <cstdint>

#include "ir/graph.h"

namespace graphc::test {

Graph mlpDense(int64_t batch);    // 784-512-512-10, dense+relu, softmax
Graph mlpMatMul(int64_t batch);   // the same as matmul + add + relu chains
Graph lenet(int64_t batch);       // conv/relu/pool x2, reshape, dense x3
Graph bertBlock(int64_t batch);   // one encoder layer: attention, residuals, layer norms, GELU FFN
Graph unetLike(int64_t batch);   // encoder-decoder with nested skips of different sizes
Graph randomDag(uint64_t seed, int nodes);  // diamonds and long skip connections

}  // namespace graphc::test
