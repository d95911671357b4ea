// The passes a backend asks for (BackendInfo::passes): llvm's fusion groups are formed by the
// driver before it prepares, and only for llvm.
#include <doctest/doctest.h>

#include "driver/pipeline.h"
#include "ir/builder.h"
#include "ir/eval/interpreter.h"
#include "ir/fusion_group.h"
#include "tests/support.h"

namespace graphc::test {

TEST_CASE("driver::prepare runs expand_dense_grad and fuse_elementwise for llvm only, and the fused run computes what the interpreter does") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {6, 129}}), c = b.param("c", randomTensor({DType::f32, {129}}, 3));
  b.output("y", b.create(OpKind::Tanh, {b.create(OpKind::Mul, {b.create(OpKind::Add, {x, c}), x})}));
  REQUIRE(findBackend("llvm")->passes.size() == 2);
  CHECK(findBackend("llvm")->passes[0] == "expand_dense_grad");
  CHECK(findBackend("llvm")->passes[1] == "fuse_elementwise");
  CHECK(findBackend("ref")->passes.empty());
  std::vector<Tensor> in = {randomTensor(g.type(x), 5, -2, 2)};
  auto expected = eval::interpret(g, in);
  REQUIRE(expected.ok());
  for (const char* backend : {"llvm", "dnnl", "ref"}) {
    if (!findBackend(backend)) continue;
    INFO(backend);
    auto exe = driver::prepare(g, CompileOptions{backend, 1});
    REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().render()));
    CHECK(fusionGroups((*exe)->graph()).size() == (std::string(backend) == "llvm" ? 1u : 0u));
    std::vector<Tensor> out = (*exe)->makeOutputs();
    auto ctx = (*exe)->createContext();
    REQUIRE(ctx.ok());
    REQUIRE((*exe)->run(**ctx, in, out).ok());
    CHECK(maxRelDiff(out[0], (*expected)[0]) <= 1e-6);
  }
  CHECK(fusionGroups(g).empty());  // the caller's graph is left as it was
}

}  // namespace graphc::test
