// fuse_layer_norm: raises the decomposed layer normalization that exporters emit
//   d = x - reduce_mean(x); var = reduce_mean(d^2); y = d / sqrt(var + eps) [* scale] [+ bias]
// into one layer_norm(x, scale, bias){axis, epsilon}: one pass over each row instead of about
// eight, and a single op the backends have a fast kernel for.
#include <algorithm>
#include <charconv>

#include "passes/graph_utils.h"
#include "passes/rewrite.h"

namespace graphc {
namespace {

// The double that the f32's shortest decimal form denotes (1e-05f -> 1e-05), through
// to_chars/from_chars: std::stod would read "0.001" as 0 under a comma-decimal locale.
double shortestAsDouble(float f) {
  char buf[32];
  char* end = std::to_chars(buf, buf + sizeof buf, f).ptr;
  double d = f;
  std::from_chars(buf, end, d);
  return d;
}

// k when the reduction keeps its dims and reduces exactly the trailing axes k..rank-1 (empty
// axes: all of them), the axes a layer_norm with axis k normalizes over.
std::optional<int64_t> trailingAxis(const Node& reduce, int64_t rank) {
  AttrMap a = withDefaults(reduce.op, reduce.attrs);
  if (std::get<int64_t>(*a.find("keepdims")) == 0 || rank == 0) return std::nullopt;
  std::vector<int64_t> axes = std::get<std::vector<int64_t>>(*a.find("axes"));
  if (axes.empty()) return 0;
  for (int64_t& ax : axes) {
    if (ax < -rank || ax >= rank) return std::nullopt;
    if (ax < 0) ax += rank;
  }
  std::sort(axes.begin(), axes.end());
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] != rank - (int64_t)axes.size() + (int64_t)i) return std::nullopt;
  return axes.front();
}

struct Normalize {
  ValueId x;
  int64_t axis;
  double eps;
};

// The rest of the match, given the normalize step's centered operand d and the value under
// the square root, veps = var + eps. Every intermediate but d must be used once; d exactly by
// the squaring and the normalize step.
std::optional<Normalize> matchCentered(const Graph& g, ValueId d, ValueId veps) {
  const Node* sub = producerOf(g, d, OpKind::Sub);
  if (!sub) return std::nullopt;
  ValueId x = sub->operands[0];
  const Node* mean = fusableProducer(g, sub->operands[1], OpKind::ReduceMean);
  if (!mean || mean->operands[0] != x || g.type(d) != g.type(x)) return std::nullopt;
  auto axis = trailingAxis(*mean, g.type(x).rank());
  const Node* add = fusableProducer(g, veps, OpKind::Add);
  if (!axis || !add) return std::nullopt;
  for (size_t i : {0u, 1u}) {
    ValueId var = add->operands[i];
    auto eps = scalarConstant(g, add->operands[1 - i]);
    const Node* varMean = fusableProducer(g, var, OpKind::ReduceMean);
    if (!eps || *eps < 0 || !varMean || g.type(var) != g.type(veps)) continue;
    if (trailingAxis(*varMean, g.type(x).rank()) != axis) continue;
    ValueId sq = varMean->operands[0];
    uint32_t dUses = 0;
    if (const Node* p = fusableProducer(g, sq, OpKind::Pow)) {
      auto two = scalarConstant(g, p->operands[1]);
      if (p->operands[0] == d && two && *two == 2.0 && g.type(sq) == g.type(d)) dUses = 2;
    } else if (const Node* m = fusableProducer(g, sq, OpKind::Mul)) {
      if (m->operands[0] == d && m->operands[1] == d) dUses = 3;
    }
    if (dUses && useCount(g, d) == dUses) return Normalize{x, *axis, *eps};
  }
  return std::nullopt;
}

