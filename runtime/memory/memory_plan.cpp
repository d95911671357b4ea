// Memory planning: placement orders (strategies), the best-fit/first-fit placer and the driver.
#include "runtime/memory/memory_plan.h"

#include <algorithm>
#include <array>
#include <numeric>

#include "runtime/memory/memory_plan_impl.h"

namespace graphc {
namespace memplan {

size_t alignUp(size_t bytes, size_t alignment) { return (bytes + alignment - 1) / alignment * alignment; }

bool reusePermitted(std::span<const BufferRequest> rs, size_t b) {
  int32_t a = rs[b].reuse;
  return a >= 0 && size_t(a) < rs.size() && size_t(a) != b && rs[size_t(a)].end == rs[b].start;
}

Problem::Problem(std::span<const BufferRequest> rs, size_t alignment) {
  size_t n = rs.size();
  size.resize(n);
  partner.assign(n, -1);
  conflicts.resize(n);
  reusedBy.resize(n);
  for (size_t i = 0; i < n; ++i) {
    size[i] = alignUp(rs[i].bytes, alignment);
    if (reusePermitted(rs, i)) {
      partner[i] = rs[i].reuse;
      reusedBy[size_t(rs[i].reuse)].push_back(uint32_t(i));
    }
  }
  // Time-overlapping pairs by a sweep over start times: only buffers that started earlier and
  // are still live can conflict, so this stays near-linear on graph schedules.
  std::vector<uint32_t> byStart(n);
  std::iota(byStart.begin(), byStart.end(), 0u);
  std::stable_sort(byStart.begin(), byStart.end(), [&](uint32_t a, uint32_t b) { return rs[a].start < rs[b].start; });
  std::vector<uint32_t> active;
  for (uint32_t i : byStart) {
    std::erase_if(active, [&](uint32_t j) { return rs[j].end < rs[i].start; });
    for (uint32_t j : active) {
      conflicts[i].push_back(j);
      conflicts[j].push_back(i);
    }
    active.push_back(i);
  }
  lowerBound = computeLowerBound(rs, size);
}

// The peak over steps of the live bytes. A buffer and the in-place result that takes its place
// count once (as the larger of the two), since a plan may legally put them at one offset; so
// the bound holds for every valid plan, including ones that honour reuse.
size_t computeLowerBound(std::span<const BufferRequest> rs, std::span<const size_t> size) {
  // A sweep over the distinct start times, O(n log n): the live bytes change by the buffers
  // that start there and those that ended just before; the reuse links of the buffers starting
  // at t (whose partners end exactly at t) then merge groups that count once, as their largest.
  size_t n = rs.size(), peak = 0, liveBytes = 0;
  std::vector<uint32_t> byStart(n), byEnd(n);
  std::iota(byStart.begin(), byStart.end(), 0u);
  std::iota(byEnd.begin(), byEnd.end(), 0u);
  std::sort(byStart.begin(), byStart.end(), [&](uint32_t a, uint32_t b) { return rs[a].start < rs[b].start; });
  std::sort(byEnd.begin(), byEnd.end(), [&](uint32_t a, uint32_t b) { return rs[a].end < rs[b].end; });
  std::vector<size_t> root(n), groupMax(n), groupSum(n);
  std::vector<char> grouped(n, 0);  // in a group at the current t
  auto find = [&](size_t x) {
    while (root[x] != x) x = root[x] = root[root[x]];
    return x;
  };
  size_t s = 0, e = 0;
  while (s < n) {
    int32_t t = rs[byStart[s]].start;
    for (; e < n && rs[byEnd[e]].end < t; ++e)
      if (rs[byEnd[e]].start <= rs[byEnd[e]].end) liveBytes -= size[byEnd[e]];
    size_t first = s;
    for (; s < n && rs[byStart[s]].start == t; ++s)
      if (rs[byStart[s]].start <= rs[byStart[s]].end) liveBytes += size[byStart[s]];
    // Only the links made at t group buffers here; a group saves its sum less its largest.
    std::vector<size_t> touched;
    auto enter = [&](size_t x) {
      if (grouped[x]) return;
      grouped[x] = 1, root[x] = x, groupMax[x] = groupSum[x] = size[x];
      touched.push_back(x);
    };
    for (size_t k = first; k < s; ++k) {
      size_t b = byStart[k];
      if (rs[b].start > rs[b].end || !reusePermitted(rs, b) || rs[size_t(rs[b].reuse)].start > t) continue;
      enter(b), enter(size_t(rs[b].reuse));
      size_t x = find(size_t(rs[b].reuse)), y = find(b);
      if (x != y) root[y] = x, groupMax[x] = std::max(groupMax[x], groupMax[y]), groupSum[x] += groupSum[y];
    }
    size_t saved = 0;
    for (size_t x : touched)
      if (find(x) == x) saved += groupSum[x] - groupMax[x];
    for (size_t x : touched) grouped[x] = 0;
    peak = std::max(peak, liveBytes - saved);
  }
  return peak;
}

// Places buffers one by one in `order`. Each goes, in preference, to the offset of an in-place
// partner already placed (sharing memory is free), else to the gap among the placed buffers live
// at the same time that fits it best (or first, lowest), else on top of them.
size_t place(const Problem& p, std::span<const uint32_t> order, Fit fit, bool inPlace,
             std::vector<size_t>& offsets, size_t* work) {
  constexpr size_t kUnplaced = SIZE_MAX;
  offsets.assign(p.size.size(), kUnplaced);
  size_t arena = 0;
  std::vector<std::pair<size_t, size_t>> busy;  // [begin, end) of placed conflicting buffers
  for (uint32_t i : order) {
    size_t sz = p.size[i];
    busy.clear();
    for (uint32_t j : p.conflicts[i])
      if (offsets[j] != kUnplaced && p.size[j]) busy.push_back({offsets[j], offsets[j] + p.size[j]});
    if (work) *work += p.conflicts[i].size() + 1;
    size_t chosen = kUnplaced;
    if (inPlace && sz) {
      auto isPartner = [&](uint32_t j) {
        return p.partner[i] == int32_t(j) || std::find(p.reusedBy[i].begin(), p.reusedBy[i].end(), j) != p.reusedBy[i].end();
      };
      auto fitsAt = [&](size_t off) {
        for (uint32_t j : p.conflicts[i]) {
          if (offsets[j] == kUnplaced || !p.size[j]) continue;
          bool disjoint = off + sz <= offsets[j] || offsets[j] + p.size[j] <= off;
          if (!disjoint && !(offsets[j] == off && isPartner(j))) return false;
        }
        return true;
      };
      if (p.partner[i] >= 0 && offsets[size_t(p.partner[i])] != kUnplaced && fitsAt(offsets[size_t(p.partner[i])]))
        chosen = offsets[size_t(p.partner[i])];
      for (uint32_t k : p.reusedBy[i])
        if (chosen == kUnplaced && offsets[k] != kUnplaced && fitsAt(offsets[k])) chosen = offsets[k];
    }
    if (chosen == kUnplaced) {
      std::sort(busy.begin(), busy.end());
      size_t cursor = 0, bestGap = SIZE_MAX;
      for (auto [b, e] : busy) {
        if (b > cursor && b - cursor >= sz && b - cursor < bestGap) {
          chosen = cursor, bestGap = b - cursor;
          if (fit == Fit::First) break;
        }
        cursor = std::max(cursor, e);
      }
      if (chosen == kUnplaced) chosen = cursor;
    }
    offsets[i] = chosen;
    arena = std::max(arena, chosen + sz);
  }
  return arena;
}

namespace {

using Order = std::vector<uint32_t>;

Order iota(size_t n) {
  Order o(n);
  std::iota(o.begin(), o.end(), 0u);
  return o;
}

// TFLite's and XLA's greedy by size: big buffers first, longer lives first among equals.
Order bySize(std::span<const BufferRequest> rs, const Problem& p) {
  Order o = iota(rs.size());
  std::stable_sort(o.begin(), o.end(), [&](uint32_t a, uint32_t b) {
    if (p.size[a] != p.size[b]) return p.size[a] > p.size[b];
    if (rs[a].end - rs[a].start != rs[b].end - rs[b].start) return rs[a].end - rs[a].start > rs[b].end - rs[b].start;
    return rs[a].start < rs[b].start;
  });
  return o;
}

// TFLite's greedy by breadth: visit steps from the most to the least crowded, placing the
// buffers live there by size, so the peak step is packed first and tightly.
Order byBreadth(std::span<const BufferRequest> rs, const Problem& p) {
  Order sized = bySize(rs, p), o;
  std::vector<int32_t> steps;
  for (auto& r : rs) steps.push_back(r.start);
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  std::vector<std::pair<size_t, int32_t>> breadth;
  for (int32_t t : steps) {
    size_t live = 0;
    for (size_t i = 0; i < rs.size(); ++i)
      if (rs[i].start <= t && t <= rs[i].end) live += p.size[i];
    breadth.push_back({live, t});
  }
  std::stable_sort(breadth.begin(), breadth.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::vector<bool> taken(rs.size());
  for (auto [live, t] : breadth)
    for (uint32_t i : sized)
      if (!taken[i] && rs[i].start <= t && t <= rs[i].end) taken[i] = true, o.push_back(i);
  return o;
}

// Most constrained first: buffers whose time-neighbours weigh the most are hardest to fit late.
Order byConflict(std::span<const BufferRequest> rs, const Problem& p) {
  std::vector<size_t> weight(rs.size());
  for (size_t i = 0; i < rs.size(); ++i) {
    weight[i] = p.size[i];
    for (uint32_t j : p.conflicts[i]) weight[i] += p.size[j];
  }
  Order o = iota(rs.size());
  std::stable_sort(o.begin(), o.end(), [&](uint32_t a, uint32_t b) {
    return weight[a] != weight[b] ? weight[a] > weight[b] : p.size[a] > p.size[b];
  });
  return o;
}

// Linear-scan style: in schedule order, each buffer takes the lowest gap that fits.
Order byStart(std::span<const BufferRequest> rs, const Problem& p) {
  Order o = iota(rs.size());
  std::stable_sort(o.begin(), o.end(), [&](uint32_t a, uint32_t b) {
    return rs[a].start != rs[b].start ? rs[a].start < rs[b].start : p.size[a] > p.size[b];
  });
  return o;
}

struct Strategy {
  std::string_view name;
  Order (*order)(std::span<const BufferRequest>, const Problem&);
  Fit fit;
};

constexpr std::array<Strategy, 4> kStrategies = {{
    {"greedy-by-size", bySize, Fit::Best},
    {"greedy-by-breadth", byBreadth, Fit::Best},
    {"greedy-by-conflict", byConflict, Fit::Best},
    {"first-fit-by-start", byStart, Fit::First},
}};
constexpr std::array<std::string_view, 7> kNames = {"greedy-by-size",   "greedy-by-breadth", "greedy-by-conflict",
                                                    "first-fit-by-start", "perturbed-search",  "exact-search", "sweep"};

MemoryPlan emptyPlan(const Problem& p) {
  MemoryPlan plan;
  plan.lowerBound = p.lowerBound;
  plan.noReuseBytes = std::accumulate(p.size.begin(), p.size.end(), size_t(0));
  plan.arenaBytes = SIZE_MAX;
  return plan;
}

// Keeps the new placement when its arena is smaller; on a tie the earlier one stays, so in-place
// (tried first) wins ties and is dropped only when it makes the arena bigger.
void keepBest(MemoryPlan& best, Candidate& bestOrder, const Problem& p, const Order& order, Fit fit, bool inPlace,
              std::string_view name, std::vector<size_t>& scratch) {
  size_t arena = place(p, order, fit, inPlace, scratch);
  if (arena >= best.arenaBytes) return;
  best.arenaBytes = arena;
  best.offsets = scratch;
  best.strategy = std::string(name) + (inPlace ? "" : " (no in-place)");
  bestOrder = {order, fit, inPlace};
}

size_t countInPlace(const Problem& p, const MemoryPlan& plan) {
  size_t n = 0;
  for (size_t i = 0; i < p.partner.size(); ++i)
    if (p.partner[i] >= 0 && p.size[i] && plan.offsets[i] == plan.offsets[size_t(p.partner[i])]) ++n;
  return n;
}

}  // namespace

std::span<const std::string_view> strategyNames() { return kNames; }

}  // namespace memplan

using namespace memplan;

std::span<const std::string_view> memoryPlanStrategies() { return strategyNames(); }

size_t memoryLowerBound(std::span<const BufferRequest> requests, size_t alignment) {
  std::vector<size_t> size;
  for (auto& r : requests) size.push_back(alignUp(r.bytes, std::max<size_t>(alignment, 1)));
  return computeLowerBound(requests, size);
}

// Runs the strategies (only the one named `only`, when given), each with and without in-place
// reuse, then the bounded searches from the best order; stops as soon as the bound is met.
static MemoryPlan plan(std::span<const BufferRequest> rs, size_t alignment, std::string_view only) {
  if (only == "sweep" || (only.empty() && conflictPairsAtLeast(rs, kMaxConflictPairs) >= kMaxConflictPairs))
    return sweepPlan(rs, std::max<size_t>(alignment, 1));
  Problem p(rs, std::max<size_t>(alignment, 1));
  MemoryPlan best = emptyPlan(p);
  Candidate bestOrder;
  std::vector<size_t> scratch;
  for (const Strategy& s : kStrategies) {
    bool searchSeed = only == "perturbed-search" || only == "exact-search";
    if (!only.empty() && only != s.name && !searchSeed) continue;
    Order o = s.order(rs, p);
    for (bool inPlace : {true, false}) {
      keepBest(best, bestOrder, p, o, s.fit, inPlace, s.name, scratch);
      if (best.arenaBytes == p.lowerBound) break;
    }
    if (best.arenaBytes == p.lowerBound) break;
    if (searchSeed) break;  // the searches start from greedy-by-size alone
  }
  if ((only.empty() || only == "perturbed-search") && best.arenaBytes > p.lowerBound) {
    if (perturbSearch(p, bestOrder, best.arenaBytes, best.offsets)) best.strategy = "perturbed-search";
  }
  if ((only.empty() || only == "exact-search") && best.arenaBytes > p.lowerBound) {
    if (exactSearch(p, best.arenaBytes, best.offsets)) best.strategy = "exact-search (no in-place)";
  }
  best.inPlace = countInPlace(p, best);
  return best;
}

MemoryPlan planMemory(std::span<const BufferRequest> requests, size_t alignment) {
  return plan(requests, alignment, {});
}

Result<MemoryPlan> planMemoryWith(std::string_view strategy, std::span<const BufferRequest> requests,
                                  size_t alignment) {
  if (std::find(kNames.begin(), kNames.end(), strategy) == kNames.end())
    return Error("unknown memory planning strategy '" + std::string(strategy) + "'");
  return plan(requests, alignment, strategy);
}

}  // namespace graphc
