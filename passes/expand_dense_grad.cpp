// expand_dense_grad: dense_grad(dy, x, w, y) -> the activation's derivative as elementwise ops,
// two matmuls against transposed operands and a column sum. A loop-nest backend (llvm) then
// fuses the derivative into one loop and runs both products on its tiled GEMM, where a kernel of
// its own for the three products would need scratch for dz and a transposed-operand GEMM.
#include <fmt/format.h>

#include <map>

#include "ir/builder.h"
#include "ir/verifier.h"
#include "passes/graph_utils.h"
#include "passes/rewrite.h"

namespace graphc {
namespace {

AttrMap attr(std::string name, Attr value) {
  AttrMap a;
  a.set(std::move(name), std::move(value));
  return a;
}

// dz = dy * act'(z), the derivative taken from the output y exactly as the interpreter's
// Epilogue::derivativeFromOutput does (a product, so that dy = inf or NaN spreads the same way).
// One scalar constant per dtype and value, however many dense_grads ask for it.
using Scalars = std::map<std::pair<DType, double>, ValueId>;

Result<ValueId> derivativeTimes(Builder& b, Scalars& scalars, Activation act, double alpha, double beta, ValueId dy, ValueId y) {
  DType t = b.graph().type(dy).dtype;
  auto scalar = [&](double v) {
    auto [at, fresh] = scalars.try_emplace({t, v}, 0);
    if (fresh) at->second = b.scalar(t, v);
    return at->second;
  };
  auto above = [&](double v) { return b.create(OpKind::Cast, {b.create(OpKind::Greater, {y, scalar(v)})}, attr("to", std::string(dtypeName(t)))); };
  auto below = [&](double v) { return b.create(OpKind::Cast, {b.create(OpKind::Less, {y, scalar(v)})}, attr("to", std::string(dtypeName(t)))); };
  ValueId slope{};  // every case sets it or returns; GCC cannot see that through the switch
  switch (act) {
    case Activation::None: return dy;
    case Activation::Relu: slope = above(0); break;
    case Activation::LeakyRelu: slope = b.create(OpKind::Where, {b.create(OpKind::Greater, {y, scalar(0)}), scalar(1), scalar(alpha)}); break;
    case Activation::Sigmoid: slope = b.create(OpKind::Mul, {y, b.create(OpKind::Sub, {scalar(1), y})}); break;
    case Activation::Tanh: slope = b.create(OpKind::Sub, {scalar(1), b.create(OpKind::Mul, {y, y})}); break;
    case Activation::Clip: slope = b.create(OpKind::Mul, {above(alpha), below(beta)}); break;
    case Activation::Elu:
      slope = b.create(OpKind::Where, {b.create(OpKind::Greater, {y, scalar(0)}), scalar(1), b.create(OpKind::Add, {y, scalar(alpha)})});
      break;
    case Activation::Gelu: case Activation::Silu:
      return Error(fmt::format("a {} derivative needs the pre-activation; autodiff folds it into dy first", activationName(act)));
  }
  return b.create(OpKind::Mul, {dy, slope});
}

// The new result `fresh` (of a node the expansion made, used by nothing yet) takes over old's
// id and name, so that ids held outside the pass keep naming the same values: a backend's
// prepare runs this pass on its copy of a training step whose update targets and values the
// caller names by id. Old, now with fresh's id, dies with its node; finalize drops it, and
// since fresh ids come after every existing one, no existing id moves.
void takeOver(Graph& g, ValueId old, ValueId fresh) {
  std::swap(g.values[old], g.values[fresh]);
  swapNames(g, old, fresh);
  for (Node& m : g.nodes)
    for (ValueId& r : m.results) r = r == fresh ? old : r == old ? fresh : r;
}

ValueId reshapeTo(Builder& b, ValueId v, const Shape& shape) {
  if (b.graph().type(v).shape == shape) return v;
  return b.create(OpKind::Reshape, {v}, attr("shape", shape));
}

// dx = dz . w^T and dw = x^T . dz over the rows of the flattened leading axes, db = sum of dz
// over them; the new results take the old ones' names.
Status expand(Graph& g, NodeId n, Scalars& scalars) {
  const Node node = g.node(n);  // a copy: building appends to g.nodes
  ValueId dy = node.operands[0], x = node.operands[1], w = node.operands[2], y = node.operands[3];
  AttrMap a = withDefaults(OpKind::DenseGrad, node.attrs);
  std::optional<Activation> act = parseActivation(std::get<std::string>(*a.find("activation")));
  if (!act) return Error(fmt::format("dense_grad: unknown activation '{}'", std::get<std::string>(*a.find("activation"))));
  int64_t k = g.type(w).shape[0], cols = g.type(w).shape[1];
  int64_t rows = cols ? g.type(dy).numel() / cols : 0;
  const Shape xShape = g.type(x).shape;  // a copy: building may move g.values
  Builder b(g);
  GRAPHC_ASSIGN(ValueId dz, derivativeTimes(b, scalars, *act, std::get<double>(*a.find("alpha")), std::get<double>(*a.find("beta")), dy, y));
  ValueId dz2 = reshapeTo(b, dz, {rows, cols}), x2 = reshapeTo(b, x, {rows, k});
  // bf16 x and w (the precision pass's): the products read dz rounded to bf16, as the op says.
  ValueId dzProduct = g.type(x).dtype == DType::bf16 ? b.create(OpKind::Cast, {dz2}, attr("to", std::string("bf16"))) : dz2;
  ValueId dx = reshapeTo(b, b.create(OpKind::MatMul, {dzProduct, b.create(OpKind::Transpose, {w}, attr("perm", Shape{1, 0}))}), xShape);
  ValueId dw = b.create(OpKind::MatMul, {b.create(OpKind::Transpose, {x2}, attr("perm", Shape{1, 0})), dzProduct});
  AttrMap columnSum = attr("axes", Shape{0});
  columnSum.set("keepdims", int64_t{0});
  ValueId db = b.create(OpKind::ReduceSum, {dz2}, columnSum);
  GRAPHC_TRY(b.status());
  ValueId fresh[] = {dx, dw, db};
  for (size_t r = 0; r < 3; ++r) {
    ValueId old = g.node(n).results[r];
    if (g.type(fresh[r]) != g.type(old))
      return Error(fmt::format("expand_dense_grad: result {} would be {}, not {}", r, g.type(fresh[r]).str(), g.type(old).str()));
    takeOver(g, old, fresh[r]);
  }
  g.node(n).dead = true;
  return ok();
}

}  // namespace

Status runExpandDenseGrad(Graph& g, PassContext&) {
  Scalars scalars;
  size_t count = g.nodes.size();  // the nodes the expansion adds are never dense_grad
  for (NodeId n = 0; n < count; ++n) {
    if (g.node(n).dead || g.node(n).op != OpKind::DenseGrad) continue;
    Loc loc = g.node(n).loc;
    if (auto expanded = expand(g, n, scalars); !expanded)
      return Error(ErrorCode::Unsupported, fmt::format("{}: {}", describeNode(g, g.node(n)), expanded.error().message()), loc);
  }
  return g.finalize();
}

}  // namespace graphc
