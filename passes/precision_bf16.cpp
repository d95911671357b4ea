// precision_bf16: the --precision bf16 mode. The products (matmul, dense, convolution and their
// gradients) read bf16 operands and accumulate in f32; every other op stays f32. The pass
// decides per operand from the policy table below, inserts one cast per value, reuses the bf16
// value a cast to f32 came from instead of rounding it again, and converts constant weights
// once, here. A trained weight keeps its f32 master copy, which the optimizer updates; the
// products read a bf16 copy of it kept in a state value, which the step refreshes from the new
// master (`update %w.bf16 = cast(%w.next)`), so a backend can write it in the optimizer's own
// loop instead of rounding the weight in a pass of its own on every step. A cast goes before
// the movement ops (transpose, reshape, slice, expand) that only lead to the product: rounding
// commutes with moving, they then move half the bytes, and the cast lands right after the op
// that computed the value, which a backend may fold into it (dnnl's dense and matmul write
// bf16 then).
#include <fmt/format.h>

#include <unordered_map>

#include "ir/builder.h"
#include "ir/convert.h"
#include "passes/pass.h"

namespace graphc {
namespace {

// The operands each op reads in bf16. Not listed, so f32: softmax, the normalizations,
// reductions, losses, optimizer updates and every elementwise op (their error would compound,
// and they are bound by memory, not by multiply-adds); biases and residuals (added once, in f32).
struct Bf16Operands {
  OpKind op;
  std::vector<size_t> operands;
};
const Bf16Operands kPolicy[] = {
    {OpKind::MatMul, {0, 1}},
    {OpKind::Dense, {0, 1}},                 // x, w
    {OpKind::Conv2d, {0, 1}},                // x, w
    {OpKind::DenseGrad, {1, 2}},             // x, w; dy and y feed the f32 derivative dz
    {OpKind::Conv2dGradInput, {0, 1}},       // dy, w
    {OpKind::Conv2dGradWeight, {0, 1}},      // dy, x
};

const std::vector<size_t>* bf16OperandsOf(OpKind op) {
  for (const Bf16Operands& p : kPolicy)
    if (p.op == op) return &p.operands;
  return nullptr;
}

// The movement ops a cast moves before: each output element is one input element, so rounding
// before or after gives the same bits.
bool castCommutes(OpKind op) {
  return op == OpKind::Transpose || op == OpKind::Reshape || op == OpKind::Slice || op == OpKind::Expand;
}

class Converter {
 public:
  Converter(Graph& g, bool weightCopies) : g_(g), b_(g), weightCopies_(weightCopies), users_(g.users()), uses_(g.useCounts()) {
    for (const Update& u : g.updates) nextValueOf_.emplace(u.target, u.value);
  }

  // v (f32) as bf16, for node `reader`: the value a cast to f32 came from, a converted constant,
  // the movement that made v redone on bf16 (when only `reader` uses v), or one cast per value.
  ValueId bf16Of(ValueId v, NodeId reader) {
    if (auto it = converted_.find(v); it != converted_.end()) return it->second;
    ValueId out = convert(v, reader);
    converted_.emplace(v, out);
    return out;
  }
  Status status() const { return b_.status(); }

 private:
  // Whether node n's uses are all of v's (no other node, output or update reads it). Values
  // made by this pass have no entry: they are read by what made them only.
  bool onlyReader(ValueId v, NodeId n) const {
    if (v >= users_.size() || users_[v].empty()) return false;
    for (NodeId u : users_[v])
      if (u != n) return false;
    return uses_[v] == users_[v].size();
  }

  // For a slice: whether the slices of its source keep at least half of it together. The cast
  // moved before a slice rounds the whole source, so moving it before a narrow slice (the last
  // token of a sequence) would cost more than it saves; attention's Q, K and V slices share
  // one cast of the whole in-projection.
  bool slicesMostOf(const Node& movement) const {
    if (movement.op != OpKind::Slice) return true;
    ValueId source = movement.operands[0];
    int64_t kept = 0;
    for (NodeId u : users_[source])
      if (g_.node(u).op == OpKind::Slice) kept += g_.type(g_.node(u).results[0]).numel();
    return 2 * kept >= g_.type(source).numel();
  }

