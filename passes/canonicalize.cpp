// Canonicalization: small named rewrite rules that remove identities and merge chains of
// movement ops, run to a fixed point by the rewrite driver.
//
// Reshape or transpose of a constant is not a rule here: constant_fold evaluates it.
#include "passes/graph_utils.h"
#include "passes/rewrite.h"

namespace graphc {
namespace {

const std::vector<int64_t>& ints(const Node& n, std::string_view attr) {
  return std::get<std::vector<int64_t>>(*n.attrs.find(attr));
}

ValueId operand(const Graph& g, NodeId n, size_t i) { return g.node(n).operands[i]; }
const TensorType& resultType(const Graph& g, NodeId n) { return g.type(g.node(n).results[0]); }

// reshape(reshape(x, a), b) -> reshape(x, b): only the last shape matters.
bool reshapeOfReshape(Graph& g, NodeId n, PassContext&) {
  const Node* inner = producerOf(g, operand(g, n, 0), OpKind::Reshape);
  if (!inner) return false;
  ValueId x = inner->operands[0];
  return replaceWithNewNode(g, n, OpKind::Reshape, {x}, g.node(n).attrs);
}

// reshape(x, shape of x) -> x.
bool identityReshape(Graph& g, NodeId n, PassContext&) {
  ValueId x = operand(g, n, 0);
  if (g.type(x) != resultType(g, n)) return false;
  replaceNode(g, n, x);
  return true;
}

// transpose(transpose(x, p), q) -> transpose(x, r) with r[i] = p[q[i]]; identity rule below
// then removes it when r is the identity.
bool transposeOfTranspose(Graph& g, NodeId n, PassContext&) {
  const Node* inner = producerOf(g, operand(g, n, 0), OpKind::Transpose);
  if (!inner) return false;
  const auto &p = ints(*inner, "perm"), &q = ints(g.node(n), "perm");
  std::vector<int64_t> r;
  for (int64_t i : q) r.push_back(p.at(i));
  ValueId x = inner->operands[0];
  AttrMap attrs;
  attrs.set("perm", r);
  return replaceWithNewNode(g, n, OpKind::Transpose, {x}, std::move(attrs));
}

// transpose(x, [0, 1, ..., r-1]) -> x.
bool identityTranspose(Graph& g, NodeId n, PassContext&) {
  const auto& perm = ints(g.node(n), "perm");
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != (int64_t)i) return false;
  replaceNode(g, n, operand(g, n, 0));
  return true;
}

// op(x, c) -> x when c is a constant splat of `neutral` and the result has x's exact type, so
// that broadcasting neither grows nor changes the result (x * ones[4,1] on x[4] is NOT x).
// `either` also tries op(c, x) for commutative ops.
bool dropNeutralOperand(Graph& g, NodeId n, double neutral, bool either) {
  const TensorType& out = resultType(g, n);
  for (size_t i : {1u, 0u}) {
    if (i == 0 && !either) break;
    ValueId x = operand(g, n, 1 - i), c = operand(g, n, i);
    if (g.type(x) == out && isSplatConst(g, c, neutral)) {
      replaceNode(g, n, x);
      return true;
    }
  }
  return false;
}

// x * 1, 1 * x -> x. Exact for every value, NaN and infinities included.
bool mulByOne(Graph& g, NodeId n, PassContext&) { return dropNeutralOperand(g, n, 1.0, true); }
// x / 1 -> x.
bool divByOne(Graph& g, NodeId n, PassContext&) { return dropNeutralOperand(g, n, 1.0, false); }
// x + 0, 0 + x -> x. Only differs from IEEE x + 0 at x = -0, where -0 == +0 anyway.
bool addZero(Graph& g, NodeId n, PassContext&) { return dropNeutralOperand(g, n, 0.0, true); }
// x - 0 -> x (0 - x is a negation, not an identity).
bool subZero(Graph& g, NodeId n, PassContext&) { return dropNeutralOperand(g, n, 0.0, false); }

// cast(x : T, to = T) -> x.
bool castToSameType(Graph& g, NodeId n, PassContext&) {
  ValueId x = operand(g, n, 0);
  if (g.type(x) != resultType(g, n)) return false;
  replaceNode(g, n, x);
  return true;
}

constexpr Pattern kPatterns[] = {
    {"reshape-of-reshape", OpKind::Reshape, reshapeOfReshape},
    {"identity-reshape", OpKind::Reshape, identityReshape},
    {"transpose-of-transpose", OpKind::Transpose, transposeOfTranspose},
    {"identity-transpose", OpKind::Transpose, identityTranspose},
    {"mul-by-one", OpKind::Mul, mulByOne},
    {"div-by-one", OpKind::Div, divByOne},
    {"add-zero", OpKind::Add, addZero},
    {"sub-zero", OpKind::Sub, subZero},
    {"cast-to-same-type", OpKind::Cast, castToSameType},
};

}  // namespace

Status runCanonicalize(Graph& g, PassContext& ctx) {
  GRAPHC_TRY(applyPatterns(g, kPatterns, ctx));
  return ok();
}

}  // namespace graphc
