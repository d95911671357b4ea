// Test helpers.
#include "tests/support.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <stdexcept>

#include "frontend/npy/npy.h"

namespace graphc::test {

std::string dataPath(const std::string& relative) { return std::string(GRAPHC_TEST_DATA) + "/" + relative; }

Tensor referenceCase(const std::string& model, int batch, const std::string& kind) {
  auto t = readNpy(dataPath("onnx/" + model + "_b" + std::to_string(batch) + "_" + kind + ".npy"));
  if (!t) throw std::runtime_error(t.error().message());
  return *t;
}

std::vector<OnnxOpCase> onnxOpCases() {
  namespace fs = std::filesystem;
  fs::path dir = dataPath("onnx/ops");
  auto readAll = [&](const std::string& stem, const char* kind) {
    std::vector<Tensor> out;
    for (int k = 0; fs::exists(dir / (stem + kind + std::to_string(k) + ".npy")); ++k) {
      auto t = readNpy((dir / (stem + kind + std::to_string(k) + ".npy")).string());
      if (!t) throw std::runtime_error(t.error().message());
      out.push_back(*t);
    }
    return out;
  };
  std::vector<OnnxOpCase> cases;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".onnx") continue;
    std::string stem = entry.path().stem().string();
    cases.push_back({stem, entry.path().string(), readAll(stem, ".in"), readAll(stem, ".out")});
  }
  std::ranges::sort(cases, {}, &OnnxOpCase::name);
  return cases;
}

Tensor randomTensor(const TensorType& type, uint64_t seed, double lo, double hi) {
  Tensor t(type);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) {
    double v = dist(rng);
    t.set(i, type.dtype == DType::boolean ? (v > (lo + hi) / 2) : isFloat(type.dtype) ? v : std::floor(v));
  }
  return t;
}

bool cpuHas(std::string_view feature) {
  // __builtin_cpu_supports takes only a literal, hence the table.
  if (feature == "avx2") return __builtin_cpu_supports("avx2");
  if (feature == "fma") return __builtin_cpu_supports("fma");
  if (feature == "avx512f") return __builtin_cpu_supports("avx512f");
  if (feature == "avx512bw") return __builtin_cpu_supports("avx512bw");
  if (feature == "avx512vl") return __builtin_cpu_supports("avx512vl");
  if (feature == "avx512bf16") return __builtin_cpu_supports("avx512bf16");
  if (feature == "amx-tile") return __builtin_cpu_supports("amx-tile");
  throw std::invalid_argument("cpuHas: unknown feature '" + std::string(feature) + "'");
}

static double maxDiff(const Tensor& a, const Tensor& b, bool relative) {
  if (a.type() != b.type()) return std::numeric_limits<double>::infinity();
  double worst = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    double x = a.at(i), y = b.at(i);
    if (std::isnan(x) && std::isnan(y)) continue;
    if (x == y) continue;  // equal infinities
    double d = std::fabs(x - y) / (relative ? std::max(1.0, std::fabs(y)) : 1.0);
    if (std::isnan(d)) return std::numeric_limits<double>::infinity();
    worst = std::max(worst, d);
  }
  return worst;
}

double maxRelDiff(const Tensor& a, const Tensor& b) { return maxDiff(a, b, true); }
double maxAbsDiff(const Tensor& a, const Tensor& b) { return maxDiff(a, b, false); }

}  // namespace graphc::test
