// Memory planning: the text report and the SVG timeline (offset against schedule step).
#include <algorithm>

#include <fmt/format.h>

#include "runtime/memory/memory_plan.h"

namespace graphc {
namespace {

std::string human(size_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = double(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.2f} {} ({} bytes)", v, kUnits[u], bytes);
}

std::string xmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += (unsigned char)c < 0x20 ? ' ' : c;  // control characters are not XML
    }
  }
  return out;
}

std::string reuseNote(std::span<const BufferRequest> rs, size_t i) {
  int32_t a = rs[i].reuse;
  if (a < 0 || size_t(a) >= rs.size()) return {};
  return ", may reuse " + xmlEscape(rs[size_t(a)].name.empty() ? fmt::format("#{}", a) : rs[size_t(a)].name);
}

}  // namespace

std::string memoryReport(const MemoryPlan& plan) {
  std::string s;
  s += fmt::format("arena: {}\n", human(plan.arenaBytes));
  s += fmt::format("lower bound: {}\n", human(plan.lowerBound));
  s += fmt::format("efficiency: {:.1f}%\n", plan.efficiency() * 100);
  double saved = plan.noReuseBytes ? 100.0 * (1.0 - double(plan.arenaBytes) / double(plan.noReuseBytes)) : 0.0;
  s += fmt::format("no reuse: {} (the arena saves {:.1f}%)\n", human(plan.noReuseBytes), saved);
  s += fmt::format("buffers: {}, in place: {}\n", plan.offsets.size(), plan.inPlace);
  s += fmt::format("strategy: {}\n", plan.strategy.empty() ? "none" : plan.strategy);
  return s;
}

// One rect per buffer spanning its steps horizontally and its bytes vertically, offset 0 at the
// bottom; a dashed line marks the lower bound so the waste above it shows at a glance.
std::string memoryPlanSvg(std::span<const BufferRequest> requests, const MemoryPlan& plan) {
  constexpr double kLeft = 90, kRight = 20, kTop = 40, kBottom = 50, kW = 900, kH = 420;
  int32_t t0 = 0, t1 = 1;
  if (!requests.empty()) {
    t0 = requests[0].start, t1 = requests[0].end;
    for (auto& r : requests) t0 = std::min(t0, r.start), t1 = std::max(t1, r.end);
  }
  double steps = double(t1 - t0 + 1), top = double(std::max<size_t>(plan.arenaBytes, 1));
  double plotW = kW - kLeft - kRight, plotH = kH - kTop - kBottom;
  auto x = [&](double step) { return kLeft + (step - t0) / steps * plotW; };
  auto y = [&](double offset) { return kTop + plotH - offset / top * plotH; };

  std::string s = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n"
      "<title>memory plan: {2} bytes, efficiency {3:.1f}%</title>\n"
      "<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n"
      "<text x=\"{4}\" y=\"20\" font-size=\"14\">arena {2} bytes, lower bound {5} bytes, efficiency {3:.1f}% ({6})</text>\n",
      kW, kH, plan.arenaBytes, plan.efficiency() * 100, kLeft, plan.lowerBound, xmlEscape(plan.strategy));
  for (size_t i = 0; i < requests.size() && i < plan.offsets.size(); ++i) {
    const BufferRequest& r = requests[i];
    if (r.bytes == 0) continue;
    double x0 = x(r.start), x1 = x(r.end + 1), yTop = y(double(plan.offsets[i] + r.bytes)), yBot = y(double(plan.offsets[i]));
    unsigned hue = unsigned(i * 137) % 360;  // golden-angle steps keep neighbours distinct
    s += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"hsl({},60%,65%)\" "
        "stroke=\"#333\" stroke-width=\"0.5\"><title>{}: {} bytes, steps [{}, {}], offset {}{}</title></rect>\n",
        x0, yTop, std::max(x1 - x0, 0.5), std::max(yBot - yTop, 0.5), hue, xmlEscape(r.name.empty() ? fmt::format("#{}", i) : r.name),
        r.bytes, r.start, r.end, plan.offsets[i], reuseNote(requests, i));
  }
  // Axes, ticks and labels.
  s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"black\"/>\n", kLeft, kTop + plotH, kLeft + plotW);
  s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"black\"/>\n", kLeft, kTop, kTop + plotH);
  int32_t stride = std::max<int32_t>(1, int32_t(steps / 10));
  for (int32_t t = t0; t <= t1; t += stride)
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", x(t + 0.5), kTop + plotH + 15, t);
  for (int k = 0; k <= 4; ++k) {
    double off = top * k / 4;
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{:.0f}</text>\n", kLeft - 5, y(off) + 4, off);
  }
  if (plan.lowerBound && plan.lowerBound <= plan.arenaBytes)
    s += fmt::format("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"red\" stroke-dasharray=\"4 3\">"
                     "<title>lower bound: {3} bytes</title></line>\n",
                     kLeft, y(double(plan.lowerBound)), kLeft + plotW, plan.lowerBound);
  s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">schedule step</text>\n", kLeft + plotW / 2, kH - 12);
  s += fmt::format("<text x=\"15\" y=\"{0:.1f}\" text-anchor=\"middle\" transform=\"rotate(-90 15 {0:.1f})\">offset (bytes)</text>\n",
                   kTop + plotH / 2);
  s += "</svg>\n";
  return s;
}

}  // namespace graphc
