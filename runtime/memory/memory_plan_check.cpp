// Memory planning: the validator every plan must pass before a backend trusts its offsets.
#include <algorithm>
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
  // Sweep by start: a buffer can only collide with those born before its death.
  std::vector<size_t> byStart(rs.size());
  std::iota(byStart.begin(), byStart.end(), size_t(0));
  std::stable_sort(byStart.begin(), byStart.end(), [&](size_t a, size_t b) { return rs[a].start < rs[b].start; });
  for (size_t x = 0; x < byStart.size(); ++x) {
    size_t i = byStart[x];
    size_t iBegin = plan.offsets[i], iEnd = iBegin + alignUp(rs[i].bytes, alignment);
    if (iBegin == iEnd) continue;  // an empty buffer occupies nothing
    for (size_t y = x + 1; y < byStart.size() && rs[byStart[y]].start <= rs[i].end; ++y) {
      size_t j = byStart[y];
      size_t jBegin = plan.offsets[j], jEnd = jBegin + alignUp(rs[j].bytes, alignment);
      if (jBegin == jEnd || iEnd <= jBegin || jEnd <= iBegin) continue;
      // In place: one takes exactly the place of the other, which dies as it is born.
      bool inPlace = iBegin == jBegin && ((rs[j].reuse == int32_t(i) && memplan::reusePermitted(rs, j)) ||
                                          (rs[i].reuse == int32_t(j) && memplan::reusePermitted(rs, i)));
      if (inPlace) continue;
      return Error(fmt::format("buffers {} [{}, {}) and {} [{}, {}) overlap at step {}", label(i), iBegin, iEnd,
                               label(j), jBegin, jEnd, std::max(rs[i].start, rs[j].start)));
    }
  }
  return ok();
}

}  // namespace graphc
