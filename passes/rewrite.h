// The rewrite driver: pattern -> replacement rules applied to a fixed point.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "passes/pass.h"

namespace graphc {

// One rule. matchAndRewrite looks at node n and, when it matches, edits the graph (adds nodes,
// replaces uses, marks nodes dead; never finalizes) and returns true. When it does not match it
// changes nothing and returns false. Adding nodes may reallocate g.nodes: re-fetch references.
struct Pattern {
  std::string_view name;
  std::optional<OpKind> root;  // only tried on nodes of this op; nullopt: on every node
  bool (*matchAndRewrite)(Graph& g, NodeId n, PassContext& ctx);
};

struct RewriteStats {
  int rewrites = 0;        // rules fired
  int sweeps = 0;          // passes over the graph
  bool converged = false;  // the last sweep fired nothing
};

// Sweeps the graph in order, trying every pattern on every live node, then drops the nodes the
// rewrites orphaned and finalizes; repeats until a sweep fires nothing or maxSweeps is reached
// (the bound guarantees termination even if two rules undo each other). Nodes added during a
// sweep are first visited by the next one. With ctx.debugRewrites, each firing is logged as
// "rewrite: <pattern> fired on %name".
Result<RewriteStats> applyPatterns(Graph& g, std::span<const Pattern> patterns, PassContext& ctx, int maxSweeps = 16);

}  // namespace graphc
