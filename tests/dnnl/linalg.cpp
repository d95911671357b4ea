// dnnl backend: which steps denses and matmuls compile to (the batch-1 matrix-vector kernel, a
// dense split per column block, a matmul taking over a scale and a transpose), beside their
// values; tests/backends covers dense and matmul themselves on every backend.
#include <cstring>

#include "tests/dnnl/check.h"

namespace graphc::test {

// Batch 1 runs on our matrix-vector kernel where the CPU has AVX-512 (elsewhere on oneDNN's
// matmul): several 64-column panels, the last one partial, on one and two threads (the first
// layer's 300 KB of weights are enough to split); runs alternate the panel order, and every run
// must give the same bits.
TEST_CASE("dnnl: dense at batch 1 on the matrix-vector kernel") {
  for (const char* act : {"none", "relu"})
    for (int threads : {1, 2}) {
      INFO(std::string(act), " threads=", threads);
      Graph g;
      Builder b(g);
      ValueId h = b.input("x", {DType::f32, {1, 300}});
      h = b.create(OpKind::Dense, {h, b.param("w0", randomF32({300, 230}, 7, -0.1, 0.1)), b.param("b0", randomF32({230}, 8))},
                   attrs({{"activation", std::string(act)}}));
      h = b.create(OpKind::Dense, {h, b.param("w1", randomF32({230, 10}, 9, -0.1, 0.1)), b.param("b1", randomF32({10}, 10))});
      b.output("y", h);
      RunResult r = runBoth(g, 1, -1, 1, threads);
      CHECK(maxRelDiff(r.dnnl[0], r.ref[0]) <= 1e-5);
      auto exe = dnnl::prepare(g, CompileOptions{"dnnl", threads});
      REQUIRE(exe.ok());
      int gemvSteps = 0;
      for (const std::string& s : dnnl::stepNames(**exe)) gemvSteps += s.find("(gemv)") != std::string::npos;
      CHECK(gemvSteps == (avx512Kernels() ? 2 : 0));
      auto ctx = std::move((*exe)->createContext().value());
      std::vector<Tensor> inputs{randomF32({1, 300}, 11)}, first = (*exe)->makeOutputs(), again = (*exe)->makeOutputs();
      REQUIRE((*exe)->run(*ctx, inputs, first).ok());
      for (int run = 0; run < 5; ++run) {
        REQUIRE((*exe)->run(*ctx, inputs, again).ok());
        CHECK(std::memcmp(first[0].raw(), again[0].raw(), first[0].bytes()) == 0);
      }
    }
}

// A dense whose result only last-axis slices read runs as one matmul per slice, on that block of
// its weight columns; the slices themselves copy nothing. Any other reader keeps the whole dense.
TEST_CASE("dnnl: a dense read only through last-axis slices runs per column block") {
  using V = std::vector<int64_t>;
  struct Case {
    std::vector<std::pair<V, V>> slices;  // (starts, ends) on the last axis
    bool otherReader;
    int axis;
  };
  const Case cases[] = {
      {{{V{0}, V{32}}, {V{32}, V{64}}, {V{64}, V{96}}}, false, -1},  // the Q/K/V split
      {{{V{2}, V{40}}, {V{10}, V{96}}, {V{-8}, V{1000}}}, false, 2},  // overlapping, negative, clamped
      {{{V{0}, V{32}}}, true, -1},                                    // the whole result is read too
      {{{V{0}, V{2}}}, false, 1},                                     // not the last axis
  };
  for (const Case& k : cases) {
    for (const char* act : {"none", "gelu"}) {
      INFO("slices=", k.slices.size(), " other=", k.otherReader, " axis=", k.axis, " act=", act);
      Graph g;
      Builder b(g);
      // Big enough for oneDNN (tiny denses run on our own small kernel).
      ValueId x = b.input("x", {DType::f32, {4, 8, 64}});
      ValueId w = b.param("w", randomF32({64, 96}, 3, -0.2, 0.2)), bias = b.param("b", randomF32({96}, 4));
      ValueId y = b.create(OpKind::Dense, {x, w, bias}, attrs({{"activation", std::string(act)}}));
      int i = 0;
      for (auto& [starts, ends] : k.slices) {
        ValueId s = b.create(OpKind::Slice, {y}, attrs({{"starts", starts}, {"ends", ends}, {"axes", V{k.axis}}}));
        // One slice feeds a matmul, as attention's do; the others are outputs.
        if (i == 0) s = b.create(OpKind::MatMul, {s, b.param("m", randomF32({g.type(s).shape.back(), 3}, 5))});
        b.output("s" + std::to_string(i++), s);
      }
      if (k.otherReader) b.output("y", b.create(OpKind::Relu, {y}));
      checkClose(g, 1e-5);
      auto exe = dnnl::prepare(g, CompileOptions{"dnnl", 1});
      REQUIRE(exe.ok());
      int denseSteps = 0, sliceSteps = 0;
      for (const std::string& s : dnnl::stepNames(**exe)) {
        denseSteps += s.find("'dense'") != std::string::npos;
        sliceSteps += s.find("'slice'") != std::string::npos;
      }
      bool split = !k.otherReader && (k.axis == -1 || k.axis == 2);
      CHECK(denseSteps == (split ? (int)k.slices.size() : 1));
      CHECK(sliceSteps == (split ? 0 : (int)k.slices.size()));
    }
  }
}

// A plain matmul's step also does the scale by a constant scalar after it (an output scale) and
// then a transpose (a strided destination), when nothing else reads what it takes over.
TEST_CASE("dnnl: a matmul takes over the scale and the transpose after it") {
  using V = std::vector<int64_t>;
  struct Case {
    const char* what;
    bool scale, scaleLeft, scaleIsInput, transpose, scaledIsOutput;
    Shape scaleShape;
    int steps;  // expected steps in all
  };
  const Case cases[] = {
      {"scale then transpose (attention)", true, false, false, true, false, {}, 1},
      {"scale on the left", true, true, false, false, false, {1}, 1},
      {"transpose only", false, false, false, true, false, {}, 1},
      {"scale read elsewhere too", true, false, false, true, true, {}, 2},
      {"scale bound at run time", true, false, true, true, false, {}, 3},
      {"scale that adds an axis", true, false, false, false, false, {1, 1, 1, 1, 1}, 2},
  };
  for (const Case& k : cases) {
    INFO(k.what);
    Graph g;
    Builder b(g);
    ValueId q = b.input("q", {DType::f32, {2, 3, 5, 4}}), kt = b.input("k", {DType::f32, {2, 3, 4, 7}});
    ValueId y = b.create(OpKind::MatMul, {q, kt});
    if (k.scale) {
      TensorType st{DType::f32, k.scaleShape};
      ValueId s = k.scaleIsInput ? b.input("s", st) : b.param("s", Tensor::fromVector<float>(DType::f32, k.scaleShape, {0.125f}));
      y = b.create(OpKind::Mul, k.scaleLeft ? std::vector<ValueId>{s, y} : std::vector<ValueId>{y, s});
      if (k.scaledIsOutput) b.output("scaled", y);
    }
    if (k.transpose) y = b.create(OpKind::Transpose, {y}, attrs({{"perm", V{0, 2, 1, 3}}}));
    b.output("y", y);
    checkClose(g, 1e-5);
    auto exe = dnnl::prepare(g, CompileOptions{"dnnl", 1});
    REQUIRE(exe.ok());
    CHECK(dnnl::stepNames(**exe).size() == (size_t)k.steps);
  }
  // Attention itself: the operands are strided views of the heads as well, and neither the
  // scale nor the head merge is a step.
  Graph g;
  Builder b(g);
  ValueId heads = b.create(OpKind::Reshape, {b.input("x", {DType::f32, {2, 8, 24}})}, attrs({{"shape", V{2, 8, 4, 6}}}));
  ValueId q = b.create(OpKind::Transpose, {heads}, attrs({{"perm", V{0, 2, 1, 3}}}));
  ValueId kt = b.create(OpKind::Transpose, {heads}, attrs({{"perm", V{0, 2, 3, 1}}}));
  ValueId scale = b.param("scale", Tensor::fromVector<float>(DType::f32, {}, {0.4f}));
  ValueId p = b.create(OpKind::Softmax, {b.create(OpKind::Mul, {b.create(OpKind::MatMul, {q, kt}), scale})});
  b.output("y", b.create(OpKind::Transpose, {b.create(OpKind::MatMul, {p, q})}, attrs({{"perm", V{0, 2, 1, 3}}})));
  checkClose(g, 1e-5);
  auto exe = dnnl::prepare(g, CompileOptions{"dnnl", 1});
  REQUIRE(exe.ok());
  for (const std::string& s : dnnl::stepNames(**exe)) {
    CHECK(s.find("'mul'") == std::string::npos);
    CHECK(s.find("'transpose'") == std::string::npos);
  }
}

// --precision bf16's attention (the pass moves each cast before the movement ops): the casts
// after the softmax and after the second matmul are taken over (softmax and matmul write bf16),
// and so are the scale and the head merge; K^T is read in place. Only the inputs' casts remain.
// Where the f32 softmax or matmul result is also an output, its cast stays a step of its own.
TEST_CASE("dnnl: in bf16, softmax and matmul write the bf16 that the cast after them would, and the transposes stay views") {
  using V = std::vector<int64_t>;
  if (!dnnl::multipliesBf16Natively(OpKind::MatMul)) return;  // bf16 products are refused without AVX512-BF16 or AMX
  for (bool f32AlsoOutput : {false, true}) {
    CAPTURE(f32AlsoOutput);
    Graph g;
    Builder b(g);
    auto bf16 = [&](ValueId v) { return b.create(OpKind::Cast, {v}, attrs({{"to", std::string("bf16")}})); };
    ValueId heads = b.create(OpKind::Reshape, {bf16(b.input("x", {DType::f32, {2, 64, 96}}))}, attrs({{"shape", V{2, 64, 4, 24}}}));
    ValueId q = b.create(OpKind::Transpose, {heads}, attrs({{"perm", V{0, 2, 1, 3}}}));
    ValueId kt = b.create(OpKind::Transpose, {heads}, attrs({{"perm", V{0, 2, 3, 1}}}));
    ValueId scale = b.param("scale", Tensor::fromVector<float>(DType::f32, {}, {0.4f}));
    ValueId probs = b.create(OpKind::Softmax, {b.create(OpKind::Mul, {b.create(OpKind::MatMul, {q, kt}), scale})});
    ValueId out = b.create(OpKind::MatMul, {bf16(probs), q});
    ValueId merged = b.create(OpKind::Transpose, {bf16(out)}, attrs({{"perm", V{0, 2, 1, 3}}}));
    b.output("y", b.create(OpKind::Cast, {merged}, attrs({{"to", std::string("f32")}})));
    if (f32AlsoOutput) {
      b.output("probs", probs);
      b.output("out", out);
    }
    checkClose(g, 1e-2);  // bf16 results of sums in another order: 2^-8 apart at most
    auto exe = dnnl::prepare(g, CompileOptions{"dnnl", 1});
    REQUIRE(exe.ok());
    int casts = 0;
    for (const std::string& s : dnnl::stepNames(**exe)) {
      INFO(s);
      casts += s.find("'cast'") != std::string::npos;
      CHECK(s.find("'mul'") == std::string::npos);
      if (!f32AlsoOutput) CHECK(s.find("'transpose'") == std::string::npos);
    }
    CHECK(casts == (f32AlsoOutput ? 4 : 2));  // x's and the output's back to f32; then the probabilities' and out's
  }
}

}  // namespace graphc::test
