// The graph IR: named inputs, parameters, constants and state, SSA nodes in topological order,
// named outputs and the updates a training step makes to its parameters and state. Values are
// referred to by index; passes mark nodes dead and call finalize().
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/attr.h"
#include "ir/diag.h"
#include "ir/op.h"
#include "ir/tensor.h"

namespace graphc {

using ValueId = uint32_t;
using NodeId = uint32_t;
inline constexpr uint32_t kNoNode = UINT32_MAX;

enum class ValueKind : uint8_t {
  Input,   // bound at run time
  Param,   // a float weight: constant for inference, trainable for training
  Const,   // a constant that is never trained
  Result,  // produced by a node
  State,   // persistent and mutable but never trained (optimizer moments, step counts); it has
           // initial data like a constant, but passes must not fold it
};

struct Value {
  std::string name;  // unique within the graph
  TensorType type;
  ValueKind kind = ValueKind::Result;
  NodeId def = kNoNode;     // the producing node, for results
  uint32_t resultIndex = 0;
  Tensor data;              // params and consts
  std::string file;         // params loaded from a side file keep its path for printing
  Loc loc;

  bool isConstant() const { return kind == ValueKind::Param || kind == ValueKind::Const; }
  bool hasData() const { return isConstant() || kind == ValueKind::State; }
};

struct Node {
  OpKind op;
  std::vector<ValueId> operands;
  std::vector<ValueId> results;
  AttrMap attrs;
  Loc loc;
  bool dead = false;

  const OpInfo& info() const { return opInfo(op); }
};

struct Output {
  std::string name;
  ValueId value;
};

// After each run, `target` (a Param or State) holds what `value` held: a training step's new
// weights and optimizer state. Backends alias value into target's storage where they can.
struct Update {
  ValueId target;
  ValueId value;
};

class Graph {
 public:
  std::string name = "main";
  std::vector<Value> values;
  std::vector<Node> nodes;            // topological order once finalized
  std::vector<ValueId> inputs;        // in declaration order
  std::vector<ValueId> constants;     // params, consts and state, in declaration order
  std::vector<Output> outputs;
  std::vector<Update> updates;        // at most one per target

  Value& value(ValueId v) { return values[v]; }
  const Value& value(ValueId v) const { return values[v]; }
  const TensorType& type(ValueId v) const { return values[v].type; }
  // The types of these operands, in order: what shape inference and OpCtx take.
  std::vector<TensorType> types(std::span<const ValueId> operands) const {
    std::vector<TensorType> out;
    out.reserve(operands.size());
    for (ValueId v : operands) out.push_back(type(v));
    return out;
  }
  Node& node(NodeId n) { return nodes[n]; }
  const Node& node(NodeId n) const { return nodes[n]; }
  // The node producing v, or nullptr for inputs and constants.
  const Node* producer(ValueId v) const;

  // Unique name derived from hint ("x", "x.1", "x.2", ...).
  std::string uniqueName(std::string_view hint);
  ValueId findValue(std::string_view name) const;  // UINT32_MAX when absent

  ValueId addInput(std::string name, TensorType type, Loc loc = {});
  ValueId addConstant(std::string name, Tensor data, ValueKind kind = ValueKind::Const, Loc loc = {});
  // Appends a node whose result types are given (no inference); see Builder for inference.
  NodeId addNode(OpKind op, std::vector<ValueId> operands, AttrMap attrs,
                 std::vector<TensorType> resultTypes, std::vector<std::string> resultNames = {},
                 Loc loc = {});
  void addOutput(std::string name, ValueId v) { outputs.push_back({std::move(name), v}); }
  void addUpdate(ValueId target, ValueId v) { updates.push_back({target, v}); }

  // Every use of `from` (operands, outputs and update values, not update targets) now uses `to`.
  void replaceAllUses(ValueId from, ValueId to);
  // users()[v] lists the live nodes using v (a node appears once per use).
  std::vector<std::vector<NodeId>> users() const;
  // Includes graph outputs and both sides of updates, so that DCE keeps them alive.
  std::vector<uint32_t> useCounts() const;

  // Drops dead nodes and values nothing refers to, renumbers, and sorts nodes topologically
  // (stable: the existing order is kept where it is valid). Fails on a cycle.
  Status finalize();

  Graph clone() const;  // deep copy, including constant data

 private:
  std::unordered_map<std::string, ValueId> byName_;
  // Per hint, the suffix uniqueName tries next: without it, naming n unnamed values probes
  // "v.1" .. "v.n" each time, quadratic in the graph's size.
  std::unordered_map<std::string, int> nextSuffix_;
  void rebuildNames();
};

}  // namespace graphc
