// llvm backend: convolution, pooling and their gradients on a thread team (large enough to
// start one) against the interpreter, with NaN and infinities in the inputs, and bit for bit
// against one thread.
#include "tests/llvm/check.h"

namespace graphc::test {

using Ints = std::vector<int64_t>;

// Each graph does more than a million multiply-adds or window taps, so it runs on a team.
static std::vector<std::pair<std::string, Graph>> teamGraphs() {
  std::vector<std::pair<std::string, Graph>> out;
  AttrMap conv = attrs({{"pads", Ints{1, 1, 1, 1}}, {"strides", Ints{2, 2}}});
  Shape x{2, 16, 30, 29}, w{28, 16, 3, 3}, y{2, 28, 15, 15};
  AttrMap forward = conv;
  forward.set("activation", std::string("relu"));
  forward.set("strides", Ints{1, 1});
  out.emplace_back("conv2d", opGraph(OpKind::Conv2d, {{DType::f32, x}, {DType::f32, w}, {DType::f32, {28}}, {DType::f32, {2, 28, 30, 29}}}, forward));
  AttrMap input = conv, weight = conv;
  input.set("input_shape", x);
  weight.set("weight_shape", w);
  out.emplace_back("conv2d_grad_input", opGraph(OpKind::Conv2dGradInput, {{DType::f32, y}, {DType::f32, w}}, input));
  out.emplace_back("conv2d_grad_weight", opGraph(OpKind::Conv2dGradWeight, {{DType::f32, y}, {DType::f32, x}}, weight));
  AttrMap pool = attrs({{"kernel", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}});
  Shape px{4, 32, 64, 63}, py{4, 32, 32, 32};
  out.emplace_back("max_pool2d", opGraph(OpKind::MaxPool2d, {{DType::f32, px}}, pool));
  out.emplace_back("max_pool2d_grad", opGraph(OpKind::MaxPool2dGrad, {{DType::f32, py}, {DType::f32, px}}, pool));
  pool.set("count_include_pad", int64_t{1});
  out.emplace_back("avg_pool2d", opGraph(OpKind::AvgPool2d, {{DType::f32, px}}, pool));
  pool.set("input_shape", px);
  out.emplace_back("avg_pool2d_grad", opGraph(OpKind::AvgPool2dGrad, {{DType::f32, py}}, pool));
  out.emplace_back("global_avg_pool", opGraph(OpKind::GlobalAvgPool, {{DType::f32, {4, 64, 64, 64}}}));
  return out;
}

TEST_CASE("llvm conv: convolution and pooling on 1, 2 and 8 threads, with NaN and infinities, as on one thread") {
  for (auto& [what, g] : teamGraphs()) {
    // The weight gradient sums 450 products per element in f32, the interpreter in double.
    double tol = what == "conv2d_grad_weight" ? 1e-4 : 1e-5;
    std::vector<Tensor> plain = makeInputs(g, 3, -1, 1), special = makeInputs(g, 4, -1, 1, true);
    std::vector<Tensor> one = runLlvm(g, special, 1);
    for (int threads : {1, 2, 8}) {
      INFO(what, " on ", threads, " threads");
      checkAgainstRef(g, plain, tol, threads);
      checkAgainstRef(g, special, tol, threads);
      // Every output element is one thread's, summed in one order: the split changes no bit.
      CHECK(bitDifference(runLlvm(g, special, threads)[0], one[0]) == "");
    }
  }
}

}  // namespace graphc::test
