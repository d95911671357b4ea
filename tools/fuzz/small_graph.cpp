// Shared by the fuzz targets that run graphs: splitting, caps, input filling and comparison.
#include "tools/fuzz/small_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "frontend/text/parser.h"

namespace graphc::fuzz {

GraphCase splitCase(const uint8_t* data, size_t size) {
  const uint8_t* nul = static_cast<const uint8_t*>(std::memchr(data, 0, size));
  size_t textSize = nul ? size_t(nul - data) : size;
  GraphCase c{{reinterpret_cast<const char*>(data), textSize}, {}};
  if (nul) c.fill = {nul + 1, size - textSize - 1};
  return c;
}

bool withinCaps(const Graph& g, const SizeCaps& caps) {
  size_t live = 0;
  for (const Node& n : g.nodes) live += !n.dead;
  if (live > caps.maxNodes) return false;
  return std::all_of(g.values.begin(), g.values.end(),
                     [&](const Value& v) { return v.type.numel() <= caps.maxElements; });
}

std::optional<Graph> parseSmallGraph(std::string_view text, const SizeCaps& caps) {
  // A cheap bound before parsing: a file with many lines has many nodes.
  if (std::count(text.begin(), text.end(), '\n') > int64_t(4 * caps.maxNodes + 64)) return std::nullopt;
  Result<Graph> g = parseGraph(text, "fuzz.graph");
  if (!g || !g->updates.empty() || !withinCaps(*g, caps)) return std::nullopt;
  return std::move(*g);
}

// FNV-1a: fill bytes for an input that has none, derived from its text.
static std::vector<uint8_t> hashBytes(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (char c : text) h = (h ^ uint8_t(c)) * 1099511628211ull;
  std::vector<uint8_t> bytes(8);
  for (int i = 0; i < 8; ++i) bytes[i] = uint8_t(h >> (8 * i));
  return bytes;
}

std::vector<Tensor> makeInputs(const Graph& g, std::span<const uint8_t> fill, bool withSpecials) {
  static constexpr double kFloats[] = {0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 0.25, 3.0, -3.0, 1.5, -0.75, 0.125, 4.0};
  static constexpr double kSpecials[] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                                         -std::numeric_limits<double>::infinity(), 1e30};
  std::vector<uint8_t> fallback;
  if (fill.empty()) {
    fallback = hashBytes(g.name + std::to_string(g.values.size()));
    fill = fallback;
  }
  size_t next = 0;
  auto byte = [&] { return fill[next++ % fill.size()]; };
  std::vector<Tensor> inputs;
  for (ValueId in : g.inputs) {
    Tensor t(g.type(in));
    for (int64_t i = 0; i < t.numel(); ++i) {
      uint8_t b = byte();
      if (isFloat(t.dtype())) {
        bool special = withSpecials && b >= 240;
        t.set(i, special ? kSpecials[b % std::size(kSpecials)] : kFloats[b % std::size(kFloats)]);
      } else if (t.dtype() == DType::boolean) {
        t.setInt(i, b & 1);
      } else {
        t.setInt(i, int64_t(b % 8) - 2);
      }
    }
    inputs.push_back(std::move(t));
  }
  return inputs;
}

std::optional<std::string> differs(const Tensor& got, const Tensor& want, double tolerance, bool finiteMayReplaceInf) {
  if (got.type() != want.type())
    return fmt::format("type {} instead of {}", got.type().str(), want.type().str());
  bool exact = !isFloat(want.dtype());
  double scale = 0;  // the magnitude of the finite values: reductions round relative to it
  for (int64_t i = 0; i < want.numel(); ++i)
    if (std::isfinite(want.at(i))) scale = std::max(scale, std::fabs(want.at(i)));
  for (int64_t i = 0; i < want.numel(); ++i) {
    double w = want.at(i), v = got.at(i);
    bool ok = exact ? got.intAt(i).ok() && want.intAt(i).ok() && *got.intAt(i) == *want.intAt(i)
              : std::isnan(w) ? true
              : std::isinf(w) ? v == w || (finiteMayReplaceInf && std::isfinite(v))
              : std::isfinite(v) && std::fabs(v - w) <= tolerance * (1 + std::fabs(w) + 0.01 * scale);
    if (!ok) return fmt::format("element {} is {} instead of {}", i, v, w);
  }
  return std::nullopt;
}

}  // namespace graphc::fuzz
