// dnnl backend: a layer_norm over an empty axis (the op conformance suite in tests/backends
// covers the normalizations and reductions themselves).
#include "tests/dnnl/check.h"

namespace graphc::test {

static Graph oneOp(OpKind op, TensorType t, AttrMap a, std::vector<Tensor> params = {}) {
  Graph g;
  Builder b(g);
  std::vector<ValueId> ops{b.input("x", t)};
  for (size_t i = 0; i < params.size(); ++i) ops.push_back(b.param("p" + std::to_string(i), params[i]));
  b.output("y", b.create(op, ops, std::move(a)));
  return g;
}

TEST_CASE("dnnl: layer_norm over an empty axis prepares and runs") {
  Graph g = oneOp(OpKind::LayerNorm, {DType::f32, {3, 0}}, {}, {randomF32({0}, 3), randomF32({0}, 4)});
  auto exe = dnnl::prepare(g, {});
  if (!exe) {  // refusing the shape is fine; crashing is not
    CHECK(!exe.error().message().empty());
    return;
  }
  auto ctx = std::move((*exe)->createContext().value());
  std::vector<Tensor> out = (*exe)->makeOutputs(), in{Tensor(TensorType{DType::f32, {3, 0}})};
  CHECK((*exe)->run(*ctx, in, out).ok());
  CHECK(out[0].numel() == 0);
}

}  // namespace graphc::test
