// One run of a model: compile it for the shapes of the given inputs, run it once, and write its
// outputs (graphc run; the C API's one-shot call).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "driver/pipeline.h"

namespace graphc::driver {

struct RunRequest {
  std::string model;
  std::map<std::string, Tensor> inputs;  // by input name; their shapes bind the symbolic dimensions
  CompileOptions backend;
  PassOptions passes;
  ConstMap consts;  // inputs bound to values at import (--const)
};

struct RunOutputs {
  std::vector<std::string> names;  // the graph's output names, in order
  std::vector<Tensor> values;
};

// Reads each NAME=FILE.npy binding ("--input" in messages); a name given twice is an error.
// A file over maxMemory (0: the default limit, driver/limits.h) is refused before it is read.
Result<std::map<std::string, Tensor>> readInputFiles(const std::vector<std::string>& bindings, size_t maxMemory = 0);
Result<RunOutputs> runOnce(const RunRequest& request);
// Writes each output to DIR/<sanitized name>.npy, creating DIR.
Status writeOutputs(const RunOutputs& outputs, const std::string& dir);

}  // namespace graphc::driver
