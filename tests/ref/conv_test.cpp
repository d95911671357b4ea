// Convolution and pooling against NumPy loops.
#include <doctest/doctest.h>

#include "tests/ref/cases.h"

using namespace graphc;
using namespace graphc::test;

TEST_CASE("conv2d: pads, strides, dilations, groups, odd sizes") {
  checkCase("conv2d_basic", OpKind::Conv2d);
  checkCase("conv2d_pads", OpKind::Conv2d, attrs({{"pads", Ints{1, 0, 2, 1}}}));
  checkCase("conv2d_strides", OpKind::Conv2d, attrs({{"strides", Ints{2, 3}}, {"pads", Ints{1, 1, 1, 1}}}));
  checkCase("conv2d_dilations", OpKind::Conv2d, attrs({{"dilations", Ints{2, 3}}, {"pads", Ints{2, 1, 0, 2}}}));
  checkCase("conv2d_groups", OpKind::Conv2d, attrs({{"group", int64_t(2)}, {"strides", Ints{1, 2}}}));
  checkCase("conv2d_depthwise", OpKind::Conv2d, attrs({{"group", int64_t(3)}, {"pads", Ints{1, 1, 1, 1}}}));
  checkCase("conv2d_odd", OpKind::Conv2d, attrs({{"strides", Ints{3, 1}}, {"pads", Ints{0, 2, 1, 0}}}));
}

TEST_CASE("conv2d with activation and residual") {
  checkCase("conv2d_relu_residual", OpKind::Conv2d,
            attrs({{"pads", Ints{1, 1, 1, 1}}, {"activation", std::string("relu")}}));
  checkCase("conv2d_leaky", OpKind::Conv2d,
            attrs({{"pads", Ints{1, 1, 1, 1}}, {"activation", std::string("leaky_relu")}, {"alpha", 0.2}}));
  checkCase("conv2d_f64_groups_clip", OpKind::Conv2d,
            attrs({{"strides", Ints{2, 2}}, {"group", int64_t(2)}, {"activation", std::string("clip")},
                   {"alpha", -0.3}, {"beta", 0.6}}));
}

TEST_CASE("max_pool2d: strides, pads, ceil_mode, dilations") {
  checkCase("max_pool2d_k2s2", OpKind::MaxPool2d, attrs({{"kernel", Ints{2, 2}}, {"strides", Ints{2, 2}}}));
  checkCase("max_pool2d_pads", OpKind::MaxPool2d,
            attrs({{"kernel", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}}));
  checkCase("max_pool2d_ceil", OpKind::MaxPool2d,
            attrs({{"kernel", Ints{3, 2}}, {"strides", Ints{2, 2}}, {"ceil_mode", int64_t(1)}}));
  checkCase("max_pool2d_dilations", OpKind::MaxPool2d,
            attrs({{"kernel", Ints{2, 3}}, {"dilations", Ints{2, 2}}, {"pads", Ints{0, 1, 1, 0}}}));
  checkCase("max_pool2d_f64", OpKind::MaxPool2d, attrs({{"kernel", Ints{2, 2}}}));
}

TEST_CASE("avg_pool2d: pads with and without count_include_pad, ceil_mode") {
  auto pooled = [](Ints pads, int64_t ceil, int64_t include) {
    return attrs({{"kernel", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", pads}, {"ceil_mode", ceil},
                  {"count_include_pad", include}});
  };
  checkCase("avg_pool2d_k2s2", OpKind::AvgPool2d, attrs({{"kernel", Ints{2, 2}}, {"strides", Ints{2, 2}}}));
  checkCase("avg_pool2d_pads_exclude", OpKind::AvgPool2d, pooled({1, 1, 1, 1}, 0, 0));
  checkCase("avg_pool2d_pads_include", OpKind::AvgPool2d, pooled({1, 1, 1, 1}, 0, 1));
  checkCase("avg_pool2d_ceil_exclude", OpKind::AvgPool2d, pooled({1, 0, 0, 1}, 1, 0));
  checkCase("avg_pool2d_ceil_include", OpKind::AvgPool2d, pooled({1, 0, 0, 1}, 1, 1));
  checkCase("avg_pool2d_f64", OpKind::AvgPool2d, attrs({{"kernel", Ints{2, 3}}, {"strides", Ints{2, 3}}}));
}

TEST_CASE("global_avg_pool") {
  checkCase("global_avg_pool_f32", OpKind::GlobalAvgPool);
  checkCase("global_avg_pool_f64", OpKind::GlobalAvgPool);
}
