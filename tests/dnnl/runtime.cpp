// dnnl backend: the Executable contract (many threads, one context each; bound outputs;
// clean failures) rather than single ops.
#include <thread>

#include "tests/dnnl/check.h"

namespace graphc::test {

static Graph smallNet() {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {4, 1, 8, 8}});
  ValueId c = b.create(OpKind::Conv2d, {x, b.param("w", randomF32({8, 1, 3, 3}, 1)), b.param("b", randomF32({8}, 2))},
                       attrs({{"pads", std::vector<int64_t>{1, 1, 1, 1}}, {"activation", std::string("relu")}}));
  ValueId p = b.create(OpKind::MaxPool2d, {c}, attrs({{"kernel", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}}}));
  ValueId f = b.create(OpKind::Reshape, {p}, attrs({{"shape", std::vector<int64_t>{4, 128}}}));
  ValueId d = b.create(OpKind::Dense, {f, b.param("w2", randomF32({128, 10}, 3)), b.param("b2", randomF32({10}, 4))},
                       attrs({{"activation", std::string("gelu")}}));
  b.output("y", b.create(OpKind::Softmax, {d}));
  b.output("e", b.create(OpKind::Erf, {d}));  // one of our kernels, with its OpenMP loop
  return g;
}

// Batch 1: the dense layers run on the matrix-vector kernel, whose panel order every run flips
// through one counter that all the threads share.
static Graph batchOneMlp() {
  Graph g;
  Builder b(g);
  ValueId h = b.input("x", {DType::f32, {1, 200}});
  h = b.create(OpKind::Dense, {h, b.param("w0", randomF32({200, 150}, 5, -0.1, 0.1)), b.param("b0", randomF32({150}, 6))},
               attrs({{"activation", std::string("relu")}}));
  h = b.create(OpKind::Dense, {h, b.param("w1", randomF32({150, 10}, 7, -0.1, 0.1)), b.param("b1", randomF32({10}, 8))});
  b.output("y", b.create(OpKind::Softmax, {h}));
  return g;
}

TEST_CASE("dnnl: 8 threads x 1000 runs of one Executable agree bit for bit") {
  for (Graph g : {smallNet(), batchOneMlp()}) {
    auto exe = dnnl::prepare(g, {});
    REQUIRE(exe.ok());
    const Executable& e = **exe;
    std::vector<Tensor> in{randomF32(g.type(g.inputs[0]).shape, 7)};
    auto ctx = std::move(e.createContext().value());
    std::vector<Tensor> want = e.makeOutputs();
    REQUIRE(e.run(*ctx, in, want).ok());
    checkClose(g, 1e-5, 7);

    std::vector<int> mismatches(8, 0), failures(8, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        auto myCtx = std::move(e.createContext().value());
        std::vector<Tensor> out = e.makeOutputs();
        for (int i = 0; i < 1000; ++i) {
          if (!e.run(*myCtx, in, out).ok()) ++failures[t];
          for (size_t k = 0; k < out.size(); ++k) mismatches[t] += !out[k].bitEqual(want[k]);
        }
      });
    for (auto& th : threads) th.join();
    for (int t = 0; t < 8; ++t) {
      CHECK(failures[t] == 0);
      CHECK(mismatches[t] == 0);
    }
  }
}

TEST_CASE("dnnl: a context is reusable and new inputs are picked up on every run") {
  Graph g = smallNet();
  auto exe = dnnl::prepare(g, CompileOptions{"dnnl", 1});
  REQUIRE(exe.ok());
  auto ctx = std::move((*exe)->createContext().value());
  for (uint64_t seed = 1; seed < 4; ++seed) {
    std::vector<Tensor> in{randomF32({4, 1, 8, 8}, seed)};
    auto out = (*exe)->makeOutputs();
    REQUIRE((*exe)->run(*ctx, in, out).ok());
    auto ref = eval::interpret(g, in);
    REQUIRE(ref.ok());
    CHECK(maxRelDiff(out[0], (*ref)[0]) < 1e-5);
  }
}

TEST_CASE("dnnl: outputs that are inputs, constants, reshapes or repeated") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {3, 4}});
  ValueId c = b.constant(randomF32({2}, 3));
  ValueId r = b.create(OpKind::Relu, {x});
  b.output("x", x);
  b.output("c", c);
  b.output("r", r);
  b.output("r2", r);
  b.output("flat", b.create(OpKind::Reshape, {r}, attrs({{"shape", std::vector<int64_t>{12}}})));
  checkClose(g, 0);
}

