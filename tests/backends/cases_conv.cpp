// Conformance cases: conv2d (groups, strides, dilations, padding, every activation, the
// residual, bound weights) and pooling (padding, ceil mode, dilation, global), their edges (NaN,
// infinities in the padding, empty batches) and a small convnet that keeps values in blocked
// layouts on dnnl.
#include <fmt/ranges.h>

#include <cmath>

#include "tests/backends/cases.h"

namespace graphc::test {

struct ConvShape {
  Shape x;
  int64_t cout, k, group;
  Ints strides, pads, dilations;
  const char* what;
};

static const ConvShape kConvs[] = {
    {{1, 3, 17, 17}, 16, 3, 1, {1, 1}, {1, 1, 1, 1}, {1, 1}, "3x3 pad 1"},
    {{2, 16, 9, 11}, 32, 3, 1, {2, 2}, {0, 1, 2, 0}, {1, 1}, "stride 2, uneven pads"},
    {{1, 8, 12, 12}, 8, 3, 8, {1, 1}, {1, 1, 1, 1}, {1, 1}, "depthwise"},
    {{1, 6, 13, 13}, 9, 3, 3, {1, 2}, {2, 2, 2, 2}, {2, 2}, "groups and dilation"},
    {{3, 1, 28, 28}, 6, 5, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, "lenet's first layer"},
    {{1, 33, 5, 5}, 17, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}, "1x1"}};

static Graph convGraph(const ConvShape& c, const std::string& act, bool residual, bool constW, DType t = DType::f32) {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {t, c.x});
  Shape ws{c.cout, c.x[1] / c.group, c.k, c.k};
  ValueId w = constW ? b.param("w", randomTensor({t, ws}, 5)) : b.input("w", {t, ws});
  ValueId bias = b.param("b", randomTensor({t, {c.cout}}, 6));
  AttrMap a = activationAttrs(act);
  a.set("strides", c.strides), a.set("pads", c.pads), a.set("dilations", c.dilations), a.set("group", c.group);
  std::vector<ValueId> ops{x, w, bias};
  if (residual) {
    auto types = inferTypes(OpKind::Conv2d, std::vector<TensorType>{g.type(x), g.type(w), g.type(bias)}, a);
    ops.push_back(b.input("r", types->front()));
  }
  b.output("y", b.create(OpKind::Conv2d, ops, a));
  return g;
}

static void addConv(std::vector<OpCase>& out) {
  for (const ConvShape& c : kConvs) {
    for (const char* act : kActivations)
      for (bool residual : {false, true})
        out.push_back({fmt::format("conv2d/{} {}{}", c.what, act, residual ? " residual" : ""), OpKind::Conv2d,
                       convGraph(c, act, residual, true)});
    out.push_back({fmt::format("conv2d/{} bound weights", c.what), OpKind::Conv2d, convGraph(c, "relu", true, false)});
  }
  out.push_back({"conv2d/f64", OpKind::Conv2d, convGraph(kConvs[1], "relu", true, true, DType::f64), -1, 1, 1e-12});
}

