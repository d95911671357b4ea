// FLOP counting for benchmarks' GFLOP/s.
#include "driver/flops.h"

namespace graphc {

double nodeFlops(const Graph& g, const Node& n, std::span<const uint32_t> useCounts) {
  auto used = [&](size_t result) { return useCounts[n.results[result]] > 0; };
  switch (n.op) {
    case OpKind::MatMul: {
      const Shape& a = g.type(n.operands[0]).shape;
      double k = (double)a.back();
      return 2.0 * k * (double)g.type(n.results[0]).numel();
    }
    case OpKind::Dense:
      return 2.0 * (double)g.type(n.operands[1]).shape[0] * (double)g.type(n.results[0]).numel();
    case OpKind::Conv2d: {
      const Shape& w = g.type(n.operands[1]).shape;  // OIHW: I is per group
      return 2.0 * (double)(w[1] * w[2] * w[3]) * (double)g.type(n.results[0]).numel();
    }
    case OpKind::DenseGrad: {
      // dx = dy.w^T and dw = x^T.dy, each a GEMM of the forward's size; a first layer's dx is
      // read by nobody (the harness counts "no dX for input"), so it costs nothing.
      double gemm = 2.0 * (double)g.type(n.operands[2]).shape[0] * (double)g.type(n.operands[0]).numel();
      return gemm * ((used(0) ? 1 : 0) + (used(1) ? 1 : 0));
    }
    case OpKind::Conv2dGradInput:
    case OpKind::Conv2dGradWeight: {
      const Shape& w = n.op == OpKind::Conv2dGradInput ? g.type(n.operands[1]).shape : g.type(n.results[0]).shape;
      return 2.0 * (double)(w[1] * w[2] * w[3]) * (double)g.type(n.operands[0]).numel();
    }
    default:
      return 0;
  }
}

double graphFlops(const Graph& g) {
  std::vector<uint32_t> useCounts = g.useCounts();
  double total = 0;
  for (const Node& n : g.nodes)
    if (!n.dead) total += nodeFlops(g, n, useCounts);
  return total;
}

}  // namespace graphc