  ValueId convert(ValueId v, NodeId reader) {
    const Node* producer = g_.producer(v);
    if (producer && producer->op == OpKind::Cast && g_.type(producer->operands[0]).dtype == DType::bf16)
      return producer->operands[0];  // a widened bf16: rounding it again gives it back
    if (producer && castCommutes(producer->op) && onlyReader(v, reader) && slicesMostOf(*producer)) {
      OpKind op = producer->op;  // copied: the nodes appended below may move *producer
      AttrMap attrs = producer->attrs;
      NodeId mover = (NodeId)(producer - g_.nodes.data());
      ValueId moved = bf16Of(producer->operands[0], mover);
      return b_.create(op, {moved}, std::move(attrs), g_.value(v).name + ".bf16");
    }
    const Value& value = g_.value(v);
    auto next = nextValueOf_.find(v);
    if (value.isConstant() && next == nextValueOf_.end())
      return g_.addConstant(g_.uniqueName(value.name + ".bf16"), rounded(value.data), ValueKind::Const, value.loc);
    if (value.hasData() && next != nextValueOf_.end() && weightCopies_) return bf16Copy(v, next->second);
    return castToBf16(v);
  }

  // The state that holds update target v rounded to bf16: it starts as v's data rounded, and
  // each step rewrites it with the rounding of `next`, the value the step gives v.
  ValueId bf16Copy(ValueId v, ValueId next) {
    const Value& value = g_.value(v);
    ValueId copy = g_.addConstant(g_.uniqueName(value.name + ".bf16"), rounded(value.data), ValueKind::State, value.loc);
    auto cast = converted_.find(next);  // one cast per value, should a product read `next` too
    g_.addUpdate(copy, cast != converted_.end() ? cast->second : converted_.emplace(next, castToBf16(next)).first->second);
    return copy;
  }

  ValueId castToBf16(ValueId v) {
    AttrMap to;
    to.set("to", std::string("bf16"));
    return b_.create(OpKind::Cast, {v}, to, g_.value(v).name + ".bf16");
  }

  static Tensor rounded(const Tensor& data) {
    Tensor out(TensorType{DType::bf16, data.type().shape});
    castElements(data.dtype(), data.raw(), DType::bf16, out.raw(), out.numel());
    return out;
  }

  Graph& g_;
  Builder b_;
  bool weightCopies_;  // trained weights get bf16 copies (else a cast on every step)
  std::unordered_map<ValueId, ValueId> nextValueOf_;  // per update target: the value a step gives it
  std::vector<std::vector<NodeId>> users_;  // of the graph as it came in
  std::vector<uint32_t> uses_;
  std::unordered_map<ValueId, ValueId> converted_;
};

}  // namespace

Status runPrecisionBf16(Graph& g, PassContext& ctx) {
  Converter converter(g, ctx.bf16WeightCopies);
  size_t count = g.nodes.size();  // the casts appended below are not products
  for (NodeId n = 0; n < count; ++n) {
    const std::vector<size_t>* operands = bf16OperandsOf(g.node(n).op);
    if (g.node(n).dead || !operands || (ctx.bf16Supported && !ctx.bf16Supported(g.node(n).op))) continue;
    // All or none: the op takes its operands in one dtype. f64 stays f64, and an operand
    // already bf16 (the pass run twice) stays as it is.
    bool allF32 = true;
    for (size_t i : *operands) allF32 = allF32 && g.type(g.node(n).operands[i]).dtype == DType::f32;
    if (!allF32) continue;
    for (size_t i : *operands) {
      ValueId bf16 = converter.bf16Of(g.node(n).operands[i], n);  // may append: re-fetch the node
      g.node(n).operands[i] = bf16;
    }
  }
  GRAPHC_TRY(converter.status());
  return g.finalize();
}

}  // namespace graphc
