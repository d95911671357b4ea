// Reductions, softmax / log_softmax and the normalizations against NumPy.
#include <doctest/doctest.h>

#include "tests/ref/cases.h"

using namespace graphc;
using namespace graphc::test;

TEST_CASE("reductions with axes and keepdims variants") {
  const std::pair<const char*, OpKind> ops[] = {
      {"reduce_sum", OpKind::ReduceSum}, {"reduce_mean", OpKind::ReduceMean}, {"reduce_max", OpKind::ReduceMax}};
  const std::tuple<const char*, Ints, int64_t> variants[] = {
      {"all", {}, 1}, {"all_flat", {}, 0}, {"ax1", {1}, 1}, {"ax02", {0, 2}, 0}, {"axm1", {-1}, 0}};
  for (auto [name, op] : ops) {
    for (const char* dt : {"f32", "f64", "i32", "i64"}) {
      bool isInt = dt[0] == 'i';
      if (isInt && op == OpKind::ReduceMean) continue;
      for (const auto& [tag, axes, keep] : variants) {
        if (isInt && std::string(tag) != "all" && std::string(tag) != "ax02") continue;
        checkCase(fmt::format("{}_{}_{}", name, tag, dt), op, attrs({{"axes", axes}, {"keepdims", keep}}));
      }
    }
  }
}

TEST_CASE("softmax and log_softmax on several axes") {
  for (const char* dt : {"f32", "f64"})
    for (auto [tag, axis] : {std::pair{"0", 0}, {"1", 1}, {"m1", -1}}) {
      checkCase(fmt::format("softmax_axis{}_{}", tag, dt), OpKind::Softmax, attrs({{"axis", int64_t(axis)}}));
      checkCase(fmt::format("log_softmax_axis{}_{}", tag, dt), OpKind::LogSoftmax, attrs({{"axis", int64_t(axis)}}));
    }
}

TEST_CASE("layer_norm over trailing axes") {
  for (const char* dt : {"f32", "f64"}) {
    checkCase(fmt::format("layer_norm_last_{}", dt), OpKind::LayerNorm, attrs({{"axis", int64_t(-1)}}));
    checkCase(fmt::format("layer_norm_axis1_{}", dt), OpKind::LayerNorm,
              attrs({{"axis", int64_t(1)}, {"epsilon", 1e-3}}));
  }
}

TEST_CASE("batch_norm in inference mode") {
  checkCase("batch_norm_f32", OpKind::BatchNorm);
  checkCase("batch_norm_f64", OpKind::BatchNorm);
  checkCase("batch_norm_eps_f32", OpKind::BatchNorm, attrs({{"epsilon", 0.1}}));
}
