// Conformance cases of bf16 (--precision bf16's IR): casts both ways, with the rounding's ties,
// NaN and infinities; the products on bf16 operands with f32 accumulation (matmul, dense,
// conv2d, and dense_grad and the conv gradients); data movement of bf16 values.
#include <cmath>
#include <cstring>
#include <limits>
#include <tuple>

#include "ir/convert.h"
#include "tests/backends/cases.h"

namespace graphc::test {

constexpr DType bf = DType::bf16, f32 = DType::f32;

// Values that test the rounding: ties to even both ways, the largest finite bf16 and what
// rounds past it, the smallest normal and a subnormal, NaN of both signs and infinities.
static Tensor roundingEdges() {
  const float inf = std::numeric_limits<float>::infinity();
  auto bits = [](uint32_t b) {
    float f;
    std::memcpy(&f, &b, 4);
    return f;
  };
  std::vector<float> v = {1.0f, bits(0x3f808000), bits(0x3f818000), bits(0x3f808001), -bits(0x3f808000), 0.1f, -0.0f,
                          bits(0x7f7f7fff), bits(0x7f7f8000), 1.1754944e-38f, 1e-40f, std::nanf(""), -std::nanf(""), inf,
                          -inf, 65504.0f};
  Tensor t(TensorType{f32, {(int64_t)v.size()}});
  for (size_t i = 0; i < v.size(); ++i) t.data<float>()[i] = v[i];
  return t;
}

static Graph castRoundTrip(Shape s) {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {f32, s});
  ValueId narrow = b.create(OpKind::Cast, {x}, attrs({{"to", std::string("bf16")}}));
  b.output("bf16", narrow);
  b.output("back", b.create(OpKind::Cast, {narrow}, attrs({{"to", std::string("f32")}})));
  b.output("f64", b.create(OpKind::Cast, {narrow}, attrs({{"to", std::string("f64")}})));
  return g;
}

// op on bf16 operands made from f32 inputs by casts (as the precision pass makes them).
static Graph bf16Op(OpKind op, const std::vector<TensorType>& f32Inputs, const std::vector<bool>& asBf16, AttrMap a = {}) {
  Graph g;
  Builder b(g);
  std::vector<ValueId> ops;
  for (size_t i = 0; i < f32Inputs.size(); ++i) {
    ValueId x = b.input("x" + std::to_string(i), f32Inputs[i]);
    ops.push_back(asBf16[i] ? b.create(OpKind::Cast, {x}, attrs({{"to", std::string("bf16")}})) : x);
  }
  std::vector<ValueId> r = *b.tryCreate(op, ops, std::move(a));
  for (size_t i = 0; i < r.size(); ++i) b.output("y" + std::to_string(i), r[i]);
  return g;
}

// Random weights rounded to bf16, as a constant: what the precision pass makes of f32 weights.
static ValueId bf16Weights(Builder& b, const char* name, Shape shape, uint64_t seed) {
  Tensor f = randomF32(shape, seed), rounded(TensorType{DType::bf16, shape});
  for (int64_t i = 0; i < f.numel(); ++i) rounded.set(i, f.at(i));
  return b.constant(rounded, name);
}

