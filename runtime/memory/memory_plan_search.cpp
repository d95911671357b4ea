// Memory planning: a small randomized local search over placement orders, for the instances
// where every greedy order stops short of the lower bound.
#include <algorithm>

#include "runtime/memory/memory_plan_impl.h"

namespace graphc::memplan {
namespace {

// splitmix64: tiny, and unlike std:: distributions it gives the same sequence everywhere.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n ? size_t(next() % n) : 0; }
};

// Budgets in units of "placed buffer + conflicting buffer visited": enough for hundreds of
// restarts of a small trace or a few dozen of a large graph, and never more than ~10 ms.
constexpr size_t kWorkBudget = 3'000'000;
constexpr size_t kMaxIterations = 300;
// Search-tree nodes for the exact search; each costs O(n^2) conflict checks, n <= 10.
constexpr size_t kExactNodes = 50'000;

}  // namespace

// Iterated greedy: the buffers that define the arena's top are the ones placed badly, so the
// main move pulls one of them earlier in the order; random swaps and a fit-policy flip keep the
// walk from sticking. Equal arenas are accepted so it can cross plateaus.
bool perturbSearch(const Problem& p, const Candidate& start, size_t& arena, std::vector<size_t>& offsets) {
  size_t n = start.order.size();
  if (n < 2 || arena <= p.lowerBound) return false;
  Rng rng{0x6d656d706c616eull ^ n};
  Candidate cur = start;
  std::vector<size_t> curOffsets = offsets, scratch;
  size_t curArena = arena, work = 0;
  bool improved = false;
  for (size_t it = 0; it < kMaxIterations && work < kWorkBudget && arena > p.lowerBound; ++it) {
    Candidate next = cur;
    size_t move = rng.below(8);
    if (move < 5) {
      std::vector<size_t> top;  // positions in the order of buffers touching the top
      for (size_t k = 0; k < n; ++k) {
        uint32_t b = next.order[k];
        if (curOffsets[b] + p.size[b] == curArena && k > 0) top.push_back(k);
      }
      if (top.empty()) continue;
      size_t from = top[rng.below(top.size())];
      size_t to = move == 0 ? 0 : rng.below(from);
      std::rotate(next.order.begin() + to, next.order.begin() + from, next.order.begin() + from + 1);
    } else if (move < 7) {
      std::swap(next.order[rng.below(n)], next.order[rng.below(n)]);
    } else {
      next.fit = next.fit == Fit::Best ? Fit::First : Fit::Best;
    }
    size_t a = place(p, next.order, next.fit, next.inPlace, scratch, &work);
    if (a > curArena) continue;
    cur = std::move(next);
    curArena = a;
    curOffsets = scratch;
    if (a < arena) arena = a, offsets = scratch, improved = true;
  }
  return improved;
}

namespace {

// Depth-first search over placement orders with lowest-offset placement. That is exact without
// in-place reuse: placing the buffers of an optimal plan in the order of their offsets puts
// each at or below its optimal offset, so some order reaches the optimum.
struct Exact {
  const Problem& p;
  std::vector<size_t> offsets, bestOffsets;
  std::vector<bool> placed;
  size_t best, work = 0;

  size_t lowest(uint32_t i) const {
    size_t sz = p.size[i];
    std::vector<size_t> candidates{0};
    for (uint32_t j : p.conflicts[i])
      if (placed[j]) candidates.push_back(offsets[j] + p.size[j]);
    std::sort(candidates.begin(), candidates.end());
    for (size_t off : candidates) {
      bool free = true;
      for (uint32_t j : p.conflicts[i])
        if (placed[j] && p.size[j] && sz && off < offsets[j] + p.size[j] && offsets[j] < off + sz) free = false;
      if (free) return off;
    }
    return SIZE_MAX;  // unreachable: the highest candidate is always free
  }

  void dfs(size_t depth, size_t top) {
    if (++work > kExactNodes || best <= p.lowerBound) return;
    if (depth == p.size.size()) {
      best = top, bestOffsets = offsets;
      return;
    }
    for (uint32_t i = 0; i < p.size.size(); ++i) {
      if (placed[i]) continue;
      size_t off = lowest(i);
      if (std::max(top, off + p.size[i]) >= best) continue;
      placed[i] = true, offsets[i] = off;
      dfs(depth + 1, std::max(top, off + p.size[i]));
      placed[i] = false;
    }
  }
};

}  // namespace

bool exactSearch(const Problem& p, size_t& arena, std::vector<size_t>& offsets) {
  if (p.size.size() > kExactMaxBuffers || arena <= p.lowerBound) return false;
  Exact e{p, std::vector<size_t>(p.size.size()), {}, std::vector<bool>(p.size.size()), arena};
  e.dfs(0, 0);
  if (e.best >= arena) return false;
  arena = e.best, offsets = e.bestOffsets;
  return true;
}

}  // namespace graphc::memplan
