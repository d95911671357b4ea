// The training loop's metrics: one EpochStats per epoch, and the --log-json file of them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/diag.h"

namespace graphc::driver {

struct EpochStats {
  int epoch = 0;
  double loss = 0;                 // mean over the epoch's batches of each batch's loss
  std::optional<double> accuracy;  // fraction in [0, 1], when the labels are classes
  double seconds = 0;
  int64_t interruptedAfter = -1;  // steps done when the epoch was interrupted, else -1
  int64_t nonFiniteLosses = 0;    // steps whose loss was NaN or infinite (--on-nan=warn)
};

// {"epochs": [{"epoch": 1, "loss": L, "accuracy": A or null, "seconds": S}, ...]}, atomically.
Status writeLogJson(const std::string& path, const std::vector<EpochStats>& epochs);

}  // namespace graphc::driver
