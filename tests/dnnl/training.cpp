// dnnl backend: gradient and optimizer ops against the interpreter, and whole training steps
// (forward, loss, backward, update) run for several steps with per-context state.
#include "tests/dnnl/check.h"

namespace graphc::test {

using V = std::vector<int64_t>;

// One node with the given operands (inputs x0, x1, ... unless a constant is given) and all of
// its results as outputs.
static Graph opGraph(OpKind op, std::vector<TensorType> ins, AttrMap a, std::vector<Tensor> consts = {}) {
  Graph g;
  Builder b(g);
  std::vector<ValueId> ops;
  for (size_t i = 0; i < ins.size(); ++i)
    ops.push_back(i < consts.size() && !consts[i].empty() ? b.constant(consts[i], "c" + std::to_string(i))
                                                          : b.input("x" + std::to_string(i), ins[i]));
  auto r = b.tryCreate(op, ops, std::move(a));
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message()));
  for (size_t i = 0; i < r->size(); ++i) b.output("y" + std::to_string(i), (*r)[i]);
  return g;
}

TEST_CASE("dnnl: relu_grad and dense_grad for each activation") {
  checkClose(opGraph(OpKind::ReluGrad, {{DType::f32, {3, 17}}, {DType::f32, {3, 17}}}, {}));
  for (std::string act : {"none", "relu", "leaky_relu", "sigmoid", "tanh", "clip", "elu"})
    for (Shape x : {Shape{5, 17}, Shape{2, 3, 16}, Shape{70, 40}}) {  // the last past the small-GEMM path
      Shape y = x;
      y.back() = 33;
      AttrMap a = attrs({{"activation", act}});
      if (act == "leaky_relu" || act == "elu") a.set("alpha", 0.3);
      if (act == "clip") a.set("alpha", -0.5), a.set("beta", 0.5);
      INFO(act, " x=", shapeStr(x));
      // Sums over up to 33 products in f32 against the interpreter's double.
      checkClose(opGraph(OpKind::DenseGrad, {{DType::f32, y}, {DType::f32, x}, {DType::f32, {x.back(), 33}}, {DType::f32, y}}, a), 1e-5);
    }
}

