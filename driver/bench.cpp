// graphc bench's measurement: compile, warm up, time.
#include "driver/bench.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "ir/flops.h"

namespace graphc::driver {
namespace {

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, (size_t)(p * (double)(v.size() - 1) + 0.5));
  return v[i];
}

// Deterministic inputs: a sawtooth in [-0.5, 0.5) for floats, zeros (valid indices) otherwise;
// a training step's one-hot labels put row i in class i mod C.
std::vector<Tensor> benchInputs(const Graph& g, bool oneHotLabels) {
  std::vector<Tensor> inputs;
  for (ValueId v : g.inputs) {
    Tensor t(g.type(v));
    for (int64_t i = 0; i < t.numel(); ++i) t.set(i, isFloat(t.dtype()) ? double((i * 7919) % 1000) / 1000.0 - 0.5 : 0.0);
    inputs.push_back(std::move(t));
  }
  if (oneHotLabels && !inputs.empty() && inputs.back().shape().size() == 2) {
    Tensor& labels = inputs.back();
    int64_t classes = labels.shape()[1];
    for (int64_t i = 0; i < labels.numel(); ++i) labels.set(i, i % classes == (i / classes) % classes ? 1.0 : 0.0);
  }
  return inputs;
}

}  // namespace

Result<BenchResult> bench(const BenchOptions& o) {
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  GRAPHC_ASSIGN(std::unique_ptr<Executable> exe, compileModel(o.model, o.shapes, o.backend, o.passes,
                                                              o.train.transform(o.model, o.passes)));
  BenchResult r;
  r.compileMs = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
  const Graph& g = exe->graph();
  std::vector<Tensor> inputs = benchInputs(g, o.train.train && o.train.loss != LossKind::Mse);

  GRAPHC_ASSIGN(auto ctx, newContext(*exe));
  std::vector<Tensor> outputs = exe->makeOutputs();
  for (int i = 0; i < o.warmup; ++i) GRAPHC_TRY(exe->run(*ctx, inputs, outputs));
  auto start = clock::now();
  while (r.ms.size() < 5 || (std::chrono::duration<double>(clock::now() - start).count() < o.budget && r.ms.size() < 100000)) {
    auto a = clock::now();
    GRAPHC_TRY(exe->run(*ctx, inputs, outputs));
    r.ms.push_back(std::chrono::duration<double, std::milli>(clock::now() - a).count());
  }
  r.median = percentile(r.ms, 0.5);
  r.p10 = percentile(r.ms, 0.1);
  r.p90 = percentile(r.ms, 0.9);
  r.gflops = graphFlops(g) / (r.median * 1e-3) / 1e9;
  r.batch = g.inputs.empty() || g.type(g.inputs[0]).shape.empty() ? 1 : g.type(g.inputs[0]).shape[0];
  r.threads = exe->threads();
  return r;
}

}  // namespace graphc::driver
