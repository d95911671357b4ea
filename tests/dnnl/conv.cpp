// dnnl backend: conv2d (groups, strides, dilations, padding, every activation, residual) and
// pooling (max with dilation, avg with and without padding counted, ceil mode, global).
#include "tests/dnnl/check.h"

namespace graphc::test {

struct ConvCase {
  Shape x;
  int64_t cout, k, group;
  std::vector<int64_t> strides, pads, dilations;
};

static Graph convGraph(const ConvCase& c, const std::string& act, bool residual, bool constW, DType t = DType::f32) {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {t, c.x});
  Shape ws{c.cout, c.x[1] / c.group, c.k, c.k};
  ValueId w = constW ? b.param("w", randomTensor({t, ws}, 5)) : b.input("w", {t, ws});
  ValueId bias = b.param("b", randomTensor({t, {c.cout}}, 6));
  AttrMap a = attrs({{"strides", c.strides}, {"pads", c.pads}, {"dilations", c.dilations}, {"group", c.group},
                     {"activation", act}});
  if (act == "leaky_relu" || act == "elu") a.set("alpha", 0.3);
  if (act == "clip") a.set("alpha", -0.5), a.set("beta", 0.75);
  std::vector<ValueId> ops{x, w, bias};
  if (residual) {
    auto types = inferTypes(OpKind::Conv2d, std::vector<TensorType>{g.type(x), g.type(w), g.type(bias)}, a);
    ops.push_back(b.input("r", types->front()));
  }
  b.output("y", b.create(OpKind::Conv2d, ops, a));
  return g;
}

static const ConvCase kConvs[] = {
    {{1, 3, 17, 17}, 16, 3, 1, {1, 1}, {1, 1, 1, 1}, {1, 1}},
    {{2, 16, 9, 11}, 32, 3, 1, {2, 2}, {0, 1, 2, 0}, {1, 1}},
    {{1, 8, 12, 12}, 8, 3, 8, {1, 1}, {1, 1, 1, 1}, {1, 1}},   // depthwise
    {{1, 6, 13, 13}, 9, 3, 3, {1, 2}, {2, 2, 2, 2}, {2, 2}},   // groups and dilation
    {{3, 1, 28, 28}, 6, 5, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}},   // LeNet's first layer
    {{1, 33, 5, 5}, 17, 1, 1, {1, 1}, {0, 0, 0, 0}, {1, 1}}};  // 1x1

TEST_CASE("dnnl: conv2d with each activation and the residual") {
  for (const ConvCase& c : kConvs)
    for (std::string act : {"none", "relu", "leaky_relu", "gelu", "sigmoid", "tanh", "clip", "elu"})
      for (bool residual : {false, true}) {
        INFO(shapeStr(c.x), " cout=", c.cout, " k=", c.k, " group=", c.group, " ", act, " residual=", residual);
        checkClose(convGraph(c, act, residual, true), 1e-5);
      }
}

TEST_CASE("dnnl: conv2d with weights bound at run time, and f64") {
  for (const ConvCase& c : kConvs) {
    INFO(shapeStr(c.x), " group=", c.group);
    checkClose(convGraph(c, "relu", true, false), 1e-5);
  }
  checkClose(convGraph(kConvs[1], "relu", true, true, DType::f64), 1e-12);
}

static Graph poolGraph(OpKind op, Shape x, AttrMap a, DType t = DType::f32) {
  Graph g;
  Builder b(g);
  ValueId in = b.input("x", {t, x});
  b.output("y", b.create(op, {in}, std::move(a)));
  return g;
}

TEST_CASE("dnnl: pooling with padding, ceil mode and dilation") {
  using V = std::vector<int64_t>;
  for (Shape x : {Shape{1, 3, 17, 17}, Shape{2, 16, 9, 10}, Shape{1, 1, 5, 5}}) {
    for (V k : {V{2, 2}, V{3, 3}, V{3, 2}})
      for (V s : {V{1, 1}, V{2, 2}, V{3, 2}})
        for (V p : {V{0, 0, 0, 0}, V{1, 1, 1, 1}, V{1, 0, 0, 1}})
          for (int64_t ceil : {0, 1}) {
            INFO(shapeStr(x), " k=", k[0], "x", k[1], " s=", s[0], "x", s[1], " p=", p[0], p[1], p[2], p[3], " ceil=", ceil);
            checkClose(poolGraph(OpKind::MaxPool2d, x, attrs({{"kernel", k}, {"strides", s}, {"pads", p}, {"ceil_mode", ceil}})));
            for (int64_t inc : {0, 1})
              checkClose(poolGraph(OpKind::AvgPool2d, x,
                                   attrs({{"kernel", k}, {"strides", s}, {"pads", p}, {"ceil_mode", ceil}, {"count_include_pad", inc}})));
          }
    checkClose(poolGraph(OpKind::MaxPool2d, x, attrs({{"kernel", V{2, 2}}, {"dilations", V{2, 2}}, {"pads", V{1, 1, 1, 1}}})));
    checkClose(poolGraph(OpKind::GlobalAvgPool, x, {}));
  }
}

TEST_CASE("dnnl: f64 pools fall back to the interpreter") {
  using V = std::vector<int64_t>;
  AttrMap a = attrs({{"kernel", V{3, 3}}, {"strides", V{2, 2}}, {"pads", V{1, 1, 1, 1}}, {"ceil_mode", int64_t{1}}});
  checkClose(poolGraph(OpKind::MaxPool2d, {1, 3, 9, 9}, a, DType::f64), 1e-12);
  checkClose(poolGraph(OpKind::AvgPool2d, {1, 3, 9, 9}, a, DType::f64), 1e-12);
  checkClose(poolGraph(OpKind::GlobalAvgPool, {2, 3, 5, 4}, {}, DType::f64), 1e-12);
}

TEST_CASE("dnnl: conv -> relu -> pool -> batch_norm stays blocked, then dense") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {2, 3, 16, 16}});
  ValueId c1 = b.create(OpKind::Conv2d, {x, b.param("w1", randomF32({16, 3, 3, 3}, 1)), b.param("b1", randomF32({16}, 2))},
                        attrs({{"pads", std::vector<int64_t>{1, 1, 1, 1}}}));
  ValueId r = b.create(OpKind::Relu, {c1});
  ValueId p = b.create(OpKind::MaxPool2d, {r}, attrs({{"kernel", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}}}));
  ValueId bn = b.create(OpKind::BatchNorm, {p, b.param("s", randomF32({16}, 3)), b.param("t", randomF32({16}, 4)),
                                            b.param("m", randomF32({16}, 5)), b.param("v", randomF32({16}, 6, 0.5, 2))});
  ValueId c2 = b.create(OpKind::Conv2d, {bn, b.param("w2", randomF32({16, 16, 3, 3}, 7)), b.param("b2", randomF32({16}, 8))},
                        attrs({{"pads", std::vector<int64_t>{1, 1, 1, 1}}, {"activation", std::string("relu")}}));
  ValueId sum = b.create(OpKind::Add, {c2, bn});
  ValueId gap = b.create(OpKind::GlobalAvgPool, {sum});
  ValueId flat = b.create(OpKind::Reshape, {gap}, attrs({{"shape", std::vector<int64_t>{2, 16}}}));
  b.output("y", b.create(OpKind::Dense, {flat, b.param("wd", randomF32({16, 10}, 9)), b.param("bd", randomF32({10}, 10))}));
  b.output("blocked", p);  // a blocked value that is also an output
  checkClose(g, 1e-5);
}

}  // namespace graphc::test
