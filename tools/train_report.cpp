// graphc train's report on the terminal.
#include "tools/train_report.h"

#include <cstdio>
#include <fmt/format.h>
#include <unistd.h>

namespace graphc::tool {

std::string epochLine(const driver::EpochStats& s, int epochs) {
  std::string accuracy = s.accuracy ? fmt::format("  accuracy {:.2f}%", 100.0 * *s.accuracy) : "";
  return fmt::format("epoch {}/{}  loss {:.4f}{}  {:.3f} s", s.epoch, epochs, s.loss, accuracy, s.seconds);
}

ProgressBar::ProgressBar() : active_(isatty(STDOUT_FILENO) == 1) {}

void ProgressBar::update(int epoch, int epochs, int64_t step, int64_t steps) {
  constexpr int kWidth = 30;
  if (!active_ || steps <= 0) return;
  int filled = (int)(step * kWidth / steps);
  if (filled == lastFilled_ && step != steps) return;  // redraw only when the bar moves
  lastFilled_ = filled;
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  std::fputs(fmt::format("\repoch {}/{} [{}] {}/{}", epoch, epochs, bar, step, steps).c_str(), stdout);
  std::fflush(stdout);
  drawn_ = true;
}

void ProgressBar::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stdout);
  drawn_ = false;
  lastFilled_ = -1;
}

}  // namespace graphc::tool
