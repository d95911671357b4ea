// Gradient rules: one per differentiable op, kept beside the op's shape inference in
// ir/ops/*.cpp and listed in gradRule(). passes/autodiff.cpp walks a graph backwards and calls
// them; a rule builds the vector-Jacobian product of its node with the Builder.
#pragma once

#include <functional>

#include "ir/builder.h"

namespace graphc {

class GradCtx {
 public:
  using Accumulate = std::function<void(ValueId operand, ValueId grad)>;
  GradCtx(Builder& b, Node node, std::vector<ValueId> dys, std::vector<bool> wants, Accumulate accumulate);

  Builder& b;
  const Node node;  // a copy: building nodes may move the graph's node storage

  ValueId x(size_t i) const { return node.operands[i]; }
  ValueId y(size_t i = 0) const { return node.results[i]; }
  size_t numOperands() const { return node.operands.size(); }
  const TensorType& type(ValueId v) const { return b.graph().type(v); }
  // By value: building nodes may move the graph's value storage under a reference.
  Shape shape(ValueId v) const { return type(v).shape; }
  // The upstream gradient of result i; zeros when none reached it.
  ValueId dy(size_t i = 0);
  // Whether operand i needs a gradient (it depends on what we differentiate with respect to).
  bool wants(size_t i) const { return wants_[i]; }
  // Adds g to operand i's gradient; g must have the operand's type.
  void addGrad(size_t i, ValueId g);
  // Sums g down to `shape`, undoing NumPy broadcasting, then adds it to operand i's gradient.
  void addGradSumTo(size_t i, ValueId g) { addGrad(i, sumTo(g, shape(x(i)))); }

  // The node's attributes, defaults filled in.
  const Attr& attr(std::string_view name) const;
  int64_t i(std::string_view name) const { return attrAs<int64_t>(name); }
  double f(std::string_view name) const { return attrAs<double>(name); }
  const std::string& s(std::string_view name) const { return attrAs<std::string>(name); }
  const std::vector<int64_t>& ints(std::string_view name) const { return attrAs<std::vector<int64_t>>(name); }

  // Builders for rules. A type error (or a missing attribute above) is a bug in a rule: it is
  // recorded in the Builder (b.status()), stand-in values let the rule run to its end, and
  // autodiff turns the failure into an Error naming the node.
  ValueId op(OpKind op, std::vector<ValueId> operands, AttrMap attrs = {});
  std::vector<ValueId> ops(OpKind op, std::vector<ValueId> operands, AttrMap attrs = {});
  ValueId scalar(double v, ValueId like);  // a scalar constant of like's dtype
  ValueId sumTo(ValueId g, const Shape& shape);
  ValueId reshape(ValueId v, const Shape& shape);
  ValueId expand(ValueId v, const Shape& shape);
  // Elementwise shorthands.
  ValueId add(ValueId a, ValueId b) { return op(OpKind::Add, {a, b}); }
  ValueId sub(ValueId a, ValueId b) { return op(OpKind::Sub, {a, b}); }
  ValueId mul(ValueId a, ValueId b) { return op(OpKind::Mul, {a, b}); }
  ValueId div(ValueId a, ValueId b) { return op(OpKind::Div, {a, b}); }
  ValueId neg(ValueId a) { return op(OpKind::Neg, {a}); }
  ValueId where(ValueId c, ValueId a, ValueId b) { return op(OpKind::Where, {c, a, b}); }
  ValueId zerosLike(ValueId v);

 private:
  template <class T>
  const T& attrAs(std::string_view name) const;

  std::vector<ValueId> dys_;
  std::vector<bool> wants_;
  Accumulate accumulate_;
};

using GradFn = void (*)(GradCtx&);

// The op's gradient rule, or nullptr for ops without one (kNonDifferentiable ops, optimizer
// updates, and backward ops that nothing differentiates twice).
GradFn gradRule(OpKind op);

// Attributes helper for rules: AttrMap from a braced list.
AttrMap attrsOf(std::initializer_list<std::pair<std::string, Attr>> list);

// The derivative of a fused activation (dense, conv2d) times dy, from the pre-activation z:
// dy * act'(z). Shared by the fused ops' rules.
ValueId activationGrad(GradCtx& c, Activation act, double alpha, double beta, ValueId dy, ValueId z);

}  // namespace graphc