TEST_CASE("dnnl: conv2d gradients (input and weights), with groups, strides and dilation") {
  struct Case { Shape x, w; V s, p, d; int64_t g; };
  const Case cases[] = {{{2, 3, 9, 9}, {8, 3, 3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1},
                        {{1, 16, 9, 11}, {32, 16, 3, 3}, {2, 2}, {0, 1, 2, 0}, {1, 1}, 1},
                        {{1, 8, 10, 10}, {8, 1, 3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, 8},
                        {{2, 6, 11, 11}, {9, 2, 3, 3}, {1, 2}, {2, 2, 2, 2}, {2, 2}, 3}};
  for (const Case& k : cases) {
    AttrMap a = attrs({{"strides", k.s}, {"pads", k.p}, {"dilations", k.d}, {"group", k.g}});
    auto y = inferTypes(OpKind::Conv2d, std::vector<TensorType>{{DType::f32, k.x}, {DType::f32, k.w}, {DType::f32, {k.w[0]}}}, a);
    REQUIRE(y.ok());
    INFO(shapeStr(k.x), " group ", k.g);
    AttrMap ai = a, aw = a;
    ai.set("input_shape", k.x);
    aw.set("weight_shape", k.w);
    // Each weight gradient sums N*OH*OW products: f32 accumulation against double.
    checkClose(opGraph(OpKind::Conv2dGradInput, {y->front(), {DType::f32, k.w}}, ai), 1e-5);
    checkClose(opGraph(OpKind::Conv2dGradInput, {y->front(), {DType::f32, k.w}}, ai, {Tensor(), randomF32(k.w, 9)}), 1e-5);
    checkClose(opGraph(OpKind::Conv2dGradWeight, {y->front(), {DType::f32, k.x}}, aw), 1e-4);
  }
}

TEST_CASE("dnnl: pooling gradients with padding and ceil mode") {
  for (int64_t ceil : {0, 1})
    for (V p : {V{0, 0, 0, 0}, V{1, 1, 1, 1}}) {
      AttrMap a = attrs({{"kernel", V{3, 3}}, {"strides", V{2, 2}}, {"pads", p}, {"ceil_mode", ceil}});
      Shape x{2, 3, 10, 9};
      auto y = inferTypes(OpKind::MaxPool2d, std::vector<TensorType>{{DType::f32, x}}, a);
      REQUIRE(y.ok());
      INFO("ceil ", ceil, " pad ", p[0]);
      checkClose(opGraph(OpKind::MaxPool2dGrad, {y->front(), {DType::f32, x}}, a));
      for (int64_t inc : {0, 1}) {
        AttrMap b = a;
        b.set("count_include_pad", inc);
        b.set("input_shape", x);
        checkClose(opGraph(OpKind::AvgPool2dGrad, {y->front()}, b));
      }
    }
}

TEST_CASE("dnnl: layer_norm_grad, gather_grad, slice_grad and one_hot") {
  for (int64_t axis : {-1, 1})
    checkClose(opGraph(OpKind::LayerNormGrad, {{DType::f32, {3, 4, 17}}, {DType::f32, {3, 4, 17}}, {DType::f32, axis == 1 ? Shape{4, 17} : Shape{17}}},
                       attrs({{"axis", axis}})),
               1e-5);
  Tensor idx = Tensor::fromVector<int>(DType::i64, {4}, {0, 2, -1, 2});
  checkClose(opGraph(OpKind::GatherGrad, {{DType::f32, {3, 4, 5}}, idx.type()}, attrs({{"axis", int64_t{1}}, {"dim", int64_t{6}}}),
                     {Tensor(), idx}));
  checkClose(opGraph(OpKind::SliceGrad, {{DType::f32, {2, 3}}},
                     attrs({{"starts", V{-1, 1}}, {"ends", V{-100, 100}}, {"steps", V{-2, 2}}, {"input_shape", V{4, 6}}})));
  Tensor labels = Tensor::fromVector<int>(DType::i32, {5}, {0, 3, 1, 3, 2});
  for (std::string t : {"f32", "i64"})
    checkClose(opGraph(OpKind::OneHot, {labels.type()}, attrs({{"depth", int64_t{4}}, {"dtype", t}}), {labels}), 0);
}

TEST_CASE("dnnl: softmax_cross_entropy (loss and the logits' gradient), one-hot and soft targets") {
  for (Shape s : {Shape{7, 5}, Shape{64, 10}, Shape{3, 130}}) {
    INFO(shapeStr(s));
    TensorType t{DType::f32, s};
    Tensor soft = randomTensor(t, 3, 0, 1), onehot(t);
    for (int64_t i = 0; i < s[0]; ++i) onehot.set(i * s[1] + (i * 7) % s[1], 1.0);
    for (const Tensor& target : {soft, onehot})
      checkClose(opGraph(OpKind::SoftmaxCrossEntropy, {t, t}, {}, {randomTensor(t, 4, -8, 8), target}), 1e-5);
  }
}

TEST_CASE("dnnl: optimizer updates, f32 and f64") {
  for (DType t : {DType::f32, DType::f64}) {
    TensorType w{t, {7, 33}};
    checkClose(opGraph(OpKind::SgdUpdate, {w, w}, attrs({{"lr", 0.1}})), 1e-6);
    checkClose(opGraph(OpKind::MomentumUpdate, {w, w, w}, attrs({{"lr", 0.1}})), 1e-6);
    for (double step : {1.0, 7.0})
      checkClose(opGraph(OpKind::AdamUpdate, {w, w, w, w, {DType::i64, {}}}, attrs({{"lr", 0.01}}),
                         {Tensor(), Tensor(), Tensor(), randomTensor(w, 4, 0, 1), Tensor::scalar(DType::i64, step)}),
                 1e-6);
  }
}

}  // namespace graphc::test
