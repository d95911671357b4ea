// What the subcommands share: CLI11 options that fill the driver's option structs, and the exit
// path of an error.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "driver/pipeline.h"
#include "driver/train_step.h"

namespace graphc::tool {

// Prints the error to stderr and returns the process exit code for it.
int fail(const Error& e);

// --time-passes, --print-after-all, --debug-rewrites.
void addPassOptions(CLI::App& cmd, driver::PassOptions& passes);
// --bucket-mb: the gradient bucket size of allreduce_gradients (opt, train --distributed).
void addBucketOption(CLI::App& cmd, driver::PassOptions& passes);
// --backend (checked against the registry; default driver::defaultBackend()) and --threads.
void addBackendOptions(CLI::App& cmd, CompileOptions& backend);

// --train, --loss, --optimizer, --lr: kept as given (CLI11 checks the names) and turned into the
// driver's TrainStepOptions once parsed.
struct TrainStepFlags {
  bool train = false;
  std::string loss = "cross_entropy", optimizer = "adam";
  double lr = 0.01;
  void addTo(CLI::App& cmd);
  driver::TrainStepOptions options() const;
};

}  // namespace graphc::tool
