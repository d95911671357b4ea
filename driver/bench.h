// Timing repeated runs of a compiled model (graphc bench), with the output checked once against
// the reference interpreter and, for the cold variant, the caches evicted between runs.
#pragma once

#include <string>
#include <vector>

#include "driver/model.h"
#include "driver/train_step.h"

namespace graphc::driver {

struct BenchOptions {
  std::string model;
  ShapeMap shapes;
  CompileOptions backend;
  PassOptions passes;
  TrainStepOptions train;  // train.train: time one training step instead of inference
  double budget = 1.0;     // seconds of timing
  int warmup = 3;
  bool evictCaches = false;  // touch a buffer larger than L2 before each timed run (untimed)
};

struct BenchResult {
  std::vector<double> ms;  // each timed run
  double median = 0, p10 = 0, p90 = 0;
  double gflops = 0;      // graphFlops of the compiled graph / median
  double compileMs = 0;   // load + optimize + prepare
  double maxAbsErr = 0;   // first run's outputs against the reference interpreter's
  int64_t batch = 1;      // the first input's leading dimension
  int threads = 1;        // what the backend really runs with
};

Result<BenchResult> bench(const BenchOptions& options);

// The L2 cache size in bytes, from sysconf or sysfs; 32 MiB when neither says.
size_t l2CacheBytes();

}  // namespace graphc::driver
