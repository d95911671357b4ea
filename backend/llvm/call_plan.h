// Internal to backend/llvm (plain C++, no LLVM): which functions graphc_run calls, in order,
// with the values each sees, and which calls can share one function.
#pragma once

#include <string>
#include <vector>

#include "ir/fusion_group.h"
#include "ir/graph.h"

namespace graphc::llvmjit {

// One call of graphc_run: a fusion group's one function, at its first member (its arguments
// are the group's inputs, then its outputs), or another live node's own (operands, then
// results). The function reads argument k from the k-th pointer of the array it is given.
struct NodeCall {
  NodeId node = 0;
  int group = -1;  // into CallPlan::groups; -1 for a single node
  std::vector<ValueId> args;
  // A collective's call gets one more pointer after its values: the run's CollectiveContext
  // (collective_calls.h), through which it reaches the communicator.
  bool passesContext = false;
};

struct CallPlan {
  std::vector<FusionGroup> groups;
  std::vector<NodeCall> calls;
  // The argument arrays' pointers, all calls together: where graphc_run puts them per run.
  size_t argumentSlots() const;
};
CallPlan planCalls(const Graph& g);

// What a call's code depends on: the op (or the group's ops and their wiring), the attributes
// and the types of the arguments, in order, and which arguments are the same value. Calls with
// equal keys compute the same function of their argument arrays, so they share one function:
// a model of repeated layers is optimized and compiled once per distinct layer. Emitters read
// nothing else of the graph (no constant's data, no value's place).
std::string callKey(const Graph& g, const CallPlan& plan, const NodeCall& call);

}  // namespace graphc::llvmjit