static void addPools(std::vector<OpCase>& out) {
  for (Shape x : {Shape{1, 3, 17, 17}, Shape{2, 16, 9, 10}, Shape{1, 1, 5, 5}}) {
    for (Ints k : {Ints{2, 2}, Ints{3, 3}, Ints{3, 2}})
      for (Ints s : {Ints{1, 1}, Ints{2, 2}, Ints{3, 2}})
        for (Ints p : {Ints{0, 0, 0, 0}, Ints{1, 1, 1, 1}, Ints{1, 0, 0, 1}})
          for (int64_t ceil : {0, 1}) {
            AttrMap a = attrs({{"kernel", k}, {"strides", s}, {"pads", p}, {"ceil_mode", ceil}});
            std::string what = fmt::format("{} kernel {} stride {} pads {} ceil {}", dims(x), fmt::join(k, "x"), fmt::join(s, "x"),
                                           fmt::join(p, ","), ceil);
            out.push_back({"max_pool2d/" + what, OpKind::MaxPool2d, oneOpGraph(OpKind::MaxPool2d, {{DType::f32, x}}, a)});
            for (int64_t inc : {0, 1}) {
              a.set("count_include_pad", inc);
              out.push_back({fmt::format("avg_pool2d/{} include pad {}", what, inc), OpKind::AvgPool2d,
                             oneOpGraph(OpKind::AvgPool2d, {{DType::f32, x}}, a)});
            }
          }
    out.push_back({fmt::format("max_pool2d/{} dilated", dims(x)), OpKind::MaxPool2d,
                   oneOpGraph(OpKind::MaxPool2d, {{DType::f32, x}}, attrs({{"kernel", Ints{2, 2}}, {"dilations", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}}))});
    out.push_back({fmt::format("global_avg_pool/{}", dims(x)), OpKind::GlobalAvgPool, oneOpGraph(OpKind::GlobalAvgPool, {{DType::f32, x}})});
  }
  AttrMap a = attrs({{"kernel", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}, {"ceil_mode", int64_t{1}}});
  out.push_back({"max_pool2d/f64", OpKind::MaxPool2d, oneOpGraph(OpKind::MaxPool2d, {{DType::f64, {1, 3, 9, 9}}}, a), -1, 1, 1e-12});
  out.push_back({"avg_pool2d/f64", OpKind::AvgPool2d, oneOpGraph(OpKind::AvgPool2d, {{DType::f64, {1, 3, 9, 9}}}, a), -1, 1, 1e-12});
  out.push_back({"global_avg_pool/f64", OpKind::GlobalAvgPool, oneOpGraph(OpKind::GlobalAvgPool, {{DType::f64, {2, 3, 5, 4}}}), -1, 1, 1e-12});
}

// conv -> relu -> pool -> batch_norm -> conv + residual -> global pool -> dense, with a pooled
// value that is also an output.
static Graph smallConvnet() {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {2, 3, 16, 16}});
  ValueId c1 = b.create(OpKind::Conv2d, {x, b.param("w1", randomF32({16, 3, 3, 3}, 1)), b.param("b1", randomF32({16}, 2))},
                        attrs({{"pads", Ints{1, 1, 1, 1}}}));
  ValueId p = b.create(OpKind::MaxPool2d, {b.create(OpKind::Relu, {c1})}, attrs({{"kernel", Ints{2, 2}}, {"strides", Ints{2, 2}}}));
  ValueId bn = b.create(OpKind::BatchNorm, {p, b.param("s", randomF32({16}, 3)), b.param("t", randomF32({16}, 4)),
                                            b.param("m", randomF32({16}, 5)), b.param("v", randomF32({16}, 6, 0.5, 2))});
  ValueId c2 = b.create(OpKind::Conv2d, {bn, b.param("w2", randomF32({16, 16, 3, 3}, 7)), b.param("b2", randomF32({16}, 8))},
                        attrs({{"pads", Ints{1, 1, 1, 1}}, {"activation", std::string("relu")}}));
  ValueId gap = b.create(OpKind::GlobalAvgPool, {b.create(OpKind::Add, {c2, bn})});
  ValueId flat = b.create(OpKind::Reshape, {gap}, attrs({{"shape", Ints{2, 16}}}));
  b.output("y", b.create(OpKind::Dense, {flat, b.param("wd", randomF32({16, 10}, 9)), b.param("bd", randomF32({10}, 10))}));
  b.output("blocked", p);
  return g;
}

