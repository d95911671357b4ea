// Builder: makes graphs in code, inferring each node's result type as it goes.
#pragma once

#include <optional>

#include "ir/graph.h"

namespace graphc {

class Builder {
 public:
  explicit Builder(Graph& g) : g_(g) {}

  ValueId input(std::string name, TensorType type) { return g_.addInput(std::move(name), std::move(type)); }
  ValueId param(std::string name, Tensor data) { return g_.addConstant(std::move(name), std::move(data), ValueKind::Param); }
  ValueId constant(Tensor data, std::string name = "c") {
    return g_.addConstant(g_.uniqueName(name), std::move(data), ValueKind::Const);
  }
  ValueId scalar(DType dtype, double v) { return constant(Tensor::scalar(dtype, v)); }
  // Persistent, mutable, untrained storage starting at `initial` (see ValueKind::State).
  ValueId state(std::string name, Tensor initial) {
    return g_.addConstant(g_.uniqueName(name), std::move(initial), ValueKind::State);
  }
  void update(ValueId target, ValueId value) { g_.addUpdate(target, value); }

  // Creates a node, infers its result types and returns its results; errors name the op.
  Result<std::vector<ValueId>> tryCreate(OpKind op, std::vector<ValueId> operands, AttrMap attrs = {},
                                         std::string nameHint = {}, Loc loc = {});
  // Single-result form for code that builds a chain of ops (autodiff, the training step) and
  // checks status() once at the end. A type error does not throw: the first one is kept, naming
  // the op and the reason, and the first operand stands in for the result, so that the steps
  // that follow still see well-formed values (nothing built after a failure is meant to be used).
  ValueId create(OpKind op, std::vector<ValueId> operands, AttrMap attrs = {}, std::string nameHint = {});
  // Records a failure found outside create (a gradient of the wrong type, ...); the first sticks.
  void fail(Error e);
  // The first failure of create or fail, or ok.
  Status status() const;

  void output(std::string name, ValueId v) { g_.addOutput(std::move(name), v); }
  Graph& graph() { return g_; }

 private:
  Graph& g_;
  std::optional<Error> failure_;
};

// Runs the op's shape inference on operand types, checking operand count, dtypes and
// attribute kinds against the op table first.
Result<std::vector<TensorType>> inferTypes(OpKind op, std::span<const TensorType> operands,
                                           const AttrMap& attrs);

}  // namespace graphc
