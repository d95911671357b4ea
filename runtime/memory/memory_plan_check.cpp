// Memory planning: the validator every plan must pass before a backend trusts its offsets.
#include <algorithm>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "runtime/memory/memory_plan_impl.h"

namespace graphc {

Status validatePlan(std::span<const BufferRequest> rs, const MemoryPlan& plan, size_t alignment) {
  using memplan::alignUp;
  if (alignment == 0) alignment = 1;
  if (plan.offsets.size() != rs.size())
    return Error(fmt::format("plan has {} offsets for {} buffers", plan.offsets.size(), rs.size()));
  auto label = [&](size_t i) { return rs[i].name.empty() ? fmt::format("#{}", i) : fmt::format("'{}'", rs[i].name); };
  for (size_t i = 0; i < rs.size(); ++i) {
    size_t off = plan.offsets[i], end = off + alignUp(rs[i].bytes, alignment);
    if (rs[i].start > rs[i].end)
      return Error(fmt::format("buffer {} has an empty live range [{}, {}]", label(i), rs[i].start, rs[i].end));
    if (off % alignment)
      return Error(fmt::format("buffer {} at offset {} is not {}-byte aligned", label(i), off, alignment));
    if (end < off || end > plan.arenaBytes)
      return Error(fmt::format("buffer {} [{}, {}) lies outside the {}-byte arena", label(i), off, end, plan.arenaBytes));
  }
  // A sweep over time keeping the occupied intervals by offset, O(n log n): the placed ones
  // never overlap, so a new buffer need only be checked against its two neighbours. An
  // in-place pair (one takes exactly the place of the other, which dies as it is born) swaps
  // the occupant for the one that lives on.
  std::vector<size_t> byStart(rs.size()), byEnd(rs.size());
  std::iota(byStart.begin(), byStart.end(), size_t(0));
  std::iota(byEnd.begin(), byEnd.end(), size_t(0));
  std::stable_sort(byStart.begin(), byStart.end(), [&](size_t a, size_t b) { return rs[a].start < rs[b].start; });
  std::stable_sort(byEnd.begin(), byEnd.end(), [&](size_t a, size_t b) { return rs[a].end < rs[b].end; });
  std::map<size_t, size_t> occupant;  // offset -> buffer
  auto endOf = [&](size_t i) { return plan.offsets[i] + alignUp(rs[i].bytes, alignment); };
  auto overlap = [&](size_t i, size_t j) {
    return Error(fmt::format("buffers {} [{}, {}) and {} [{}, {}) overlap at step {}", label(i), plan.offsets[i], endOf(i),
                             label(j), plan.offsets[j], endOf(j), std::max(rs[i].start, rs[j].start)));
  };
  size_t e = 0;
  for (size_t i : byStart) {
    for (; e < byEnd.size() && rs[byEnd[e]].end < rs[i].start; ++e)
      if (auto it = occupant.find(plan.offsets[byEnd[e]]); it != occupant.end() && it->second == byEnd[e]) occupant.erase(it);
    size_t begin = plan.offsets[i], end = endOf(i);
    if (begin == end) continue;  // an empty buffer occupies nothing
    auto next = occupant.lower_bound(begin);
    size_t keep = i;
    if (next != occupant.end() && next->first == begin) {
      size_t j = next->second;
      bool inPlace = (rs[i].reuse == int32_t(j) && memplan::reusePermitted(rs, i)) ||
                     (rs[j].reuse == int32_t(i) && memplan::reusePermitted(rs, j));
      if (!inPlace) return overlap(i, j);
      if (rs[j].end > rs[i].end) keep = j;
      next = occupant.erase(next);  // i is checked against the neighbours in its place
    }
    if (next != occupant.end() && next->first < end) return overlap(i, next->second);
    if (next != occupant.begin() && endOf(std::prev(next)->second) > begin) return overlap(i, std::prev(next)->second);
    occupant.emplace(begin, keep);
  }
  return ok();
}

}  // namespace graphc
