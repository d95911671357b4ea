// The planner for problems too wide for the conflict lists, whose pairs grow with the square of
// the buffers live at once (10,000 parallel branches make 50 million pairs): allocation
// simulated in schedule order over a first-fit free list, O(n log n) in the number of buffers
// and the free blocks. In-place reuse is honoured where the partner's block is big enough.
#include <algorithm>
#include <map>
#include <numeric>

#include "runtime/memory/memory_plan_impl.h"

namespace graphc::memplan {
namespace {

// The arena's free blocks by offset, coalesced; what lies above `top` is free too.
class FreeList {
 public:
  size_t allocate(size_t bytes) {
    for (auto it = free_.begin(); it != free_.end(); ++it) {
      if (it->second < bytes) continue;
      size_t offset = it->first, left = it->second - bytes;
      free_.erase(it);
      if (left) free_.emplace(offset + bytes, left);
      return offset;
    }
    // The block below the top, if free, is extended rather than left behind.
    size_t offset = top_;
    if (!free_.empty() && std::prev(free_.end())->first + std::prev(free_.end())->second == top_) {
      offset = std::prev(free_.end())->first;
      free_.erase(std::prev(free_.end()));
    }
    top_ = offset + bytes;
    peak_ = std::max(peak_, top_);
    return offset;
  }

  void release(size_t offset, size_t bytes) {
    auto next = free_.lower_bound(offset);
    if (next != free_.end() && offset + bytes == next->first) bytes += next->second, next = free_.erase(next);
    if (next != free_.begin()) {
      auto prev = std::prev(next);
      if (prev->first + prev->second == offset) {
        prev->second += bytes;
        return;
      }
    }
    free_.emplace(offset, bytes);
  }

  size_t peak() const { return peak_; }

 private:
  std::map<size_t, size_t> free_;
  size_t top_ = 0, peak_ = 0;
};

}  // namespace

size_t conflictPairsAtLeast(std::span<const BufferRequest> rs, size_t limit) {
  std::vector<int32_t> starts, ends;
  for (const BufferRequest& r : rs) starts.push_back(r.start), ends.push_back(r.end);
  std::sort(starts.begin(), starts.end());
  std::sort(ends.begin(), ends.end());
  // Buffer i meets every buffer born no later that has not died before it is born.
  size_t pairs = 0;
  for (const BufferRequest& r : rs) {
    size_t bornBefore = size_t(std::upper_bound(starts.begin(), starts.end(), r.start) - starts.begin());
    size_t diedBefore = size_t(std::lower_bound(ends.begin(), ends.end(), r.start) - ends.begin());
    pairs += bornBefore > diedBefore ? bornBefore - diedBefore - 1 : 0;
    if (pairs >= limit) return pairs;
  }
  return pairs;
}

MemoryPlan sweepPlan(std::span<const BufferRequest> rs, size_t alignment) {
  size_t n = rs.size();
  MemoryPlan plan;
  plan.strategy = "sweep (wide graph)";
  plan.offsets.assign(n, 0);
  std::vector<size_t> size(n);
  for (size_t i = 0; i < n; ++i) size[i] = alignUp(rs[i].bytes, alignment);
  plan.noReuseBytes = std::accumulate(size.begin(), size.end(), size_t(0));
  plan.lowerBound = computeLowerBound(rs, size);
  std::vector<uint32_t> byStart(n), byEnd(n);
  std::iota(byStart.begin(), byStart.end(), 0u);
  std::iota(byEnd.begin(), byEnd.end(), 0u);
  std::stable_sort(byStart.begin(), byStart.end(), [&](uint32_t a, uint32_t b) { return rs[a].start < rs[b].start; });
  std::stable_sort(byEnd.begin(), byEnd.end(), [&](uint32_t a, uint32_t b) { return rs[a].end < rs[b].end; });
  // The block each buffer holds; a buffer that takes its partner's place takes its block, and
  // the partner then releases nothing.
  std::vector<size_t> block(n, 0);
  std::vector<char> holds(n, 0);
  FreeList arena;
  size_t e = 0;
  for (uint32_t i : byStart) {
    for (; e < n && rs[byEnd[e]].end < rs[i].start; ++e)
      if (holds[byEnd[e]]) arena.release(plan.offsets[byEnd[e]], block[byEnd[e]]), holds[byEnd[e]] = 0;
    if (!size[i] || rs[i].start > rs[i].end) continue;
    if (reusePermitted(rs, i)) {
      size_t p = size_t(rs[i].reuse);
      if (holds[p] && block[p] >= size[i] && rs[p].start <= rs[i].start) {
        plan.offsets[i] = plan.offsets[p], block[i] = block[p], holds[i] = 1, holds[p] = 0;
        ++plan.inPlace;
        continue;
      }
    }
    plan.offsets[i] = arena.allocate(size[i]), block[i] = size[i], holds[i] = 1;
  }
  plan.arenaBytes = arena.peak();
  return plan;
}

}  // namespace graphc::memplan