// A residual block's tail, as ResNet's: conv + residual, then relu (which fusion cannot move
// into the convolution, after the sum), then elementwise ops of ours on the result. On dnnl
// they run on the convolution's layout as it is stored (nhwc or channel blocks, whichever
// oneDNN picks), unless that layout is padded (12 channels in blocks of 16): exp's e^0 = 1 must
// not land in padding. NaN in the residual checks that relu keeps it.
static Graph residualTail(int64_t channels, bool casts) {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {2, channels, 7, 7}});
  Tensor nans(TensorType{DType::f32, {2, channels, 7, 7}});
  for (int64_t i = 0; i < nans.numel(); ++i) nans.set(i, i % 23 == 4 ? NAN : 0.0);
  ValueId r = b.create(OpKind::Add, {b.input("r", nans.type()), b.constant(nans, "nans")});
  ValueId c = b.create(OpKind::Conv2d, {x, b.param("w", randomF32({channels, channels, 3, 3}, 1)), b.param("b", randomF32({channels}, 2)), r},
                       attrs({{"pads", Ints{1, 1, 1, 1}}}));
  ValueId relu = b.create(OpKind::Relu, {c});
  auto cast = [&](ValueId v, const char* to) { return b.create(OpKind::Cast, {v}, attrs({{"to", std::string(to)}})); };
  b.output("y", casts ? cast(cast(relu, "bf16"), "f32") : b.create(OpKind::Exp, {relu}));
  return g;
}

// ResNet's identity shortcut: c1 = conv(x), then c2 = conv(relu(c1)) + c1, where the sum's
// residual c1 dies at c2. dnnl puts c2 in c1's buffer and skips the copy of the residual into it
// (Lowering::allowReuse); with c1 also an output, c1 lives on and the copy runs.
static Graph identityShortcut(int64_t channels, bool residualIsOutput) {
  Graph g;
  Builder b(g);
  AttrMap same = attrs({{"pads", Ints{1, 1, 1, 1}}});
  ValueId x = b.input("x", {DType::f32, {2, channels, 8, 8}});
  ValueId c1 = b.create(OpKind::Conv2d, {x, b.param("w1", randomF32({channels, channels, 3, 3}, 1)), b.param("b1", randomF32({channels}, 2))}, same);
  ValueId r = b.create(OpKind::Relu, {c1});
  b.output("y", b.create(OpKind::Conv2d, {r, b.param("w2", randomF32({channels, channels, 3, 3}, 3)), b.param("b2", randomF32({channels}, 4)), c1},
                         same));
  if (residualIsOutput) b.output("c1", c1);
  return g;
}

// x + c, where the constant c is zero but for NaN at a few positions: a NaN that reaches the
// op at run time (a constant input could be folded before the backend sees it).
static ValueId withNaNs(Builder& b, const TensorType& type) {
  Tensor c(type);
  for (int64_t i = 0; i < c.numel(); ++i) c.set(i, i % 19 == 5 ? NAN : 0.0);  // some windows with a NaN, some without
  return b.create(OpKind::Add, {b.input("x", type), b.constant(c, "nans")});
}

// The window of w[0, 0, 0, 0] lies in the padding for the first row and column of outputs:
// the interpreter never reads it there, so an infinite weight leaves those outputs finite.
static Graph infiniteWeightInPadding(OpKind op) {
  Graph g;
  Builder b(g);
  Tensor w = randomF32({4, 2, 3, 3}, 11);
  w.set(0, INFINITY);
  AttrMap a = attrs({{"pads", Ints{1, 1, 1, 1}}});
  if (op == OpKind::Conv2d) {
    b.output("y", b.create(OpKind::Conv2d, {b.input("x", {DType::f32, {1, 2, 6, 6}}), b.constant(w, "w"), b.param("b", randomF32({4}, 12))}, a));
    return g;
  }
  a.set("input_shape", Ints{1, 2, 6, 6});
  b.output("dx", b.create(OpKind::Conv2dGradInput, {b.input("dy", {DType::f32, {1, 4, 6, 6}}), b.constant(w, "w")}, a));
  return g;
}

