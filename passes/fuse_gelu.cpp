// fuse_gelu: raises the exact (erf) GELU that exporters spell out,
//   x * 0.5 * (1 + erf(x / sqrt(2)))   (any association, x * 0.70710678 for the division),
// into gelu(x): one op instead of five, which fuse_dense then folds into the preceding dense.
// The tanh approximation is a different function and is left alone.
#include <algorithm>
#include <array>
#include <cmath>

#include "passes/graph_utils.h"
#include "passes/rewrite.h"

namespace graphc {
namespace {

bool isScalar(const Graph& g, ValueId v, double want) {
  auto c = scalarConstant(g, v);
  return c && nearlyEqual(*c, want);
}

// t = 1 + erf(x / sqrt(2)) (or erf(x * 1/sqrt(2)), either operand order), with every step used
// only here.
bool isErfTerm(const Graph& g, ValueId t, ValueId x) {
  const Node* add = fusableProducer(g, t, OpKind::Add);
  if (!add) return false;
  for (size_t i : {0u, 1u}) {
    const Node* erf = fusableProducer(g, add->operands[i], OpKind::Erf);
    if (!erf || !isScalar(g, add->operands[1 - i], 1.0)) continue;
    ValueId u = erf->operands[0];
    if (const Node* div = fusableProducer(g, u, OpKind::Div))
      return div->operands[0] == x && isScalar(g, div->operands[1], std::sqrt(2.0));
    if (const Node* mul = fusableProducer(g, u, OpKind::Mul))
      for (size_t j : {0u, 1u})
        if (mul->operands[j] == x && isScalar(g, mul->operands[1 - j], std::sqrt(0.5))) return true;
  }
  return false;
}

// Root: the outer mul. Its operands, with an operand that is a single-use mul expanded, must be
// the three factors {x, 0.5, 1 + erf(x / sqrt(2))} in some order. x itself is used by the erf
// term too, so it is never expanded by mistake.
bool fuseGelu(Graph& g, NodeId n, PassContext&) {
  std::vector<ValueId> leaves;
  for (ValueId v : g.node(n).operands) {
    if (const Node* m = fusableProducer(g, v, OpKind::Mul)) leaves.insert(leaves.end(), m->operands.begin(), m->operands.end());
    else leaves.push_back(v);
  }
  if (leaves.size() != 3) return false;
  std::array<int, 3> p{0, 1, 2};
  do {
    ValueId x = leaves[p[0]], half = leaves[p[1]], t = leaves[p[2]];
    if (isScalar(g, half, 0.5) && isErfTerm(g, t, x))
      // The result must keep x's type: a rank-growing constant would broadcast.
      return replaceWithNewNode(g, n, OpKind::Gelu, {x}, {});
  } while (std::next_permutation(p.begin(), p.end()));
  return false;
}

constexpr Pattern kPatterns[] = {{"gelu-erf", OpKind::Mul, fuseGelu}};

}  // namespace

Status runFuseGelu(Graph& g, PassContext& ctx) {
  GRAPHC_TRY(applyPatterns(g, kPatterns, ctx));
  return ok();
}

}  // namespace graphc
