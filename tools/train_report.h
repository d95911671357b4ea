// graphc train's report on the terminal: the per-epoch line and the progress bar.
#pragma once

#include <cstdint>
#include <string>

#include "driver/train_log.h"

namespace graphc::tool {

// "epoch 3/10  loss 0.4123  accuracy 91.02%  0.012 s"
std::string epochLine(const driver::EpochStats& s, int epochs);

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

}  // namespace graphc::tool