// What the sweeps above leave out: every window attribute at once, a convolution big enough
// for a thread team with partial register tiles, non-finite values, an empty batch, f64 grads.
static void addWindowEdges(std::vector<OpCase>& out) {
  const ConvShape mixed{{2, 6, 15, 14}, 9, 3, 3, {2, 3}, {0, 2, 1, 1}, {2, 1}, "mixed"};
  out.push_back({"conv2d/stride, dilation, group and uneven pads at once", OpKind::Conv2d, convGraph(mixed, "leaky_relu", true, true)});
  const ConvShape wide{{1, 8, 20, 41}, 12, 3, 1, {2, 2}, {1, 1, 1, 1}, {1, 1}, "wide"};  // whole strided chunks
  out.push_back({"conv2d/stride 2 over wide rows", OpKind::Conv2d, convGraph(wide, "none", true, true)});
  const ConvShape team{{2, 16, 30, 30}, 28, 3, 1, {1, 1}, {1, 1, 1, 1}, {1, 1}, "team"};
  out.push_back({"conv2d/a thread team, partial tiles and rows", OpKind::Conv2d, convGraph(team, "relu", true, true)});
  out.push_back({"conv2d/a gelu tile", OpKind::Conv2d, convGraph(team, "gelu", false, true)});
  const ConvShape empty{{0, 3, 8, 8}, 4, 3, 1, {1, 1}, {1, 1, 1, 1}, {1, 1}, "empty"};
  out.push_back({"conv2d/batch 0", OpKind::Conv2d, convGraph(empty, "relu", true, true)});
  out.push_back({"conv2d/an infinite weight in the padding", OpKind::Conv2d, infiniteWeightInPadding(OpKind::Conv2d)});
  out.push_back({"conv2d_grad_input/an infinite weight in the padding", OpKind::Conv2dGradInput,
                 infiniteWeightInPadding(OpKind::Conv2dGradInput)});

  AttrMap pool = attrs({{"kernel", Ints{3, 2}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 0, 1, 1}}, {"dilations", Ints{2, 2}},
                        {"ceil_mode", int64_t{1}}});
  out.push_back({"max_pool2d/dilated, ceil mode, uneven pads", OpKind::MaxPool2d, oneOpGraph(OpKind::MaxPool2d, {{DType::f32, {1, 2, 11, 10}}}, pool)});
  for (OpKind op : {OpKind::MaxPool2d, OpKind::MaxPool2dGrad}) {
    Graph g;
    Builder b(g);
    TensorType x{DType::f32, {2, 3, 9, 8}};
    ValueId nans = withNaNs(b, x);
    AttrMap a = attrs({{"kernel", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}});
    auto y = inferTypes(OpKind::MaxPool2d, std::vector<TensorType>{x}, a);
    if (op == OpKind::MaxPool2d) b.output("y", b.create(op, {nans}, a));
    else b.output("dx", b.create(op, {b.input("dy", y->front()), nans}, a));
    out.push_back({fmt::format("{}/NaN in the input wins", opName(op)), op, std::move(g)});
  }
  {  // after a convolution, in the layout it chose (oneDNN's channel blocks): NaN and -inf windows
    Graph g;
    Builder b(g);
    TensorType x{DType::f32, {2, 3, 9, 8}};
    Tensor special(x);
    for (int64_t i = 0; i < special.numel(); ++i) special.set(i, i % 23 == 4 ? NAN : i % 29 == 7 ? -INFINITY : 0.0);
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < 3; ++j) special.set(72 + i * 8 + j, -INFINITY);  // a whole window of channel 1
    ValueId in = b.create(OpKind::Add, {b.input("x", x), b.constant(special, "special")});
    Tensor ones(TensorType{DType::f32, {48, 1, 1, 1}});
    for (int64_t i = 0; i < 48; ++i) ones.set(i, 1.0);  // each output channel copies an input channel, -inf and NaN too
    ValueId copies = b.create(OpKind::Conv2d, {in, b.constant(ones, "w"), b.constant(Tensor(TensorType{DType::f32, {48}}), "b")},
                              attrs({{"group", int64_t{3}}}));
    b.output("y", b.create(OpKind::MaxPool2d, {copies}, attrs({{"kernel", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}})));
    out.push_back({"max_pool2d/NaN and -inf after a convolution", OpKind::MaxPool2d, std::move(g)});
  }
  out.push_back({"max_pool2d/batch 0", OpKind::MaxPool2d, oneOpGraph(OpKind::MaxPool2d, {{DType::f32, {0, 2, 5, 5}}}, attrs({{"kernel", Ints{2, 2}}}))});
  out.push_back({"global_avg_pool/empty planes", OpKind::GlobalAvgPool, oneOpGraph(OpKind::GlobalAvgPool, {{DType::f32, {1, 2, 0, 3}}})});

  AttrMap conv = attrs({{"strides", Ints{2, 2}}, {"pads", Ints{1, 0, 2, 1}}, {"dilations", Ints{1, 2}}, {"group", int64_t{2}}});
  Shape xs{2, 4, 11, 10}, ws{6, 2, 3, 2};
  auto y = inferTypes(OpKind::Conv2d, std::vector<TensorType>{{DType::f64, xs}, {DType::f64, ws}, {DType::f64, {6}}}, conv);
  AttrMap ai = conv, aw = conv;
  ai.set("input_shape", xs), aw.set("weight_shape", ws);
  out.push_back({"conv2d_grad_input/f64, stride 2, uneven pads", OpKind::Conv2dGradInput,
                 oneOpGraph(OpKind::Conv2dGradInput, {y->front(), {DType::f64, ws}}, ai), -1, 1, 1e-12});
  out.push_back({"conv2d_grad_weight/f64, stride 2, uneven pads", OpKind::Conv2dGradWeight,
                 oneOpGraph(OpKind::Conv2dGradWeight, {y->front(), {DType::f64, xs}}, aw), -1, 1, 1e-12});
  AttrMap avg = attrs({{"kernel", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}, {"ceil_mode", int64_t{1}},
                       {"count_include_pad", int64_t{1}}});
  auto pooled = inferTypes(OpKind::AvgPool2d, std::vector<TensorType>{{DType::f64, {1, 3, 10, 9}}}, avg);
  out.push_back({"max_pool2d_grad/f64", OpKind::MaxPool2dGrad,
                 oneOpGraph(OpKind::MaxPool2dGrad, {pooled->front(), {DType::f64, {1, 3, 10, 9}}}, attrs({{"kernel", Ints{3, 3}},
                            {"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}, {"ceil_mode", int64_t{1}}})), -1, 1, 1e-12});
  avg.set("input_shape", Ints{1, 3, 10, 9});
  out.push_back({"avg_pool2d_grad/f64", OpKind::AvgPool2dGrad, oneOpGraph(OpKind::AvgPool2dGrad, {pooled->front()}, avg), -1, 1, 1e-12});
}

void addConvCases(std::vector<OpCase>& out) {
  addConv(out);
  addPools(out);
  addWindowEdges(out);
  out.push_back({"conv2d/small convnet through blocked layouts", OpKind::Conv2d, smallConvnet()});
  for (int64_t channels : {16, 12}) {
    out.push_back({fmt::format("conv2d/residual, relu and exp after it, {} channels", channels), OpKind::Conv2d,
                   residualTail(channels, false)});
    // A sum in another order may round an element to the neighbouring bf16 (2^-8 relative); a
    // layout mix-up would move whole elements.
    out.push_back({fmt::format("conv2d/residual, relu and casts through bf16 after it, {} channels", channels), OpKind::Conv2d,
                   residualTail(channels, true), -1, 1, 1e-2});
  }
  for (int64_t channels : {16, 12})
    for (bool kept : {false, true})
      out.push_back({fmt::format("conv2d/identity shortcut{}, {} channels", kept ? " also an output" : "", channels), OpKind::Conv2d,
                     identityShortcut(channels, kept), -1, 1, 1e-4});  // two 144-term sums in a row, in f32
}

}  // namespace graphc::test
