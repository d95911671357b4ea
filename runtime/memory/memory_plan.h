// Static memory planning: every intermediate buffer gets an offset in one arena so that no two
// buffers live at the same time overlap. Backends call it while preparing an Executable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace graphc {

// One buffer's size and live range in schedule steps [start, end], both inclusive.
struct BufferRequest {
  size_t bytes = 0;
  int32_t start = 0;
  int32_t end = 0;
  // In-place: the buffer may take exactly the place of buffer `reuse`, which must end at `start`
  // (an elementwise op overwriting an input that dies at that op). -1: no such permission.
  int32_t reuse = -1;
  std::string name;  // for reports and the SVG
};

struct MemoryPlan {
  std::vector<size_t> offsets;  // one per request, each a multiple of the alignment
  size_t arenaBytes = 0;
  size_t lowerBound = 0;    // the peak over time of the live bytes (aligned sizes)
  size_t noReuseBytes = 0;  // the sum of all aligned sizes
  std::string strategy;     // which strategy produced this plan
  size_t inPlace = 0;       // how many permitted in-place reuses the plan honours
  double efficiency() const { return arenaBytes ? double(lowerBound) / double(arenaBytes) : 1.0; }
};

// Runs several strategies (greedy-by-size best-fit and others), keeps the smallest arena, and
// stops early when a plan reaches the lower bound.
MemoryPlan planMemory(std::span<const BufferRequest> requests, size_t alignment = 64);

// One strategy on its own (a name from memoryPlanStrategies()), to compare them in tests and
// when debugging a poor plan. "perturbed-search" starts from greedy-by-size.
std::span<const std::string_view> memoryPlanStrategies();
Result<MemoryPlan> planMemoryWith(std::string_view strategy, std::span<const BufferRequest> requests,
                                  size_t alignment = 64);

// The peak over steps of the live aligned bytes, an in-place pair counting once: no valid plan
// has a smaller arena.
size_t memoryLowerBound(std::span<const BufferRequest> requests, size_t alignment = 64);

// Checks the plan: offsets aligned, in the arena, and no two buffers that are live at the same
// time overlap (except a permitted in-place reuse).
Status validatePlan(std::span<const BufferRequest> requests, const MemoryPlan& plan, size_t alignment = 64);

// A text report (arena, lower bound, efficiency, no-reuse total) and an SVG timeline of the
// buffers (offset against schedule step).
std::string memoryReport(const MemoryPlan& plan);
std::string memoryPlanSvg(std::span<const BufferRequest> requests, const MemoryPlan& plan);

// The buffers of a graph's intermediate values in node order: every node result that is not a
// graph output, with elementwise ops allowed to reuse a same-sized operand that dies there.
// valueOf[i] is the value of request i.
// With fusedGroups (a backend that runs each fusion group of ir/fusion_group.h as one loop nest),
// a group is one step, at its last node: the values that stay inside it get no buffer, and a
// value leaving it may reuse an input of its type that dies there (each element is read before
// it is written). Without, groups are ignored and every node is a step of its own.
struct GraphBuffers {
  std::vector<BufferRequest> requests;
  std::vector<ValueId> valueOf;
};
GraphBuffers graphBuffers(const Graph& g, bool fusedGroups = false);

}  // namespace graphc
