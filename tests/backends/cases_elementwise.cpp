// Conformance cases: unary and binary elementwise ops (broadcasting), where and cast, in f32
// and in the other dtypes.
#include <cmath>

#include "tests/backends/cases.h"

namespace graphc::test {

// Where inputs are drawn: inside each op's domain, so that most results are numbers (the NaN
// outside it is the special-values cases' business).
static std::pair<double, double> inputRange(OpKind op) {
  switch (op) {
    case OpKind::Log: case OpKind::Sqrt: case OpKind::Reciprocal: return {0.1, 3};
    case OpKind::Asin: case OpKind::Acos: case OpKind::Atanh: return {-0.95, 0.95};
    case OpKind::Acosh: return {1, 4};
    default: return {-3, 3};
  }
}

static AttrMap unaryAttrs(OpKind op, bool integer) {
  if (op == OpKind::Clip) return integer ? attrs({{"min", -2.5}, {"max", 3.0}}) : attrs({{"min", -0.25}, {"max", 0.5}});
  if (op == OpKind::LeakyRelu) return attrs({{"alpha", 0.2}});
  if (op == OpKind::Elu) return attrs({{"alpha", 0.7}});
  return {};
}

static void addUnary(std::vector<OpCase>& out) {
  for (const OpInfo& info : allOps()) {
    if (!info.has(kUnary) || info.kind == OpKind::Cast) continue;
    auto [lo, hi] = inputRange(info.kind);
    for (const Shape& s : {Shape{1}, Shape{3, 17}, Shape{2, 3, 33}, Shape{}})
      // oneDNN's exp/log/gelu_erf are polynomial approximations: log is off by up to 3.5e-6
      // near 1, well inside 1e-5.
      out.push_back({fmt::format("{}/f32 {}", info.name, dims(s)), info.kind,
                     oneOpGraph(info.kind, {{DType::f32, s}}, unaryAttrs(info.kind, false)), lo, hi, 1e-5, 7});
    out.push_back({fmt::format("{}/f64", info.name), info.kind, oneOpGraph(info.kind, {{DType::f64, {3, 17}}}), lo, hi, 1e-12, 3});
    if (info.has(kFloatOnly)) continue;
    for (DType t : {DType::i32, DType::i64})
      out.push_back({fmt::format("{}/{}", info.name, dtypeName(t)), info.kind,
                     oneOpGraph(info.kind, {{t, {5, 7}}}, unaryAttrs(info.kind, true)), -9, 9, 0, 3});
  }
}

static const OpKind kBinary[] = {OpKind::Add, OpKind::Sub,   OpKind::Mul,  OpKind::Div,    OpKind::Min,
                                 OpKind::Max, OpKind::Equal, OpKind::Less, OpKind::Greater};

static void addBinary(std::vector<OpCase>& out) {
  const std::pair<Shape, Shape> pairs[] = {{{3, 17}, {3, 17}}, {{3, 17}, {17}},       {{17}, {3, 17}}, {{1, 17}, {3, 1}},
                                           {{2, 1, 33}, {1, 3, 1}}, {{2, 3, 33}, {}}, {{}, {4, 1}},    {{1}, {1}}};
  std::vector<OpKind> f32Ops(std::begin(kBinary), std::end(kBinary));
  f32Ops.push_back(OpKind::Pow);
  for (OpKind op : f32Ops)
    for (auto& [a, b] : pairs)
      // Positive operands keep pow and div well conditioned.
      out.push_back({fmt::format("{}/f32 {} {}", opName(op), dims(a), dims(b)), op,
                     oneOpGraph(op, {{DType::f32, a}, {DType::f32, b}}), 0.5, 2, 1e-6, 11});
  for (OpKind op : kBinary)
    for (DType t : {DType::f64, DType::i32, DType::i64})
      out.push_back({fmt::format("{}/{}", opName(op), dtypeName(t)), op, oneOpGraph(op, {{t, {2, 3, 5}}, {t, {3, 1}}}), 1, 9,
                     1e-12, 5});
  for (double e : {2.0, 0.5, -1.5, 3.0}) {  // a constant scalar exponent (oneDNN's eltwise_pow)
    Tensor exponent = Tensor::fromVector<float>(DType::f32, {}, {(float)e});
    out.push_back({fmt::format("pow/constant exponent {}", e), OpKind::Pow,
                   oneOpGraph(OpKind::Pow, {{DType::f32, {3, 17}}, exponent.type()}, {}, {Tensor(), exponent}), 0.1, 3, 2e-6, 3});
  }
}

static void addWhereAndCast(std::vector<OpCase>& out) {
  Graph g;
  Builder b(g);
  ValueId c = b.input("c", {DType::boolean, {3, 1}});
  ValueId x = b.input("x", {DType::f32, {3, 17}}), y = b.input("y", {DType::f32, {17}});
  ValueId w = b.create(OpKind::Where, {c, x, y});
  b.output("w", w);
  b.output("eq", b.create(OpKind::Equal, {c, c}));
  out.push_back({"where/f32 broadcast", OpKind::Where, g, -4, 4, 0, 3});
  for (DType t : {DType::i64, DType::f64})
    out.push_back({fmt::format("where/{}", dtypeName(t)), OpKind::Where,
                   oneOpGraph(OpKind::Where, {{DType::boolean, {2, 1}}, {t, {2, 5}}, {t, {5}}}), -9, 9, 0, 3});
  for (DType from : kAllDTypes)
    for (DType to : kAllDTypes) {
      if (from == to) continue;
      out.push_back({fmt::format("cast/{} to {}", dtypeName(from), dtypeName(to)), OpKind::Cast,
                     oneOpGraph(OpKind::Cast, {{from, {3, 17}}}, attrs({{"to", std::string(dtypeName(to))}})), -300, 300, 0, 3});
    }
  // The edges, from f64 and from f32: f16's overflow to inf, ties, subnormals and a tie that
  // rounding through f32 would break; NaN, infinities, -0; integer wrap and saturation. A
  // constant concatenated with an input, so that no backend folds the casts away.
  static const double kEdges[] = {NAN, INFINITY, -INFINITY, -0.0, 65504, 65519.9, 65520, 1e10, -1e10, 0x1p-24, 0x1.8p-25,
                                  0x1p-25, 1 + 0x1p-11 + 0x1p-40, 1 + 0x1p-11, 1 + 3 * 0x1p-11, 255.9, 256, -129, -1.5,
                                  65535.5, 32768, 127.5, 1e-40, 300.7};
  for (DType from : {DType::f64, DType::f32})
    for (DType to : kAllDTypes) {
      if (to == from) continue;
      Graph g;
      Builder b(g);
      Tensor edges(TensorType{from, {(int64_t)std::size(kEdges)}});
      for (int64_t i = 0; i < edges.numel(); ++i) edges.set(i, kEdges[i]);
      ValueId x = b.create(OpKind::Concat, {b.constant(edges, "edges"), b.input("x", {from, {5}})}, attrs({{"axis", int64_t{0}}}));
      ValueId y = b.create(OpKind::Cast, {x}, attrs({{"to", std::string(dtypeName(to))}}));
      b.output("y", y);
      b.output("back", b.create(OpKind::Cast, {y}, attrs({{"to", std::string(dtypeName(from))}})));
      out.push_back({fmt::format("cast/edges {} to {}", dtypeName(from), dtypeName(to)), OpKind::Cast, std::move(g), -70000, 70000, 0});
    }
}

static const OpKind kMathOps[] = {OpKind::Sin,   OpKind::Cos,   OpKind::Tan,   OpKind::Asin,  OpKind::Acos,
                                  OpKind::Atan,  OpKind::Sinh,  OpKind::Cosh,  OpKind::Asinh, OpKind::Acosh,
                                  OpKind::Atanh, OpKind::Floor, OpKind::Ceil,  OpKind::Round, OpKind::Sign};

// NaN, infinities and -0 among ordinary values, in turn.
static Tensor specialValues(Shape s, DType dtype = DType::f32) {
  static const double kValues[] = {NAN, 1.5, INFINITY, -2.0, -INFINITY, -0.0, 0.25};
  Tensor t(TensorType{dtype, std::move(s)});
  for (int64_t i = 0; i < t.numel(); ++i) t.set(i, kValues[i % 7]);
  return t;
}

// NaN and infinities through every unary and binary op, in either operand and against a
// broadcast scalar (oneDNN lost NaN in relu, clip, exp, min, max, reduce_max and, broadcasting,
// in less and greater): every backend keeps NaN where the interpreter, NumPy and PyTorch do.
static void addSpecialValues(std::vector<OpCase>& out) {
  TensorType t{DType::f32, {4, 5}}, scalar{DType::f32, {}};
  for (const OpInfo& info : allOps()) {
    if (!info.has(kUnary) || info.kind == OpKind::Cast) continue;
    out.push_back({fmt::format("{}/nan and infinities", info.name), info.kind,
                   oneOpGraph(info.kind, {t}, unaryAttrs(info.kind, false), {specialValues({4, 5})})});
  }
  std::vector<OpKind> binary(std::begin(kBinary), std::end(kBinary));
  binary.push_back(OpKind::Pow);
  const Tensor half = Tensor::scalar(DType::f32, 0.5);
  for (OpKind op : binary) {
    std::string name(opName(op));
    out.push_back({name + "/nan and infinities first", op, oneOpGraph(op, {t, t}, {}, {specialValues({4, 5})})});
    out.push_back({name + "/nan and infinities second", op, oneOpGraph(op, {t, t}, {}, {Tensor(), specialValues({4, 5})})});
    out.push_back({name + "/nan and infinities against a scalar", op, oneOpGraph(op, {t, scalar}, {}, {specialValues({4, 5}), half})});
    out.push_back({name + "/a scalar against nan and infinities", op, oneOpGraph(op, {scalar, t}, {}, {half, specialValues({4, 5})})});
  }
  for (double e : {-1.0, 2.0, 3.0, -0.5})  // oneDNN's eltwise_pow takes the integer ones
    out.push_back({fmt::format("pow/nan and infinities to the constant {}", e), OpKind::Pow,
                   oneOpGraph(OpKind::Pow, {t, scalar}, {}, {specialValues({4, 5}), Tensor::scalar(DType::f32, e)})});
  // The math ops too, f32 and f64: out of their domain NaN, and at ±inf each its own limit.
  for (OpKind op : kMathOps)
    for (DType dt : {DType::f32, DType::f64}) {
      Tensor x = specialValues({3, 7}, dt);
      out.push_back({fmt::format("{}/nan and infinities {}", opName(op), dtypeName(dt)), op,
                     oneOpGraph(op, {x.type()}, {}, {x}), 0, 0, dt == DType::f32 ? 1e-5 : 1e-12});
    }
  // Halves round to even, either sign; the f32 just below a half rounds down.
  Tensor halves = Tensor::fromVector<double>(DType::f32, {10}, {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 4194304.5, 4194305.5, -0.0});
  out.push_back({"round/halves to even", OpKind::Round, oneOpGraph(OpKind::Round, {halves.type()}, {}, {halves}), 0, 0, 0});
  AttrMap rows;
  rows.set("axes", std::vector<int64_t>{1});
  out.push_back({"reduce_max/nan and infinities", OpKind::ReduceMax, oneOpGraph(OpKind::ReduceMax, {t}, rows, {specialValues({4, 5})})});
  // A dense with relu keeps NaN where our kernels run it on dnnl: the seed MLP's narrow shape
  // (the small AVX-512 kernel once dropped it), two vectors wide. Elsewhere oneDNN's own relu
  // post-op maps NaN to 0 (docs/dnnl.md).
  for (Shape s : {Shape{32, 10, 20}, Shape{8, 12, 33}}) {
    Tensor x = specialValues({s[0], s[1]}), w = randomF32({s[1], s[2]}, 5), b = randomF32({s[2]}, 6);
    out.push_back({fmt::format("dense/relu keeps nan, {}x{} to {}", s[0], s[1], s[2]), OpKind::Dense,
                   oneOpGraph(OpKind::Dense, {x.type(), w.type(), b.type()}, attrs({{"activation", std::string("relu")}}), {x, w, b})});
  }
  // NaN ranks above +inf, either way round; rows of 9 see the 7 values in a different order.
  Tensor ranked = specialValues({5, 9});
  for (int64_t largest : {0, 1}) {
    AttrMap topK = attrs({{"k", int64_t{9}}, {"axis", int64_t{1}}, {"largest", largest}});
    out.push_back({fmt::format("top_k/nan and infinities largest {}", largest), OpKind::TopK, oneOpGraph(OpKind::TopK, {ranked.type()}, topK, {ranked})});
  }
  // Rows with and without NaN, with inf * 0 (NaN) and inf * finite, in either sign.
  Tensor products = specialValues({6, 3});
  out.push_back({"reduce_prod/nan and infinities", OpKind::ReduceProd, oneOpGraph(OpKind::ReduceProd, {products.type()}, rows, {products})});
}

void addElementwiseCases(std::vector<OpCase>& out) {
  addUnary(out);
  addBinary(out);
  addWhereAndCast(out);
  addSpecialValues(out);
}

}  // namespace graphc::test
