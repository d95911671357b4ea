// Fusion groups: nodes a code-generating backend runs as one loop nest, marked by the integer
// attribute `fusion_group` that every op accepts (passes/fuse_elementwise.cpp forms them).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace graphc {

inline constexpr std::string_view kFusionGroupAttr = "fusion_group";

// The spec OpInfo::findAttr falls back to for kFusionGroupAttr: an int, -1 (no group) by default,
// so that the printer leaves it out on ungrouped nodes.
const AttrSpec& fusionGroupSpec();

// Node n's group id; nullopt when it is in none.
std::optional<int64_t> fusionGroupOf(const Node& n);

// One group of a verified graph: its members in node order (consecutive), the values they read
// from outside it (each once, in order of first use), the member results used outside it
// (by other nodes, graph outputs or updates), and the shape every member computes.
struct FusionGroup {
  int64_t id = -1;
  std::vector<NodeId> members;
  std::vector<ValueId> inputs;
  std::vector<ValueId> outputs;
  Shape shape;
};
std::vector<FusionGroup> fusionGroups(const Graph& g);

// A group is well formed when its members are live elementwise ops of one result whose result
// shapes agree, connected through their own values, convex (no path leaves the group and comes
// back in) and consecutive in node order, so that it can run at one point of the schedule. One
// diagnostic per broken rule and group, at the member's location.
void verifyFusionGroups(const Graph& g, std::vector<Diag>& diags);

}  // namespace graphc
