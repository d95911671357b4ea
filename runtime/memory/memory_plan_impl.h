// Internals of the memory planner shared by its .cpp files (not for its users).
#pragma once

#include <span>
#include <vector>

#include "runtime/memory/memory_plan.h"

namespace graphc::memplan {

enum class Fit { Best, First };

size_t alignUp(size_t bytes, size_t alignment);
// Whether buffer b may sit exactly where its `reuse` buffer is: the target exists and dies at
// the step b is born. Anything else is ignored by the planner and rejected by the validator.
bool reusePermitted(std::span<const BufferRequest> rs, size_t b);
size_t computeLowerBound(std::span<const BufferRequest> rs, std::span<const size_t> alignedSizes);
std::span<const std::string_view> strategyNames();

// The requests in the form the placer wants: aligned sizes and who is live with whom.
struct Problem {
  std::vector<size_t> size;                       // aligned
  std::vector<int32_t> partner;                   // permitted reuse target, or -1
  std::vector<std::vector<uint32_t>> conflicts;   // buffers live at some common step
  std::vector<std::vector<uint32_t>> reusedBy;    // buffers whose permitted target is this one
  size_t lowerBound = 0;
  Problem(std::span<const BufferRequest> rs, size_t alignment);
};

// A placement order and how to place; what the search perturbs.
struct Candidate {
  std::vector<uint32_t> order;
  Fit fit = Fit::Best;
  bool inPlace = true;
};

// Returns the arena size; `work` (if given) grows with the effort spent, to bound searches.
size_t place(const Problem& p, std::span<const uint32_t> order, Fit fit, bool inPlace,
             std::vector<size_t>& offsets, size_t* work = nullptr);

// Randomized local search around `start` with a fixed seed and a bounded amount of work, so that
// results are reproducible. Improves `arena`/`offsets` in place; true when it found better.
bool perturbSearch(const Problem& p, const Candidate& start, size_t& arena, std::vector<size_t>& offsets);

// Exhaustive search without in-place reuse for tiny instances (up to kExactMaxBuffers), also
// bounded in work; true when it found a smaller arena than `arena`.
constexpr size_t kExactMaxBuffers = 10;
bool exactSearch(const Problem& p, size_t& arena, std::vector<size_t>& offsets);

// Past this many pairs of buffers live at the same time, the conflict lists of Problem would
// take hundreds of megabytes, and planMemory uses sweepPlan instead.
constexpr size_t kMaxConflictPairs = size_t(1) << 23;
// How many pairs of buffers are live at a common step, counted up to `limit` (O(n log n)).
size_t conflictPairsAtLeast(std::span<const BufferRequest> rs, size_t limit);
// Allocation simulated in schedule order over a first-fit free list (memory_plan_sweep.cpp).
MemoryPlan sweepPlan(std::span<const BufferRequest> rs, size_t alignment);

}  // namespace graphc::memplan
