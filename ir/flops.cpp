// FLOP counting for benchmarks' GFLOP/s.
#include "ir/flops.h"

namespace graphc {

double nodeFlops(const Graph& g, const Node& n) {
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
    case OpKind::DenseGrad:  // dx and dw: two GEMMs of the forward's size
      return 4.0 * (double)g.type(n.operands[2]).shape[0] * (double)g.type(n.operands[0]).numel();
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
  double total = 0;
  for (const Node& n : g.nodes)
    if (!n.dead) total += nodeFlops(g, n);
  return total;
}

}  // namespace graphc
