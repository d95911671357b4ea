// seed_make_data: writes a learnable synthetic classification set for the seed example:
// 5 classes in 10 dimensions, each a mix of 3 Gaussian clusters (so that the loss keeps falling
// through the example's 10 epochs): x.npy f32 [N,10], y.npy i64 [N], plus a held-out test split.
// Deterministic for a given --seed.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "frontend/npy/npy.h"

using namespace graphc;

static int usage() {
  std::fprintf(stderr, "usage: seed_make_data OUT_DIR [--samples N] [--test N] [--seed S]\n");
  return 2;
}

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string out = argv[1];
  int64_t samples = 2048, testSamples = 512;
  uint64_t seed = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--samples") samples = std::atoll(argv[i + 1]);
    else if (flag == "--test") testSamples = std::atoll(argv[i + 1]);
    else if (flag == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
    else return usage();
  }
  if (samples <= 0 || testSamples <= 0) return usage();
  constexpr int kClasses = 5, kDims = 10, kModes = 3;
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  // Cluster centres 2.5 standard deviations apart on average: separable, but not trivially.
  float centres[kClasses * kModes][kDims];
  for (auto& c : centres)
    for (float& v : c) v = 1.6f * normal(rng);

  auto makeSplit = [&](int64_t n, const std::string& xName, const std::string& yName) -> Status {
    Tensor x(TensorType{DType::f32, {n, kDims}}), y(TensorType{DType::i64, {n}});
    std::uniform_int_distribution<int> pick(0, kClasses - 1), mode(0, kModes - 1);
    for (int64_t i = 0; i < n; ++i) {
      int label = pick(rng), centre = label * kModes + mode(rng);
      y.data<int64_t>()[i] = label;
      for (int d = 0; d < kDims; ++d) x.data<float>()[i * kDims + d] = centres[centre][d] + normal(rng);
    }
    GRAPHC_TRY(writeNpy((std::filesystem::path(out) / xName).string(), x));
    return writeNpy((std::filesystem::path(out) / yName).string(), y);
  };
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  for (auto s : {makeSplit(samples, "x.npy", "y.npy"), makeSplit(testSamples, "x_test.npy", "y_test.npy")}) {
    if (!s) {
      std::fprintf(stderr, "%s", s.error().render().c_str());
      return 1;
    }
  }
  std::printf("wrote %lld training and %lld test samples (5 classes, 10 features) to %s\n", (long long)samples,
              (long long)testSamples, out.c_str());
  return 0;
}