void addBf16Cases(std::vector<OpCase>& out) {
  out.push_back({"cast/bf16/round trip [3,33]", OpKind::Cast, castRoundTrip({3, 33}), -300, 300});
  out.push_back({"cast/bf16/rounding edges", OpKind::Cast,
                 [] {
                   Graph g;
                   Builder b(g);
                   ValueId narrow = b.create(OpKind::Cast, {b.constant(roundingEdges(), "edges")}, attrs({{"to", std::string("bf16")}}));
                   ValueId x = b.input("x", {f32, {16}});  // and values across f32's range, at run time
                   b.output("const", b.create(OpKind::Cast, {narrow}, attrs({{"to", std::string("f32")}})));
                   b.output("input", b.create(OpKind::Cast, {b.create(OpKind::Cast, {x}, attrs({{"to", std::string("bf16")}}))},
                                              attrs({{"to", std::string("f32")}})));
                   return g;
                 }(),
                 -1e30, 1e30});
  // The shapes walk llvm's AVX512-BF16 kernel through its edges: one depth (a pair with zeros),
  // odd depths at a slice's end, several slices (257: a slice depth rounded up to even, then an
  // odd tail slice), column tails under one vector and over it (57 = 32 + 25), row tails of its
  // 12-row tiles, several row blocks, and a GEMM large enough to split over threads.
  for (auto [m, k, n] : {std::tuple{1, 17, 33}, std::tuple{33, 17, 33}, std::tuple{70, 300, 45}, std::tuple{1, 1, 16},
                         std::tuple{24, 515, 64}, std::tuple{130, 515, 80}, std::tuple{13, 257, 57}})
    out.push_back({fmt::format("matmul/bf16/[{},{}] x [{},{}]", m, k, k, n), OpKind::MatMul,
                   bf16Op(OpKind::MatMul, {{f32, {m, k}}, {f32, {k, n}}}, {true, true})});
  out.push_back({"matmul/bf16/batched broadcast", OpKind::MatMul,
                 bf16Op(OpKind::MatMul, {{f32, {2, 3, 5, 8}}, {f32, {3, 8, 6}}}, {true, true})});
  for (const char* act : {"none", "relu", "gelu"})
    for (bool residual : {false, true}) {
      std::vector<TensorType> in{{f32, {9, 40}}, {f32, {40, 19}}, {f32, {19}}};
      if (residual) in.push_back({f32, {9, 19}});
      out.push_back({fmt::format("dense/bf16/{}{}", act, residual ? " residual" : ""), OpKind::Dense,
                     bf16Op(OpKind::Dense, in, {true, true, false, false}, activationAttrs(act))});
    }
  // Two denses, the first's result rounded to bf16 for the second (dnnl writes it bf16 from the
  // product's epilogue), and seen through a cast back to f32 too. A sum in another order may
  // round an element to the neighbouring bf16: 2^-8 relative.
  {
    Graph g;
    Builder b(g);
    auto bf16 = [&](ValueId v) { return b.create(OpKind::Cast, {v}, attrs({{"to", std::string("bf16")}})); };
    ValueId h = b.create(OpKind::Dense, {bf16(b.input("x", {f32, {33, 40}})), bf16(b.input("w1", {f32, {40, 48}})), b.input("b1", {f32, {48}})},
                         activationAttrs("relu"));
    ValueId hb = bf16(h);
    b.output("y", b.create(OpKind::Dense, {hb, bf16(b.input("w2", {f32, {48, 10}})), b.input("b2", {f32, {10}})}));
    b.output("h", b.create(OpKind::Cast, {hb}, attrs({{"to", std::string("f32")}})));
    out.push_back({"dense/bf16/chain through a bf16 activation", OpKind::Dense, std::move(g), -1, 1, 1e-2});
  }
  // Attention as the precision pass leaves it: Q, K^T and V moved in bf16 (K^T read by the
  // matmul in place on dnnl), the scaled scores' softmax written in bf16 (dnnl's softmax takes
  // the cast over), and the heads' result rounded to bf16 and merged by a transpose (dnnl's
  // matmul takes over the scale, the cast and the transpose as a strided bf16 destination).
  {
    Graph g;
    Builder b(g);
    auto bf16 = [&](ValueId v) { return b.create(OpKind::Cast, {v}, attrs({{"to", std::string("bf16")}})); };
    auto transpose = [&](ValueId v, Ints perm) { return b.create(OpKind::Transpose, {v}, attrs({{"perm", perm}})); };
    ValueId q = bf16(b.input("q", {f32, {2, 3, 16, 8}})), k = bf16(b.input("k", {f32, {2, 3, 16, 8}}));
    ValueId v = bf16(b.input("v", {f32, {2, 3, 16, 8}}));
    ValueId scores = b.create(OpKind::MatMul, {q, transpose(k, {0, 1, 3, 2})});
    ValueId scaled = b.create(OpKind::Mul, {scores, b.constant(Tensor::fromVector<float>(f32, {}, {0.35f}), "scale")});
    ValueId p = bf16(b.create(OpKind::Softmax, {scaled}, attrs({{"axis", int64_t{-1}}})));
    ValueId heads = b.create(OpKind::Mul, {b.create(OpKind::MatMul, {p, v}), b.constant(Tensor::fromVector<float>(f32, {}, {2.f}), "two")});
    ValueId merged = b.create(OpKind::Reshape, {transpose(bf16(heads), {0, 2, 1, 3})}, attrs({{"shape", Ints{2, 16, 24}}}));
    b.output("y", b.create(OpKind::Dense, {merged, bf16Weights(b, "w", {24, 10}, 9), b.input("bias", {f32, {10}})}));
    out.push_back({"matmul/bf16/attention through bf16 movement", OpKind::MatMul, std::move(g), -1, 1, 1e-2});
  }
  AttrMap conv = attrs({{"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}});
  out.push_back({"conv2d/bf16/3x3 stride 2 pad 1", OpKind::Conv2d,
                 bf16Op(OpKind::Conv2d, {{f32, {2, 5, 9, 11}}, {f32, {7, 5, 3, 3}}, {f32, {7}}}, {true, true, false}, conv)});
  out.push_back({"conv2d/bf16/1x1 relu", OpKind::Conv2d,
                 bf16Op(OpKind::Conv2d, {{f32, {1, 16, 6, 6}}, {f32, {24, 16, 1, 1}}, {f32, {24}}}, {true, true, false},
                        activationAttrs("relu"))});
  // Two convolutions, the first's result rounded to bf16 for the second (dnnl writes it bf16, in
  // its own layout, from the first's epilogue), and seen through a cast back to f32 too, as in
  // the dense chain above. A third reads a residual, which keeps its result f32. The weights are
  // bf16 constants, so that dnnl packs them and picks its blocked kernels.
  {
    Graph g;
    Builder b(g);
    auto bf16 = [&](ValueId v) { return b.create(OpKind::Cast, {v}, attrs({{"to", std::string("bf16")}})); };
    AttrMap same = activationAttrs("relu");
    same.set("pads", Ints{1, 1, 1, 1});
    ValueId h = b.create(OpKind::Conv2d, {bf16(b.input("x", {f32, {2, 16, 10, 10}})), bf16Weights(b, "w1", {32, 16, 3, 3}, 1),
                                          b.input("b1", {f32, {32}})},
                         same);
    ValueId hb = bf16(h);
    ValueId h2 = b.create(OpKind::Conv2d, {hb, bf16Weights(b, "w2", {32, 32, 3, 3}, 2), b.input("b2", {f32, {32}})}, same);
    b.output("y", b.create(OpKind::Conv2d, {bf16(h2), bf16Weights(b, "w3", {32, 32, 1, 1}, 3), b.input("b3", {f32, {32}}),
                                               b.input("r", {f32, {2, 32, 10, 10}})}));
    b.output("h", b.create(OpKind::Cast, {hb}, attrs({{"to", std::string("f32")}})));
    out.push_back({"conv2d/bf16/chain through bf16 activations", OpKind::Conv2d, std::move(g), -1, 1, 1e-2});
  }
  // ResNet's bottleneck in bf16, as the precision pass leaves it: conv + residual (f32), relu,
  // cast to bf16 (run in the convolution's layout), a convolution writing bf16 for the next one,
  // which reads it in the same layout. On dnnl, with channel blocks from the first convolution
  // on, nothing is reordered between them.
  {
    Graph g;
    Builder b(g);
    auto bf16 = [&](ValueId v) { return b.create(OpKind::Cast, {v}, attrs({{"to", std::string("bf16")}})); };
    AttrMap same = attrs({{"pads", Ints{1, 1, 1, 1}}}), relu = activationAttrs("relu");
    relu.set("pads", Ints{1, 1, 1, 1});
    ValueId sum = b.create(OpKind::Conv2d, {bf16(b.input("x", {f32, {2, 32, 8, 8}})), bf16Weights(b, "w1", {32, 32, 3, 3}, 1),
                                            b.param("b1", randomF32({32}, 2)), b.input("r", {f32, {2, 32, 8, 8}})},
                           same);
    ValueId block = b.create(OpKind::Relu, {sum});
    ValueId h = b.create(OpKind::Conv2d, {bf16(block), bf16Weights(b, "w2", {32, 32, 1, 1}, 3), b.param("b2", randomF32({32}, 4))},
                         activationAttrs("relu"));
    ValueId h2 = b.create(OpKind::Conv2d, {bf16(h), bf16Weights(b, "w3", {32, 32, 3, 3}, 5), b.param("b3", randomF32({32}, 6))}, relu);
    b.output("y", b.create(OpKind::Conv2d, {bf16(h2), bf16Weights(b, "w4", {32, 32, 1, 1}, 7), b.param("b4", randomF32({32}, 8)), block}));
    out.push_back({"conv2d/bf16/bottleneck through channel blocks", OpKind::Conv2d, std::move(g), -1, 1, 1e-2});
  }
  for (const char* act : {"none", "relu", "tanh"})
    out.push_back({fmt::format("dense_grad/bf16/{}", act), OpKind::DenseGrad,
                   bf16Op(OpKind::DenseGrad, {{f32, {12, 21}}, {f32, {12, 30}}, {f32, {30, 21}}, {f32, {12, 21}}},
                          {false, true, true, false}, activationAttrs(act)),
                   -1, 1, 1e-4});
  // Wide enough for dnnl's kernel to split the columns over threads and to mask each row in
  // several chunks (256 columns) with a tail.
  out.push_back({"dense_grad/bf16/relu 600 columns", OpKind::DenseGrad,
                 bf16Op(OpKind::DenseGrad, {{f32, {70, 600}}, {f32, {70, 9}}, {f32, {9, 600}}, {f32, {70, 600}}},
                        {false, true, true, false}, activationAttrs("relu")),
                 -1, 1, 1e-4});
  AttrMap in = conv, w = conv;
  in.set("input_shape", Ints{2, 5, 9, 11});
  w.set("weight_shape", Ints{7, 5, 3, 3});
  out.push_back({"conv2d_grad_input/bf16/3x3 stride 2", OpKind::Conv2dGradInput,
                 bf16Op(OpKind::Conv2dGradInput, {{f32, {2, 7, 5, 6}}, {f32, {7, 5, 3, 3}}}, {true, true}, in)});
  out.push_back({"conv2d_grad_weight/bf16/3x3 stride 2", OpKind::Conv2dGradWeight,
                 bf16Op(OpKind::Conv2dGradWeight, {{f32, {2, 7, 5, 6}}, {f32, {2, 5, 9, 11}}}, {true, true}, w), -1, 1, 1e-4});
  // Where oneDNN's bf16 gradients pick channel blocks: 32 channels, grouped, and 1x1.
  AttrMap groupedIn = attrs({{"pads", Ints{1, 1, 1, 1}}, {"group", int64_t{2}}, {"input_shape", Ints{2, 32, 6, 6}}});
  AttrMap groupedW = attrs({{"pads", Ints{1, 1, 1, 1}}, {"group", int64_t{2}}, {"weight_shape", Ints{32, 16, 3, 3}}});
  out.push_back({"conv2d_grad_input/bf16/32 channels grouped 3x3", OpKind::Conv2dGradInput,
                 bf16Op(OpKind::Conv2dGradInput, {{f32, {2, 32, 6, 6}}, {f32, {32, 16, 3, 3}}}, {true, true}, groupedIn), -1, 1, 1e-4});
  out.push_back({"conv2d_grad_weight/bf16/32 channels grouped 3x3", OpKind::Conv2dGradWeight,
                 bf16Op(OpKind::Conv2dGradWeight, {{f32, {2, 32, 6, 6}}, {f32, {2, 32, 6, 6}}}, {true, true}, groupedW), -1, 1, 1e-4});
  out.push_back({"conv2d_grad_weight/bf16/32 channels 1x1", OpKind::Conv2dGradWeight,
                 bf16Op(OpKind::Conv2dGradWeight, {{f32, {4, 32, 7, 7}}, {f32, {4, 32, 7, 7}}}, {true, true},
                        attrs({{"weight_shape", Ints{32, 32, 1, 1}}})),
                 -1, 1, 1e-4});
  Graph moves;
  Builder b(moves);
  ValueId x = b.create(OpKind::Cast, {b.input("x", {f32, {4, 6}})}, attrs({{"to", std::string("bf16")}}));
  b.output("t", b.create(OpKind::Transpose, {x}, attrs({{"perm", Ints{1, 0}}})));
  b.output("r", b.create(OpKind::Reshape, {x}, attrs({{"shape", Ints{3, 8}}})));
  out.push_back({"transpose/bf16/and reshape", OpKind::Transpose, std::move(moves)});
  // Every data movement op on every storage type (bytewise: 1 and 2-byte elements).
  for (DType t : kAllDTypes) {
    if (!isStorageType(t)) continue;
    Graph g;
    Builder b(g);
    auto as = [&](ValueId v, DType to) { return b.create(OpKind::Cast, {v}, attrs({{"to", std::string(dtypeName(to))}})); };
    ValueId x = as(b.input("x", {f32, {4, 6}}), t), y = as(b.input("y", {f32, {2, 6}}), t);
    ValueId idx = b.constant(Tensor::fromVector<int64_t>(DType::i64, {3}, {3, 0, -1}), "idx");
    b.output("t", b.create(OpKind::Transpose, {x}, attrs({{"perm", Ints{1, 0}}})));
    b.output("r", b.create(OpKind::Reshape, {x}, attrs({{"shape", Ints{3, 8}}})));
    b.output("c", b.create(OpKind::Concat, {x, y}, attrs({{"axis", int64_t{0}}})));
    b.output("s", b.create(OpKind::Slice, {x}, attrs({{"starts", Ints{1, 5}}, {"ends", Ints{4, 0}}, {"axes", Ints{0, 1}}, {"steps", Ints{2, -2}}})));
    b.output("g", b.create(OpKind::Gather, {x, idx}, attrs({{"axis", int64_t{0}}})));
    b.output("e", b.create(OpKind::Expand, {y}, attrs({{"shape", Ints{3, 2, 6}}})));
    out.push_back({fmt::format("transpose/{}/and every movement op", dtypeName(t)), OpKind::Transpose, std::move(g), -300, 300, 0});
  }
}

}  // namespace graphc::test
