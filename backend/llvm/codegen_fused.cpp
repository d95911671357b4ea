// Fusion groups: one loop nest per group over its shape. Each iteration loads every input of
// the group once (broadcast inputs through strides of 0), computes the members' chain in
// registers, and stores only the values that leave the group; the innermost loop is the
// contiguous one the vectorizer takes, and with threads the outermost is split over a team.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "backend/llvm/codegen.h"
#include "ir/verifier.h"

namespace graphc::llvmjit {
namespace {

using llvm::Value;

// Below this many elements a parallel region costs more than it saves: a team starts in
// microseconds, and one thread streams tens of thousands of elements in that time.
constexpr int64_t kParallelElements = int64_t{1} << 15;

using Body = std::function<void(std::span<Value* const>)>;

// The operands' offsets `at` moved by i steps along axis d. An operand broadcast along d keeps
// its offset, so its index math stays outside the loop.
std::vector<Value*> advance(Emitter& e, const LoopNest& nest, size_t d, std::vector<Value*> at, Value* i) {
  for (size_t k = 0; k < at.size(); ++k)
    if (int64_t stride = nest.strides[k][d]) at[k] = e.b.CreateAdd(at[k], e.b.CreateMul(i, e.index(stride)), "", true, true);
  return at;
}

// Loops over axes d.. of the nest from offsets `at`; the innermost loop declares its iterations
// independent (each touches its own elements), so it vectorizes without alias checks.
void walk(Emitter& e, const LoopNest& nest, size_t d, const std::vector<Value*>& at, const Body& body) {
  if (d == nest.shape.size()) return body(at);
  e.loop(nest.shape[d], [&](Value* i) { walk(e, nest, d + 1, advance(e, nest, d, at, i), body); }, d + 1 == nest.shape.size());
}

// Elements of a vectorized axis that a thread's share of it is a multiple of: every thread
// then runs whole vector iterations where one thread would, and the scalar remainder (whose
// libm calls may round differently from the vector ones) stays at the end. So the result
// does not depend on the number of threads.
constexpr int64_t kVectorGranule = 256;

// The same with the outermost axis split evenly over an OpenMP team. `prelude` runs first in
// the team's function.
void walkParallel(Emitter& e, std::span<const ValueId> values, const LoopNest& nest, const std::vector<Value*>& at,
                  const std::function<void()>& prelude, const Body& body) {
  e.parallel([&](Value* thread, Value* team) {
    prelude();
    int64_t granule = nest.shape.size() == 1 ? kVectorGranule : 1;
    Value* granules = e.index((nest.shape[0] + granule - 1) / granule);
    auto boundary = [&](Value* t) {
      Value* start = e.b.CreateMul(e.b.CreateUDiv(e.b.CreateMul(granules, t), team), e.index(granule));
      return e.b.CreateSelect(e.b.CreateICmpULT(start, e.index(nest.shape[0])), start, e.index(nest.shape[0]));
    };
    Value* lo = boundary(thread);
    Value* hi = boundary(e.b.CreateAdd(thread, e.index(1)));
    // A thread's share of a vectorized axis is whole granules, but for the last thread's, which
    // ends with the axis: a multiple of 64 when the axis is.
    int64_t multiple = nest.shape.size() == 1 && nest.shape[0] % 64 == 0 ? 64 : 0;
    e.loopRange(lo, hi, [&](Value* i) { walk(e, nest, 1, advance(e, nest, 0, at, i), body); }, nest.shape.size() == 1, multiple);
  });
}

// What the fused loop cannot do, before anything is emitted.
Status checkGroup(const Graph& g, const FusionGroup& group) {
  for (NodeId m : group.members) {
    const Node& n = g.nodes[m];
    if (Status st = checkElementwise(g, n); !st) return Error(fmt::format("{}: {}", describeNode(g, n), st.error().message()));
    bool integerDiv = n.op == OpKind::Div && !isFloat(g.type(n.operands[1]).dtype);
    if (integerDiv && std::find(group.inputs.begin(), group.inputs.end(), n.operands[1]) == group.inputs.end())
      return Error(fmt::format("{}: an integer divisor must come from outside the group (it is checked for zeros "
                               "before the loop)", describeNode(g, n)));
  }
  return ok();
}

}  // namespace

Status emitFusedGroup(Emitter& e, const FusionGroup& group) {
  const Graph& g = e.graph;
  GRAPHC_TRY(checkGroup(g, group));
  int64_t elements = 1;
  for (int64_t d : group.shape) elements *= d;
  if (elements == 0) return ok();
  for (NodeId m : group.members) {
    const Node& n = g.nodes[m];
    if (n.op == OpKind::Div && !isFloat(g.type(n.operands[1]).dtype)) emitDivisorCheck(e, n.operands[1]);
  }
  // Operands of the nest: the outputs, then the inputs.
  LoopNest nest(group.shape);
  for (size_t k = 0; k < group.outputs.size(); ++k) nest.add(stridesOf(group.shape));
  for (ValueId v : group.inputs) nest.add(broadcastStrides(g.type(v).shape, group.shape));
  nest.coalesce();
  // An input read at one element throughout (a scalar, or broadcast along every axis left) is
  // loaded once before the loops: the stores of the loop could alias it as far as LLVM knows,
  // so it would not hoist the load itself.
  auto invariant = [&](size_t k) {
    const Shape& strides = nest.strides[group.outputs.size() + k];
    return std::all_of(strides.begin(), strides.end(), [](int64_t s) { return s == 0; });
  };
  std::unordered_map<ValueId, Value*> hoisted;
  auto prelude = [&] {
    hoisted.clear();
    for (size_t k = 0; k < group.inputs.size(); ++k)
      if (invariant(k)) hoisted[group.inputs[k]] = e.load(group.inputs[k], e.index(nest.offsets[group.outputs.size() + k]));
  };
  Body body = [&](std::span<Value* const> at) {
    std::unordered_map<ValueId, Value*> scalar = hoisted;
    for (size_t k = 0; k < group.inputs.size(); ++k)
      if (!invariant(k)) scalar[group.inputs[k]] = e.load(group.inputs[k], at[group.outputs.size() + k]);
    std::vector<Value*> x;
    for (NodeId m : group.members) {
      const Node& n = g.nodes[m];
      x.clear();
      for (ValueId v : n.operands) x.push_back(scalar.at(v));
      scalar[n.results[0]] = emitElementwiseScalar(e, n, x);
    }
    for (size_t k = 0; k < group.outputs.size(); ++k) e.store(group.outputs[k], at[k], scalar.at(group.outputs[k]));
  };
  std::vector<Value*> origin;
  for (int64_t offset : nest.offsets) origin.push_back(e.index(offset));
  if (e.threads != 1 && elements >= kParallelElements && !nest.shape.empty() && nest.shape[0] > 1) {
    std::vector<ValueId> values = group.inputs;
    values.insert(values.end(), group.outputs.begin(), group.outputs.end());
    walkParallel(e, values, nest, origin, prelude, body);
  } else {
    prelude();
    walk(e, nest, 0, origin, body);
  }
  return ok();
}

}  // namespace graphc::llvmjit
