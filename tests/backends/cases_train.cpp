// Conformance cases: the gradient ops autodiff emits, the fused loss, one_hot and the
// optimizer updates.
#include "tests/backends/cases.h"

namespace graphc::test {

static void addDenseGrads(std::vector<OpCase>& out) {
  out.push_back({"relu_grad/f32", OpKind::ReluGrad, oneOpGraph(OpKind::ReluGrad, {{DType::f32, {3, 17}}, {DType::f32, {3, 17}}})});
  for (std::string act : {"none", "relu", "leaky_relu", "sigmoid", "tanh", "clip", "elu"})
    for (Shape x : {Shape{5, 17}, Shape{2, 3, 16}, Shape{70, 40}}) {  // the last past dnnl's small-GEMM path
      Shape y = x;
      y.back() = 33;
      AttrMap a = activationAttrs(act);
      if (act == "clip") a.set("beta", 0.5);
      // Sums over up to 70 products in f32 against the interpreter's double.
      out.push_back({fmt::format("dense_grad/{} x {}", act, dims(x)), OpKind::DenseGrad,
                     oneOpGraph(OpKind::DenseGrad, {{DType::f32, y}, {DType::f32, x}, {DType::f32, {x.back(), 33}}, {DType::f32, y}}, a)});
    }
}

// relu's dense_grad(dy, x, w, y) on f32 or bf16 x and w (bf16: the precision pass's form, which
// takes dnnl's bf16 path). With `specials`, dy + c, where c is zero but for NaN and infinities:
// relu's derivative multiplies them by 0 where y <= 0, which gives NaN, as NumPy's and the
// interpreter's product does (not 0). Without `dxRead`, nothing reads dx (the first layer's).
static Graph reluDenseGrad(DType operands, Shape x, int64_t n, bool specials, bool dxRead) {
  Graph g;
  Builder b(g);
  Shape y = x;
  y.back() = n;
  ValueId dy = b.input("dy", {DType::f32, y});
  if (specials) {
    Tensor c(TensorType{DType::f32, y});
    for (int64_t i = 0; i < c.numel(); ++i) c.set(i, i % 7 == 3 ? NAN : i % 11 == 5 ? INFINITY : 0.0);
    dy = b.create(OpKind::Add, {dy, b.constant(c, "specials")});
  }
  auto operand = [&](const char* name, Shape s) {
    ValueId v = b.input(name, {DType::f32, s});
    return operands == DType::f32 ? v : b.create(OpKind::Cast, {v}, attrs({{"to", std::string(dtypeName(operands))}}));
  };
  std::vector<ValueId> r = *b.tryCreate(OpKind::DenseGrad, {dy, operand("x", x), operand("w", {x.back(), n}), b.input("y", {DType::f32, y})},
                                        activationAttrs("relu"));
  if (dxRead) b.output("dx", r[0]);
  b.output("dw", r[1]);
  b.output("db", r[2]);
  return g;
}

static void addDenseGradEdges(std::vector<OpCase>& out) {
  for (DType t : {DType::f32, DType::bf16})
    for (Shape x : {Shape{5, 17}, Shape{70, 40}}) {  // dnnl's small-GEMM path and its matmuls
      // bf16: dz rounded to bf16 for the products (2^-8 relative), exactly as the interpreter does.
      double tol = t == DType::bf16 ? 1e-4 : 1e-5;
      out.push_back({fmt::format("dense_grad/{}/relu, NaN and inf in dy, x {}", dtypeName(t), dims(x)), OpKind::DenseGrad,
                     reluDenseGrad(t, x, 33, true, true), -1, 1, tol});
      out.push_back({fmt::format("dense_grad/{}/relu, dx unread, x {}", dtypeName(t), dims(x)), OpKind::DenseGrad,
                     reluDenseGrad(t, x, 33, false, false), -1, 1, tol});
    }
  // Past the kernels' threading threshold (m x n > 32768), where threads own column ranges.
  out.push_back({"dense_grad/bf16/relu, threaded, x [256,96]", OpKind::DenseGrad, reluDenseGrad(DType::bf16, {256, 96}, 160, false, false), -1, 1,
                 1e-4});
}

static void addConvGrads(std::vector<OpCase>& out) {
  struct Case {
    Shape x, w;
    Ints s, p, d;
    int64_t g;
  };
  const Case cases[] = {{{2, 3, 9, 9}, {8, 3, 3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1},
                        {{1, 16, 9, 11}, {32, 16, 3, 3}, {2, 2}, {0, 1, 2, 0}, {1, 1}, 1},
                        {{1, 8, 10, 10}, {8, 1, 3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, 8},
                        {{2, 6, 11, 11}, {9, 2, 3, 3}, {1, 2}, {2, 2, 2, 2}, {2, 2}, 3}};
  for (const Case& k : cases) {
    AttrMap a = attrs({{"strides", k.s}, {"pads", k.p}, {"dilations", k.d}, {"group", k.g}});
    auto y = inferTypes(OpKind::Conv2d, std::vector<TensorType>{{DType::f32, k.x}, {DType::f32, k.w}, {DType::f32, {k.w[0]}}}, a);
    AttrMap ai = a, aw = a;
    ai.set("input_shape", k.x);
    aw.set("weight_shape", k.w);
    std::string what = fmt::format("x {} w {} group {}", dims(k.x), dims(k.w), k.g);
    out.push_back({"conv2d_grad_input/" + what, OpKind::Conv2dGradInput, oneOpGraph(OpKind::Conv2dGradInput, {y->front(), {DType::f32, k.w}}, ai)});
    out.push_back({"conv2d_grad_input/" + what + " constant weights", OpKind::Conv2dGradInput,
                   oneOpGraph(OpKind::Conv2dGradInput, {y->front(), {DType::f32, k.w}}, ai, {Tensor(), randomF32(k.w, 9)})});
    // Each weight gradient sums N*OH*OW products: f32 accumulation against double.
    out.push_back({"conv2d_grad_weight/" + what, OpKind::Conv2dGradWeight,
                   oneOpGraph(OpKind::Conv2dGradWeight, {y->front(), {DType::f32, k.x}}, aw), -1, 1, 1e-4});
  }
}

static void addPoolGrads(std::vector<OpCase>& out) {
  for (int64_t ceil : {0, 1})
    for (Ints p : {Ints{0, 0, 0, 0}, Ints{1, 1, 1, 1}}) {
      AttrMap a = attrs({{"kernel", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", p}, {"ceil_mode", ceil}});
      Shape x{2, 3, 10, 9};
      auto y = inferTypes(OpKind::MaxPool2d, std::vector<TensorType>{{DType::f32, x}}, a);
      std::string what = fmt::format("ceil {} pad {}", ceil, p[0]);
      out.push_back({"max_pool2d_grad/" + what, OpKind::MaxPool2dGrad, oneOpGraph(OpKind::MaxPool2dGrad, {y->front(), {DType::f32, x}}, a)});
      for (int64_t inc : {0, 1}) {
        AttrMap b = a;
        b.set("count_include_pad", inc);
        b.set("input_shape", x);
        out.push_back({fmt::format("avg_pool2d_grad/{} include pad {}", what, inc), OpKind::AvgPool2dGrad,
                       oneOpGraph(OpKind::AvgPool2dGrad, {y->front()}, b)});
      }
    }
}

static void addOtherGrads(std::vector<OpCase>& out) {
  for (int64_t axis : {-1, 1})
    out.push_back({fmt::format("layer_norm_grad/axis {}", axis), OpKind::LayerNormGrad,
                   oneOpGraph(OpKind::LayerNormGrad,
                              {{DType::f32, {3, 4, 17}}, {DType::f32, {3, 4, 17}}, {DType::f32, axis == 1 ? Shape{4, 17} : Shape{17}}},
                              attrs({{"axis", axis}}))});
  Tensor idx = Tensor::fromVector<int>(DType::i64, {4}, {0, 2, -1, 2});
  out.push_back({"gather_grad/repeated and negative indices", OpKind::GatherGrad,
                 oneOpGraph(OpKind::GatherGrad, {{DType::f32, {3, 4, 5}}, idx.type()}, attrs({{"axis", int64_t{1}}, {"dim", int64_t{6}}}),
                            {Tensor(), idx})});
  out.push_back({"slice_grad/negative steps", OpKind::SliceGrad,
                 oneOpGraph(OpKind::SliceGrad, {{DType::f32, {2, 3}}},
                            attrs({{"starts", Ints{-1, 1}}, {"ends", Ints{-100, 100}}, {"steps", Ints{-2, 2}}, {"input_shape", Ints{4, 6}}}))});
  Tensor labels = Tensor::fromVector<int>(DType::i32, {5}, {0, 3, 1, 3, 2});
  for (std::string t : {"f32", "i64"})
    out.push_back({"one_hot/" + t, OpKind::OneHot,
                   oneOpGraph(OpKind::OneHot, {labels.type()}, attrs({{"depth", int64_t{4}}, {"dtype", t}}), {labels}), -1, 1, 0});
  for (Shape s : {Shape{7, 5}, Shape{64, 10}, Shape{3, 130}}) {
    TensorType t{DType::f32, s};
    Tensor soft = randomTensor(t, 3, 0, 1), onehot(t);
    for (int64_t i = 0; i < s[0]; ++i) onehot.set(i * s[1] + (i * 7) % s[1], 1.0);
    for (auto& [kind, target] : {std::pair{"soft", soft}, std::pair{"one-hot", onehot}})
      out.push_back({fmt::format("softmax_cross_entropy/{} {} targets", dims(s), kind), OpKind::SoftmaxCrossEntropy,
                     oneOpGraph(OpKind::SoftmaxCrossEntropy, {t, t}, {}, {randomTensor(t, 4, -8, 8), target})});
  }
}

static void addUpdates(std::vector<OpCase>& out) {
  for (DType t : {DType::f32, DType::f64}) {
    TensorType w{t, {7, 33}};
    std::string_view d = dtypeName(t);
    out.push_back({fmt::format("sgd_update/{}", d), OpKind::SgdUpdate, oneOpGraph(OpKind::SgdUpdate, {w, w}, attrs({{"lr", 0.1}})), -1, 1, 1e-6});
    out.push_back({fmt::format("momentum_update/{}", d), OpKind::MomentumUpdate,
                   oneOpGraph(OpKind::MomentumUpdate, {w, w, w}, attrs({{"lr", 0.1}})), -1, 1, 1e-6});
    for (double step : {1.0, 7.0})
      out.push_back({fmt::format("adam_update/{} step {}", d, step), OpKind::AdamUpdate,
                     oneOpGraph(OpKind::AdamUpdate, {w, w, w, w, {DType::i64, {}}}, attrs({{"lr", 0.01}}),
                                {Tensor(), Tensor(), Tensor(), randomTensor(w, 4, 0, 1), Tensor::scalar(DType::i64, step)}),
                     -1, 1, 1e-6});
  }
}

// The collectives as one rank runs them (no communicator): a bucket packed, and unpacked.
static void addCollectives(std::vector<OpCase>& out) {
  std::vector<TensorType> grads{{DType::f32, {7, 33}}, {DType::f32, {33}}, {DType::f32, {2, 3, 4}}};
  out.push_back({"allreduce_start/f32 three gradients", OpKind::AllreduceStart,
                 oneOpGraph(OpKind::AllreduceStart, grads, attrs({{"bucket", int64_t{2}}}))});
  std::vector<Shape> shapes{{7, 33}, {33}, {2, 3, 4}};
  out.push_back({"allreduce_wait/f32 three means", OpKind::AllreduceWait,
                 oneOpGraph(OpKind::AllreduceWait, {{DType::f32, {7 * 33 + 33 + 24}}},
                            attrs({{"bucket", int64_t{2}}, {"shapes", encodeShapes(shapes)}}))});
}

void addTrainOpCases(std::vector<OpCase>& out) {
  addCollectives(out);
  addDenseGrads(out);
  addDenseGradEdges(out);
  addConvGrads(out);
  addPoolGrads(out);
  addOtherGrads(out);
  addUpdates(out);
}

}  // namespace graphc::test
