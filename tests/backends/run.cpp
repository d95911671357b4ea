// Running a graph on a backend through the registry.
#include "tests/backends/run.h"

#include "passes/pass.h"
#include "tests/support.h"

namespace graphc::test {

Result<std::vector<Tensor>> runOn(const BackendInfo& backend, const Graph& source, std::span<const Tensor> inputs,
                                  int threads) {
  // The passes the backend asks for first, as the driver runs them (llvm's fusion groups).
  Graph g = source.clone();
  if (!backend.passes.empty())
    GRAPHC_TRY(runPipeline(g, std::vector<std::string>(backend.passes.begin(), backend.passes.end())));
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
