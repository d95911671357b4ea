// graphc compile's outputs: IR text with side files for big params, Graphviz, the memory report.
#include "driver/emit.h"

#include <filesystem>
#include <fmt/format.h>

#include "driver/model.h"
#include "frontend/text/printer.h"
#include "frontend/dot/dot.h"
#include "frontend/npy/npy.h"
#include "ir/fusion_group.h"
#include "runtime/memory/memory_plan.h"

namespace graphc::driver {
namespace {

// Parameters too big to read inline go to OUT.params/NAME.npy beside the IR file.
Status externalizeParams(Graph& g, const std::string& out) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(out).string() + ".params";
  for (ValueId v : g.constants) {
    Value& val = g.value(v);
    if (val.data.numel() <= 64 || !val.file.empty()) continue;
    std::error_code ec;
    fs::create_directories(dir, ec);
    std::string file = sanitizeFileName(val.name) + ".npy";
    GRAPHC_TRY(writeNpy((dir / file).string(), val.data));
    val.file = (dir.filename() / file).string();
  }
  return ok();
}

}  // namespace

Result<std::string> emitText(Graph& compiled, EmitKind kind, const std::string& out) {
  if (kind == EmitKind::Dot) return graphToDot(compiled);
  if (!out.empty()) GRAPHC_TRY(externalizeParams(compiled, out));
  return printGraph(compiled);
}

Result<std::string> reportMemory(const Executable& exe, const std::string& backend, const std::string& svgPath) {
  Executable::ArenaPlan fromGraph;
  const Executable::ArenaPlan* arena = exe.arenaPlan();
  std::string source = fmt::format("backend '{}'", backend);
  if (!arena) {
    GraphBuffers buffers = graphBuffers(exe.graph());
    fromGraph.plan = planMemory(buffers.requests);
    GRAPHC_TRY(validatePlan(buffers.requests, fromGraph.plan));
    fromGraph.requests = std::move(buffers.requests);
    arena = &fromGraph;
    source = fmt::format("the graph's intermediate values (backend '{}' allocates per value)", backend);
  }
  GRAPHC_TRY(writeFileAtomic(svgPath, memoryPlanSvg(arena->requests, arena->plan)));
  std::string text = fmt::format("// ----- memory plan of {} -----\n{}\n", source, memoryReport(arena->plan));
  // A backend that fuses (llvm) ran a graph with groups: what the same graph needs unfused,
  // node by node, shows what fusion saved.
  if (std::vector<FusionGroup> groups = fusionGroups(exe.graph()); !groups.empty()) {
    size_t members = 0;
    for (const FusionGroup& group : groups) members += group.members.size();
    GraphBuffers unfused = graphBuffers(exe.graph());
    size_t unfusedBytes = planMemory(unfused.requests).arenaBytes;
    text += fmt::format("fusion: {} group(s) of {} nodes; unfused, {} buffers in an arena of {} bytes (fusion saves {})\n",
                        groups.size(), members, unfused.requests.size(), unfusedBytes,
                        unfusedBytes > arena->plan.arenaBytes ? fmt::format("{} bytes", unfusedBytes - arena->plan.arenaBytes)
                                                             : std::string("nothing"));
  }
  if (arena->updates)
    text += fmt::format("training state: {} bytes outside the arena; {} of {} updates in place\n", arena->stateBytes,
                        arena->updatesInPlace, arena->updates);
  text += fmt::format("timeline: {}\n", svgPath);
  return text;
}

}  // namespace graphc::driver
