// Timing repeated runs of a compiled model (graphc bench).
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
};

struct BenchResult {
  std::vector<double> ms;  // each timed run
  double median = 0, p10 = 0, p90 = 0;
  double gflops = 0;      // graphFlops of the compiled graph / median
  double compileMs = 0;   // load + optimize + prepare
  int64_t batch = 1;      // the first input's leading dimension
  int threads = 1;        // what the backend really runs with
};

Result<BenchResult> bench(const BenchOptions& options);

}  // namespace graphc::driver
