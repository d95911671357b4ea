// graphc train's report: the per-epoch line, the progress bar on a terminal, the --log-json file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/diag.h"

namespace graphc::tool {

struct EpochStats {
  int epoch = 0;
  double loss = 0;                 // mean over the epoch's batches of each batch's loss
  std::optional<double> accuracy;  // fraction in [0, 1], when the labels are classes
  double seconds = 0;
};

// "epoch 3/10  loss 0.4123  accuracy 91.02%  0.012 s"
std::string epochLine(const EpochStats& s, int epochs);

// Redraws one line with \r while an epoch runs; active only when stdout is a terminal.
class ProgressBar {
 public:
  ProgressBar();
  void update(int epoch, int epochs, int64_t step, int64_t steps);
  void clear();  // before the epoch line replaces the bar

 private:
  bool active_ = false, drawn_ = false;
  int lastFilled_ = -1;
};

// {"epochs": [{"epoch": 1, "loss": L, "accuracy": A or null, "seconds": S}, ...]}, atomically.
Status writeLogJson(const std::string& path, const std::vector<EpochStats>& epochs);

}  // namespace graphc::tool
