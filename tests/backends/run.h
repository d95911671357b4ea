// Running a graph on a backend through the registry (runtime/executable.h) only: the suites
// over allBackends() never reach into a backend's internals.
#pragma once

#include <span>
#include <vector>

#include "runtime/executable.h"

namespace graphc::test {

// Prepares g on backend with `threads` (0: the runtime's default) and runs it once.
Result<std::vector<Tensor>> runOn(const BackendInfo& backend, const Graph& g, std::span<const Tensor> inputs, int threads = 0);

// Random inputs for g's inputs in [lo, hi), seeds seed, seed + 1, ...
std::vector<Tensor> randomInputs(const Graph& g, uint64_t seed, double lo, double hi);

}  // namespace graphc::test
