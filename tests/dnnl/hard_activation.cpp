// dnnl backend: hard_sigmoid (our kernel) and hard_swish (eltwise) on NaN and ±inf, against the
// interpreter; the unary tests of elementwise.cpp cover them on random values.
#include <cmath>
#include <limits>

#include "tests/dnnl/check.h"

namespace graphc::test {

// NumPy's rule: NaN stays NaN; hard_swish(-inf) is -inf * 0 = NaN by ONNX's formula.
TEST_CASE("dnnl: hard_sigmoid and hard_swish keep NaN, and agree on ±inf") {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  std::vector<double> values{nan, inf, -inf, -3, 3, 0, -2.5, 2.5, 1e30, -1e30, 0.1, -0.1};
  for (int64_t n : {12, 12 * 4096}) {  // one vector tail and a threaded size
    for (OpKind op : {OpKind::HardSigmoid, OpKind::HardSwish}) {
      INFO(opName(op), " ", n);
      Graph g;
      Builder b(g);
      ValueId x = b.input("x", {DType::f32, {n}});
      b.output("y", b.create(op, {x}));
      std::vector<double> xs;
      for (int64_t i = 0; i < n; ++i) xs.push_back(values[i % values.size()]);
      std::vector<Tensor> in{Tensor::fromVector(DType::f32, {n}, xs)};
      auto ref = eval::interpret(g, in);
      REQUIRE(ref.ok());
      auto exe = dnnl::prepare(g, CompileOptions{"dnnl", 0});
      REQUIRE(exe.ok());
      auto ctx = (*exe)->createContext();
      REQUIRE(ctx.ok());
      std::vector<Tensor> out = (*exe)->makeOutputs();
      REQUIRE((*exe)->run(**ctx, std::span<const Tensor>(in), std::span<Tensor>(out)).ok());
      CHECK(std::isnan((*ref)[0].at(0)));
      CHECK(maxRelDiff(out[0], (*ref)[0]) <= 1e-6);
    }
  }
}

}  // namespace graphc::test
