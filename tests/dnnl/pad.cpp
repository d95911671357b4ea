// dnnl backend: pad and pad_grad on every mode and dtype, against the interpreter.
#include "tests/dnnl/check.h"

namespace graphc::test {

using V = std::vector<int64_t>;

static Graph padGraph(OpKind op, TensorType t, V pads, std::string mode, double value = 0) {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", t);
  b.output("y", b.create(op, {x}, op == OpKind::Pad ? attrs({{"pads", pads}, {"mode", mode}, {"value", value}})
                                                    : attrs({{"pads", pads}, {"mode", mode}})));
  return g;
}

TEST_CASE("dnnl: pad in every mode and dtype") {
  for (DType t : {DType::f32, DType::f64, DType::i64, DType::i32, DType::boolean}) {
    for (const char* mode : {"constant", "reflect", "edge"}) {
      INFO(dtypeName(t), " ", mode);
      checkClose(padGraph(OpKind::Pad, {t, {2, 3, 5, 6}}, V{0, 1, 2, 3, 1, 0, 4, 5}, mode, 1), 0);
      checkClose(padGraph(OpKind::Pad, {t, {7}}, V{3, 6}, mode, -2), 0);
      checkClose(padGraph(OpKind::Pad, {t, {300, 200}}, V{1, 1, 1, 1}, mode), 0);  // threaded
      checkClose(padGraph(OpKind::Pad, {t, {3, 4}}, V{0, 0, 0, 0}, mode), 0);
    }
    checkClose(padGraph(OpKind::Pad, {t, {}}, V{}, "constant"), 0);
    checkClose(padGraph(OpKind::Pad, {t, {2, 0, 3}}, V{1, 2, 0, 0, 1, 1}, "constant", 1), 0);
  }
}

TEST_CASE("dnnl: pad_grad sums what reflect and edge copied") {
  for (DType t : {DType::f32, DType::f64, DType::i64}) {
    for (const char* mode : {"constant", "reflect", "edge"}) {
      INFO(dtypeName(t), " ", mode);
      checkClose(padGraph(OpKind::PadGrad, {t, {3, 6, 11}}, V{0, 1, 2, 1, 2, 3}, mode), 1e-6);
    }
  }
}

}  // namespace graphc::test
