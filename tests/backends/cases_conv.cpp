// Conformance cases: conv2d (groups, strides, dilations, padding, every activation, the
// residual, bound weights) and pooling (padding, ceil mode, dilation, global), and a small
// convnet that keeps values in blocked layouts on dnnl.
#include <fmt/ranges.h>

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

void addConvCases(std::vector<OpCase>& out) {
  addConv(out);
  addPools(out);
  out.push_back({"conv2d/small convnet through blocked layouts", OpKind::Conv2d, smallConvnet()});
}

}  // namespace graphc::test
