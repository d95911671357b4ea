// Small graph-editing helpers shared by the passes and their rewrite patterns.
#pragma once

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

// Marks dead every node whose results are unused, transitively (graph outputs and stateful
// nodes are roots). Returns how many nodes it marked. Defined in dce.cpp.
size_t markDeadNodes(Graph& g);

}  // namespace graphc
