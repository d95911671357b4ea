// graphc bench's measurement: compile, check once against the interpreter, warm up, time.
#include "driver/bench.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <optional>
#include <vector>

#include "driver/flops.h"

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

// Runs `exe` once in a fresh context and the same graph once on the reference interpreter (the
// ref backend), both from the initial state: the largest |difference| over all outputs.
Result<double> maxErrorAgainstReference(const Executable& exe, std::span<const Tensor> inputs) {
  std::vector<Tensor> got = exe.makeOutputs();
  GRAPHC_ASSIGN(auto ctx, newContext(exe));
  GRAPHC_TRY(exe.run(*ctx, inputs, got));
  GRAPHC_ASSIGN(std::unique_ptr<Executable> ref, prepare(exe.graph(), CompileOptions{.backend = "ref", .threads = 1}));
  std::vector<Tensor> want = ref->makeOutputs();
  GRAPHC_ASSIGN(auto refCtx, newContext(*ref));
  GRAPHC_TRY(ref->run(*refCtx, inputs, want));
  double err = 0;
  for (size_t o = 0; o < got.size(); ++o)
    for (int64_t i = 0; i < got[o].numel(); ++i) {
      double d = std::fabs(got[o].at(i) - want[o].at(i));
      if (std::isnan(d)) return d;  // a NaN on either side is reported, not hidden by max
      err = std::max(err, d);
    }
  return err;
}

// Reads a buffer of 2 x L2 per thread, on every thread, so that the next run starts with cold
// L1/L2 caches and finds neither its weights nor its activations there.
class CacheEvictor {
 public:
  explicit CacheEvictor(int threads) : threads_(std::max(1, threads)), perThread_(2 * l2CacheBytes() / sizeof(uint64_t)) {
    buffer_.assign(perThread_ * (size_t)threads_, 1);
  }
  void evict() {
    uint64_t sum = 0;
#pragma omp parallel for num_threads(threads_) schedule(static, 1) reduction(+ : sum)
    for (int t = 0; t < threads_; ++t)
      for (size_t i = (size_t)t * perThread_; i < (size_t)(t + 1) * perThread_; i += 8) sum += buffer_[i];  // 8 words: a line
    sink_ = sum;
  }

 private:
  int threads_;
  size_t perThread_;
  std::vector<uint64_t> buffer_;
  volatile uint64_t sink_ = 0;
};

}  // namespace

size_t l2CacheBytes() {
  constexpr size_t kFallback = size_t(32) << 20;
  long fromSysconf = sysconf(_SC_LEVEL2_CACHE_SIZE);
  if (fromSysconf > 0) return (size_t)fromSysconf;
  std::ifstream in("/sys/devices/system/cpu/cpu0/cache/index2/size");  // e.g. "512K"
  size_t size = 0;
  char unit = 0;
  if (in >> size && size > 0) {
    in >> unit;
    return size << (unit == 'K' ? 10 : unit == 'M' ? 20 : 0);
  }
  return kFallback;
}

Result<BenchResult> bench(const BenchOptions& o) {
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  GRAPHC_ASSIGN(std::unique_ptr<Executable> exe, compileModel(o.model, o.shapes, o.backend, o.passes,
                                                              o.train.transform(o.model, o.passes)));
  BenchResult r;
  r.compileMs = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
  const Graph& g = exe->graph();
  std::vector<Tensor> inputs = benchInputs(g, o.train.train && o.train.loss != LossKind::Mse);
  GRAPHC_ASSIGN(r.maxAbsErr, maxErrorAgainstReference(*exe, inputs));

  GRAPHC_ASSIGN(auto ctx, newContext(*exe));
  std::vector<Tensor> outputs = exe->makeOutputs();
  for (int i = 0; i < o.warmup; ++i) GRAPHC_TRY(exe->run(*ctx, inputs, outputs));
  std::optional<CacheEvictor> evictor;
  if (o.evictCaches) evictor.emplace(exe->threads());
  auto start = clock::now();
  while (r.ms.size() < 5 || (std::chrono::duration<double>(clock::now() - start).count() < o.budget && r.ms.size() < 100000)) {
    if (evictor) evictor->evict();
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