// The normalize step at n: d / sqrt(veps), d * reciprocal(sqrt(veps)) or d * pow(veps, -0.5).
std::optional<Normalize> matchNormalize(const Graph& g, NodeId n) {
  const Node& node = g.node(n);
  if (node.op == OpKind::Div) {
    const Node* s = fusableProducer(g, node.operands[1], OpKind::Sqrt);
    return s ? matchCentered(g, node.operands[0], s->operands[0]) : std::nullopt;
  }
  for (size_t i : {0u, 1u}) {
    ValueId d = node.operands[i], inv = node.operands[1 - i];
    std::optional<Normalize> m;
    if (const Node* r = fusableProducer(g, inv, OpKind::Reciprocal)) {
      if (const Node* s = fusableProducer(g, r->operands[0], OpKind::Sqrt)) m = matchCentered(g, d, s->operands[0]);
    } else if (const Node* p = fusableProducer(g, inv, OpKind::Pow)) {
      auto e = scalarConstant(g, p->operands[1]);
      if (e && *e == -0.5) m = matchCentered(g, d, p->operands[0]);
    }
    if (m) return m;
  }
  return std::nullopt;
}

// The single user of v when v has exactly one use and it is an op node, else kNoNode.
NodeId soleUser(const Graph& g, ValueId v) {
  if (useCount(g, v) != 1) return kNoNode;
  for (NodeId u = 0; u < g.nodes.size(); ++u)
    if (!g.nodes[u].dead && std::ranges::find(g.nodes[u].operands, v) != g.nodes[u].operands.end()) return u;
  return kNoNode;
}

// When v's single user is op(v, p) or op(p, v) with p of type `want` and the result of v's own
// type, that user; p is stored in `param`.
NodeId affineStep(const Graph& g, ValueId v, OpKind op, const TensorType& want, ValueId& param) {
  NodeId u = soleUser(g, v);
  if (u == kNoNode || g.node(u).op != op || g.type(g.node(u).results[0]) != g.type(v)) return kNoNode;
  const auto& ops = g.node(u).operands;
  param = ops[0] == v ? ops[1] : ops[0];
  return g.type(param) == want ? u : kNoNode;
}

bool fuseLayerNorm(Graph& g, NodeId n, PassContext&) {
  auto m = matchNormalize(g, n);
  if (!m) return false;
  const TensorType xt = g.type(m->x);  // a copy: addConstant below may move g.values
  if (g.type(g.node(n).results[0]) != xt) return false;
  TensorType normType{xt.dtype, Shape(xt.shape.begin() + m->axis, xt.shape.end())};
  // The optional elementwise scale and shift; only of exactly the normalized shape, which is
  // what layer_norm takes (a broadcasting [1, C] scale is left alone).
  NodeId last = n;
  ValueId scale = UINT32_MAX, bias = UINT32_MAX;
  if (NodeId u = affineStep(g, g.node(last).results[0], OpKind::Mul, normType, scale); u != kNoNode) last = u;
  else scale = UINT32_MAX;
  if (NodeId u = affineStep(g, g.node(last).results[0], OpKind::Add, normType, bias); u != kNoNode) last = u;
  else bias = UINT32_MAX;
  if (scale == UINT32_MAX) {
    Tensor ones(normType);
    for (int64_t i = 0; i < ones.numel(); ++i) ones.set(i, 1.0);
    scale = g.addConstant(g.uniqueName("ln_scale"), std::move(ones));
  }
  if (bias == UINT32_MAX) bias = g.addConstant(g.uniqueName("ln_bias"), Tensor(normType));
  AttrMap attrs;
  attrs.set("axis", m->axis - (int64_t)xt.rank());  // counted from the end, like the exporters' axes=[-1]
  // 1e-5 read back from f32 is 9.99999975e-06: keep the literal.
  attrs.set("epsilon", g.type(m->x).dtype == DType::f32 ? shortestAsDouble((float)m->eps) : m->eps);
  return replaceWithNewNode(g, last, OpKind::LayerNorm, {m->x, scale, bias}, std::move(attrs));
}

constexpr Pattern kPatterns[] = {
    {"layer-norm", OpKind::Div, fuseLayerNorm},
    {"layer-norm", OpKind::Mul, fuseLayerNorm},
};

}  // namespace

Status runFuseLayerNorm(Graph& g, PassContext& ctx) {
  GRAPHC_TRY(applyPatterns(g, kPatterns, ctx));
  return ok();
}

}  // namespace graphc
