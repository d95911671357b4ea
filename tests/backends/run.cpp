// Running a graph on a backend through the registry.
#include "tests/backends/run.h"

#include "tests/support.h"

namespace graphc::test {

Result<std::vector<Tensor>> runOn(const BackendInfo& backend, const Graph& g, std::span<const Tensor> inputs, int threads) {
  auto exe = backend.prepare(g, CompileOptions{std::string(backend.name), threads});
  if (!exe) return exe.error();
  auto ctx = std::move((*exe)->createContext().value());
  std::vector<Tensor> out = (*exe)->makeOutputs();
  if (Status st = (*exe)->run(*ctx, inputs, out); !st) return st.error();
  return out;
}

std::vector<Tensor> randomInputs(const Graph& g, uint64_t seed, double lo, double hi) {
  std::vector<Tensor> inputs;
  for (ValueId v : g.inputs) inputs.push_back(randomTensor(g.type(v), seed++, lo, hi));
  return inputs;
}

}  // namespace graphc::test
