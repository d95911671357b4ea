// Small graph-editing helpers shared by the passes and their rewrite patterns.
#pragma once

#include <optional>

#include "ir/graph.h"

namespace graphc {

// True for a Const (never a Param: weights change when trained) whose every element equals v.
bool isSplatConst(const Graph& g, ValueId v, double value);

// The node producing v when it is live and of kind op, else nullptr.
const Node* producerOf(const Graph& g, ValueId v, OpKind op);

// attrs with every defaulted attribute of op filled in, so that {axis = -1} equals {} for
// softmax: the canonical form to compare nodes by.
AttrMap withDefaults(OpKind op, const AttrMap& attrs);

// Every use of node n's single result now uses v, and n is marked dead.
void replaceNode(Graph& g, NodeId n, ValueId v);

// Replaces node n (single result) by a new node op(operands){attrs} whose result takes over
// n's result name, so printed IR stays readable. Does nothing and returns false unless the new
// node type-checks to exactly n's result type.
bool replaceWithNewNode(Graph& g, NodeId n, OpKind op, std::vector<ValueId> operands, AttrMap attrs);

// Swaps the names of two values; Graph::finalize() rebuilds the name index.
void swapNames(Graph& g, ValueId a, ValueId b);

// How many times v is used: live node operands plus graph outputs. A fusion may only swallow a
// value whose single use is the node it fuses into.
uint32_t useCount(const Graph& g, ValueId v);

// The node producing v when it is live, of kind op, and v has no other use (nor is a graph
// output): a node a fusion may swallow without computing it twice or losing a result.
const Node* fusableProducer(const Graph& g, ValueId v, OpKind op);

// The string attribute `name` of n, defaults filled in ("none" for a fresh dense's activation).
std::string stringAttr(const Node& n, std::string_view name);

// The value of a one-element constant (Const, or Param: importers make float initializers
// Params, and the fusions that look for literals like 0.5 or eps compile for inference), else
// nullopt. Shape [] and [1,...,1] both count; callers check that broadcasting keeps the shape.
std::optional<double> scalarConstant(const Graph& g, ValueId v);

// |a - b| <= rel * |b|: constants exported through f32 (sqrt(2) = 1.41421354) still match.
bool nearlyEqual(double a, double b, double rel = 1e-6);

// The fused-op attributes (activation, alpha, beta) that reproduce node n when n is an
// activation a dense or conv2d can carry (relu, leaky_relu, gelu, sigmoid, tanh, clip, elu);
// nullopt for any other node.
std::optional<AttrMap> fusedActivationAttrs(const Node& n);

// Marks dead every node whose results are unused, transitively (graph outputs and stateful
// nodes are roots). Returns how many nodes it marked. Defined in dce.cpp.
size_t markDeadNodes(Graph& g);

}  // namespace graphc
