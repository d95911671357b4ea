// The fixed-point rewrite driver.
#include "passes/rewrite.h"

#include <ostream>

#include <fmt/format.h>

#include "passes/graph_utils.h"

namespace graphc {

Result<RewriteStats> applyPatterns(Graph& g, std::span<const Pattern> patterns, PassContext& ctx, int maxSweeps) {
  RewriteStats stats;
  const bool logging = ctx.debugRewrites && ctx.log;
  while (stats.sweeps < maxSweeps) {
    ++stats.sweeps;
    bool changed = false;
    const NodeId end = (NodeId)g.nodes.size();  // nodes added below wait for the next sweep
    for (NodeId n = 0; n < end; ++n) {
      for (const Pattern& p : patterns) {
        if (g.nodes[n].dead) break;
        if (p.root && *p.root != g.nodes[n].op) continue;
        // Taken before the rewrite, which may rename or replace the result.
        std::string name = logging && !g.nodes[n].results.empty() ? g.value(g.nodes[n].results[0]).name : "";
        if (!p.matchAndRewrite(g, n, ctx)) continue;
        ++stats.rewrites;
        changed = true;
        if (logging) *ctx.log << fmt::format("rewrite: {} fired on %{}\n", p.name, name);
      }
    }
    // A rewrite usually leaves the nodes it matched through unused; drop them so that the next
    // sweep (and the printed IR) sees only what is live.
    markDeadNodes(g);
    GRAPHC_TRY(g.finalize());
    if (!changed) {
      stats.converged = true;
      break;
    }
  }
  if (!stats.converged && ctx.log)
    *ctx.log << fmt::format("rewrite: {}: no fixed point after {} sweeps ({} rewrites)\n", ctx.passName,
                            stats.sweeps, stats.rewrites);
  return stats;
}

}  // namespace graphc