TEST_CASE("dnnl: prepare fails cleanly on what it cannot run") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::bf16, {3}});
  g.addNode(OpKind::Relu, {x}, {}, {{DType::bf16, {3}}});  // bf16 is reserved: no op takes it
  g.addOutput("y", g.nodes.back().results[0]);
  auto exe = dnnl::prepare(g, {});
  REQUIRE(!exe.ok());
  CHECK(!exe.error().message().empty());

  // Wrong input types at run time are an Error too.
  Graph h = smallNet();
  auto e = dnnl::prepare(h, {});
  REQUIRE(e.ok());
  auto ctx = std::move((*e)->createContext().value());
  std::vector<Tensor> bad{randomF32({4, 1, 8, 9}, 1)};
  auto out = (*e)->makeOutputs();
  CHECK(!(*e)->run(*ctx, bad, out).ok());
}

TEST_CASE("dnnl: the registry lists the backend") {
  const BackendInfo* b = findBackend("dnnl");
  REQUIRE(b != nullptr);
  Graph g = smallNet();
  CHECK(b->prepare(g, {}).ok());
}

}  // namespace graphc::test

namespace graphc::test {

// Intermediates that die at an elementwise op may share its result's arena slot; a chain of
// them (oneDNN eltwise, binary, layer norm, and our kernels) checks that in-place runs agree.
TEST_CASE("dnnl: elementwise chains over intermediates (in-place candidates)") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {3, 17}}), y = b.input("y", {DType::f32, {17}});
  ValueId h = b.create(OpKind::Exp, {b.create(OpKind::Mul, {x, x})});
  h = b.create(OpKind::Neg, {h});
  h = b.create(OpKind::Add, {h, y});
  h = b.create(OpKind::Erf, {h});                      // ours
  h = b.create(OpKind::Sub, {y, h});                   // ours: src0 broadcasts
  h = b.create(OpKind::Tanh, {b.create(OpKind::Add, {h, h})});
  h = b.create(OpKind::LayerNorm, {h, b.param("s", randomF32({17}, 1)), b.param("t", randomF32({17}, 2))});
  h = b.create(OpKind::Pow, {b.create(OpKind::Abs, {h}), b.scalar(DType::f32, 1.5)});
  ValueId i = b.create(OpKind::Cast, {b.create(OpKind::Mul, {h, b.scalar(DType::f32, 10)})}, attrs({{"to", std::string("i32")}}));
  i = b.create(OpKind::Neg, {b.create(OpKind::Add, {i, i})});  // integer kernels in place
  b.output("h", h);
  b.output("i", i);
  checkClose(g, 1e-5);
}

}  // namespace graphc::test

namespace graphc::test {

// Degenerate shapes: a zero-length contraction or reduction still writes every output element
// (outputs are pre-filled with garbage to prove it); reduce_max of nothing is refused up front.
TEST_CASE("dnnl: empty contractions and reductions") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {3, 0}});
  b.output("sum", b.create(OpKind::ReduceSum, {x}, attrs({{"axes", std::vector<int64_t>{1}}})));
  b.output("mm", b.create(OpKind::MatMul, {x, b.input("w", {DType::f32, {0, 4}})}));
  b.output("dense", b.create(OpKind::Dense, {x, b.param("wd", Tensor(TensorType{DType::f32, {0, 4}})), b.param("bd", randomF32({4}, 3))},
                             attrs({{"activation", std::string("sigmoid")}})));
  auto exe = dnnl::prepare(g, {});
  REQUIRE(exe.ok());
  auto ctx = std::move((*exe)->createContext().value());
  std::vector<Tensor> in{randomF32({3, 0}, 1), randomF32({0, 4}, 2)};
  auto out = (*exe)->makeOutputs();
  for (Tensor& t : out)
    for (int64_t i = 0; i < t.numel(); ++i) t.set(i, 7);
  REQUIRE((*exe)->run(*ctx, in, out).ok());
  auto ref = eval::interpret(g, in);
  REQUIRE(ref.ok());
  for (size_t i = 0; i < out.size(); ++i) CHECK(maxRelDiff(out[i], (*ref)[i]) < 1e-6);

  Graph h;
  Builder hb(h);
  ValueId y = hb.input("y", {DType::f32, {3, 0}});
  hb.output("max", hb.create(OpKind::ReduceMax, {y}, attrs({{"axes", std::vector<int64_t>{1}}})));
  auto bad = dnnl::prepare(h, {});
  REQUIRE(!bad.ok());
  CHECK(bad.error().message().find("empty set") != std::string::npos);
}

}  // namespace graphc::test
