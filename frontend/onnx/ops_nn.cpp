// Importers of the neural-network ONNX ops: Gemm, MatMul, softmax, reductions, ArgMax/ArgMin
// and Hardmax.
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

// Gemm: Y = alpha * A' B' + beta * C. It becomes dense(A', B', C) when alpha = 1 and C is a
// bias [N] (or absent) with beta = 1; otherwise matmul, mul and add. A constant B with transB=1
// is stored transposed at import (see transposedWeights), so no transpose op is needed for it.
Status gemmOp(ImportCtx& c) {
  GRAPHC_ASSIGN(int64_t transA, c.attrInt("transA", 0));
  GRAPHC_ASSIGN(int64_t transB, c.attrInt("transB", 0));
  GRAPHC_ASSIGN(double alpha, c.attrFloat("alpha", 1.0));
  GRAPHC_ASSIGN(double beta, c.attrFloat("beta", 1.0));
  if (c.type(0).rank() != 2 || c.type(1).rank() != 2)
    return c.malformed(fmt::format("A and B must be 2-D, got {} and {}", c.type(0).str(), c.type(1).str()));
  DType dt = c.type(0).dtype;
  std::string out = c.outName();
  ValueId a = c.in(0), b = c.in(1);
  if (transA) {
    GRAPHC_ASSIGN(a, c.emit(OpKind::Transpose, {a}, attrs(std::pair{"perm", std::vector<int64_t>{1, 0}}), out + ".a"));
  }
  if (transB && !c.isTransposedWeight(c.node().inputs[1])) {
    GRAPHC_ASSIGN(b, c.emit(OpKind::Transpose, {b}, attrs(std::pair{"perm", std::vector<int64_t>{1, 0}}), out + ".b"));
  }
  int64_t n = c.graph().type(b).shape[1];
  bool hasC = c.hasInput(2) && beta != 0;
  bool cIsBias = hasC && beta == 1 && c.type(2).shape == Shape{n};
  if (alpha == 1 && (!hasC || cIsBias)) {
    ValueId bias;
    if (hasC) {
      bias = c.in(2);
    } else {
      GRAPHC_ASSIGN(bias, filled(c, 0, dt, {n}, out + ".bias"));
    }
    GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Dense, {a, b, bias}));
    c.setOut(0, r);
    return ok();
  }
  GRAPHC_ASSIGN(ValueId y, c.emit(OpKind::MatMul, {a, b}, {}, hasC || alpha != 1 ? out + ".ab" : out));
  if (alpha != 1) {
    GRAPHC_ASSIGN(y, c.emit(OpKind::Mul, {y, scalarLike(c, dt, alpha)}, {}, hasC ? out + ".ab" : out));
  }
  if (hasC) {
    ValueId cc = c.in(2);
    if (beta != 1) {
      GRAPHC_ASSIGN(cc, c.emit(OpKind::Mul, {cc, scalarLike(c, dt, beta)}, {}, out + ".c"));
    }
    GRAPHC_ASSIGN(y, c.emit(OpKind::Add, {y, cc}));
  }
  c.setOut(0, y);
  return ok();
}

Status matmulOp(ImportCtx& c) {
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::MatMul, {c.in(0), c.in(1)}));
  c.setOut(0, r);
  return ok();
}

// Softmax and LogSoftmax along one axis (opset 13; an older model's flatten-to-2-D rule is
// rewritten into Flatten, Softmax and Reshape by ONNX's version converter).
template <OpKind K>
Status softmaxOp(ImportCtx& c) {
  GRAPHC_ASSIGN(int64_t axis, c.attrInt("axis", -1));
  GRAPHC_ASSIGN(ValueId r, c.emit(K, {c.in(0)}, attrs(std::pair{"axis", axis})));
  c.setOut(0, r);
  return ok();
}

// What a reduction reduces: axes are an attribute (ReduceMean/Max/... up to opset 17) or an input
// (ReduceSum 13+); nullopt when noop_with_empty_axes makes it the identity.
struct Reduction {
  std::vector<int64_t> axes;
  int64_t keepdims;
};
Result<std::optional<Reduction>> reductionOf(ImportCtx& c) {
  GRAPHC_ASSIGN(int64_t keepdims, c.attrInt("keepdims", 1));
  GRAPHC_ASSIGN(int64_t noopEmpty, c.attrInt("noop_with_empty_axes", 0));
  GRAPHC_ASSIGN(std::vector<int64_t> axes, c.attrInts("axes", {}));
  if (c.hasInput(1)) {
    GRAPHC_ASSIGN(axes, c.intsIn(1, "the reduction axes"));
  }
  if (axes.empty() && noopEmpty) return std::optional<Reduction>();
  return std::optional<Reduction>(Reduction{axes, keepdims});
}

template <OpKind K>
Status reduceOp(ImportCtx& c) {
  GRAPHC_ASSIGN(std::optional<Reduction> r, reductionOf(c));
  if (!r) {
    c.setOut(0, c.in(0));
    return ok();
  }
  GRAPHC_ASSIGN(ValueId y, c.emit(K, {c.in(0)}, attrs(std::pair{"axes", r->axes}, std::pair{"keepdims", r->keepdims})));
  c.setOut(0, y);
  return ok();
}

// The ONNX reductions graphc has no op for, composed of one it has with elementwise ops around
// it, on floats: ReduceMin = -max(-x), ReduceSumSquare = sum(x*x), ReduceL1 = sum(|x|),
// ReduceL2 = sqrt(sum(x*x)), ReduceLogSum = log(sum(x)), and ReduceLogSumExp = m + log(sum(exp(x - m)))
// with m the max, which neither overflows nor differs from the definition where it does not.
enum class Composed { Min, SumSquare, L1, L2, LogSum, LogSumExp };

template <Composed K>
Status composedReduceOp(ImportCtx& c) {
  if (!isFloat(c.type(0).dtype)) return c.unsupported(fmt::format("{} of {}", c.node().opType, c.type(0).str()));
  GRAPHC_ASSIGN(std::optional<Reduction> r, reductionOf(c));
  ValueId x = c.in(0);
  DType t = c.type(0).dtype;
  auto reduce = [&](OpKind op, ValueId v, int64_t keepdims) {
    return c.emit(op, {v}, attrs(std::pair{"axes", r ? r->axes : std::vector<int64_t>{}}, std::pair{"keepdims", keepdims}));
  };
  auto unary = [&](OpKind op, ValueId v) { return c.emit(op, {v}); };
  ValueId y;
  if (!r) {  // the identity reduction: the elementwise parts alone
    switch (K) {
      case Composed::Min: case Composed::LogSumExp: y = x; break;
      case Composed::SumSquare: { GRAPHC_ASSIGN(y, c.emit(OpKind::Mul, {x, x})); break; }
      case Composed::L1: { GRAPHC_ASSIGN(y, unary(OpKind::Abs, x)); break; }
      case Composed::L2: { GRAPHC_ASSIGN(y, unary(OpKind::Abs, x)); break; }
      case Composed::LogSum: { GRAPHC_ASSIGN(y, unary(OpKind::Log, x)); break; }
    }
    c.setOut(0, y);
    return ok();
  }
  switch (K) {
    case Composed::Min: {
      GRAPHC_ASSIGN(ValueId negated, unary(OpKind::Neg, x));
      GRAPHC_ASSIGN(ValueId m, reduce(OpKind::ReduceMax, negated, r->keepdims));
      GRAPHC_ASSIGN(y, unary(OpKind::Neg, m));
      break;
    }
    case Composed::SumSquare: case Composed::L2: {
      GRAPHC_ASSIGN(ValueId squares, c.emit(OpKind::Mul, {x, x}));
      GRAPHC_ASSIGN(y, reduce(OpKind::ReduceSum, squares, r->keepdims));
      if (K == Composed::L2) {
        GRAPHC_ASSIGN(y, unary(OpKind::Sqrt, y));
      }
      break;
    }
    case Composed::L1: {
      GRAPHC_ASSIGN(ValueId magnitudes, unary(OpKind::Abs, x));
      GRAPHC_ASSIGN(y, reduce(OpKind::ReduceSum, magnitudes, r->keepdims));
      break;
    }
    case Composed::LogSum: {
      GRAPHC_ASSIGN(ValueId sum, reduce(OpKind::ReduceSum, x, r->keepdims));
      GRAPHC_ASSIGN(y, unary(OpKind::Log, sum));
      break;
    }
    case Composed::LogSumExp: {
      GRAPHC_ASSIGN(ValueId m, reduce(OpKind::ReduceMax, x, 1));
      // An infinite max (all -inf, or a +inf) would make x - m NaN: shift by 0 there instead.
      GRAPHC_ASSIGN(ValueId size, unary(OpKind::Abs, m));
      GRAPHC_ASSIGN(ValueId finite, c.emit(OpKind::Less, {size, scalarLike(c, t, INFINITY)}));
      GRAPHC_ASSIGN(ValueId shift, c.emit(OpKind::Where, {finite, m, scalarLike(c, t, 0)}));
      GRAPHC_ASSIGN(ValueId shifted, c.emit(OpKind::Sub, {x, shift}));
      GRAPHC_ASSIGN(ValueId e, unary(OpKind::Exp, shifted));
      GRAPHC_ASSIGN(ValueId sum, reduce(OpKind::ReduceSum, e, 1));
      GRAPHC_ASSIGN(ValueId logs, unary(OpKind::Log, sum));
      GRAPHC_ASSIGN(y, c.emit(OpKind::Add, {logs, shift}));
      if (!r->keepdims) {  // the reduced axes, kept as 1 so far, go
        Shape out;
        const Shape& in = c.type(0).shape;
        std::vector<bool> reduced(in.size(), r->axes.empty());
        for (int64_t a : r->axes)
          if (auto n = normalizeAxis(a, (int64_t)in.size())) reduced[*n] = true;
        for (size_t d = 0; d < in.size(); ++d)
          if (!reduced[d]) out.push_back(in[d]);
        GRAPHC_ASSIGN(y, c.emit(OpKind::Reshape, {y}, attrs(std::pair{"shape", out})));
      }
      break;
    }
  }
  c.setOut(0, y);
  return ok();
}

// ArgMax and ArgMin, as NumPy's argmax/argmin define them (a NaN wins, the first one on a tie
// unless select_last_index): the index of every element equal to the extreme, or NaN, and the
// smallest (largest) of those indices. ArgMin is ArgMax of a decreasing map of x: -x on floats
// (NaN stays NaN), -1 - x on integers (which, unlike -x, cannot overflow).
struct ArgIndex {
  ValueId positions;  // 0, 1, ... along the axis, shaped to broadcast against x
  ValueId index;      // the extreme's position
};

Result<ArgIndex> argIndex(ImportCtx& c, bool isMax, int64_t axis, bool last, int64_t keepdims) {
  const TensorType x = c.type(0);
  int64_t extent = x.shape[axis];
  if (extent == 0) return c.malformed(fmt::format("{} over axis {} of {}, which is empty", c.node().opType, axis, x.str()));
  ValueId v = c.in(0);
  if (!isMax) {
    if (isFloat(x.dtype)) {
      GRAPHC_ASSIGN(v, c.emit(OpKind::Neg, {v}));
    } else {
      GRAPHC_ASSIGN(v, c.emit(OpKind::Sub, {scalarLike(c, x.dtype, -1), v}));
    }
  }
  GRAPHC_ASSIGN(ValueId extreme, c.emit(OpKind::ReduceMax, {v}, attrs(std::pair{"axes", std::vector<int64_t>{axis}}, std::pair{"keepdims", int64_t{1}})));
  GRAPHC_ASSIGN(ValueId hit, c.emit(OpKind::Equal, {v, extreme}));
  GRAPHC_ASSIGN(ValueId index, positionsAlong(c, x.rank(), axis, extent));
  // Misses take the value no reduction picks: past every index, or before them.
  Tensor miss(TensorType{DType::i64, {}});
  miss.setInt(0, last ? -1 : std::numeric_limits<int64_t>::max());
  GRAPHC_ASSIGN(ValueId key, c.emit(OpKind::Where, {hit, index, c.constant(miss, c.outName() + ".miss")}));
  if (isFloat(x.dtype)) {  // a NaN is the extreme wherever it is: x == x is false there
    GRAPHC_ASSIGN(ValueId number, c.emit(OpKind::Equal, {v, v}));
    GRAPHC_ASSIGN(key, c.emit(OpKind::Where, {number, key, index}));
  }
  AttrMap reduce = attrs(std::pair{"axes", std::vector<int64_t>{axis}}, std::pair{"keepdims", keepdims});
  ValueId y;
  if (last) {
    GRAPHC_ASSIGN(y, c.emit(OpKind::ReduceMax, {key}, reduce));
  } else {  // the smallest index: -max(-key), exact on indices
    GRAPHC_ASSIGN(ValueId negated, c.emit(OpKind::Neg, {key}));
    GRAPHC_ASSIGN(ValueId top, c.emit(OpKind::ReduceMax, {negated}, reduce));
    GRAPHC_ASSIGN(y, c.emit(OpKind::Neg, {top}));
  }
  return ArgIndex{index, y};
}

Result<int64_t> axisOf(ImportCtx& c, int64_t def) {
  const TensorType& x = c.type(0);
  if (!isFloat(x.dtype) && !isInteger(x.dtype)) return c.unsupported(fmt::format("{} of {}", c.node().opType, x.str()));
  GRAPHC_ASSIGN(int64_t axisAttr, c.attrInt("axis", def));
  std::optional<int64_t> axis = normalizeAxis(axisAttr, x.rank());
  if (!axis) return c.malformed(fmt::format("axis {} is out of range for {}", axisAttr, x.str()));
  return *axis;
}

template <bool IsMax>
Status argOp(ImportCtx& c) {
  GRAPHC_ASSIGN(int64_t axis, axisOf(c, 0));
  GRAPHC_ASSIGN(int64_t keepdims, c.attrInt("keepdims", 1));
  GRAPHC_ASSIGN(int64_t last, c.attrInt("select_last_index", 0));
  GRAPHC_ASSIGN(ArgIndex arg, argIndex(c, IsMax, axis, last != 0, keepdims));
  c.setOut(0, arg.index);
  return ok();
}

// Hardmax (opset 13): 1 at the first maximum along axis (NumPy's argmax, so a NaN wins), 0
// elsewhere, in x's dtype.
Status hardmaxOp(ImportCtx& c) {
  GRAPHC_ASSIGN(int64_t axis, axisOf(c, -1));
  GRAPHC_ASSIGN(ArgIndex arg, argIndex(c, true, axis, false, 1));
  GRAPHC_ASSIGN(ValueId hit, c.emit(OpKind::Equal, {arg.positions, arg.index}));
  GRAPHC_ASSIGN(ValueId y, c.emit(OpKind::Cast, {hit}, attrs(std::pair{"to", std::string(dtypeName(c.type(0).dtype))})));
  c.setOut(0, y);
  return ok();
}

}  // namespace

std::set<std::string> transposedWeights(const OnnxModel& m) {
  std::map<std::string, int> uses;
  for (const OnnxNode& n : m.nodes)
    for (const std::string& i : n.inputs) ++uses[i];
  for (const std::string& o : m.outputs) ++uses[o];
  std::set<std::string> out;
  for (const OnnxNode& n : m.nodes) {
    if (n.opType != "Gemm" || !n.domain.empty() || n.inputs.size() < 2 || uses[n.inputs[1]] != 1) continue;
    auto t = n.attrs.find("transB");
    if (t == n.attrs.end() || t->second.kind != OnnxAttr::Kind::Int || t->second.i != 1) continue;
    for (const auto& [name, data] : m.initializers)
      if (name == n.inputs[1] && data.dtype() == DType::f32 && data.type().rank() == 2) out.insert(name);
  }
  return out;
}

void registerNN(OpTable& t) {
  t["Gemm"] = {gemmOp, 2, 3};
  t["MatMul"] = {matmulOp, 2, 2};
  t["Softmax"] = {softmaxOp<OpKind::Softmax>, 1, 1};
  t["LogSoftmax"] = {softmaxOp<OpKind::LogSoftmax>, 1, 1};
  t["ReduceMean"] = {reduceOp<OpKind::ReduceMean>, 1, 2};
  t["ReduceSum"] = {reduceOp<OpKind::ReduceSum>, 1, 2};
  t["ReduceMax"] = {reduceOp<OpKind::ReduceMax>, 1, 2};
  t["ReduceProd"] = {reduceOp<OpKind::ReduceProd>, 1, 2};
  t["ReduceMin"] = {composedReduceOp<Composed::Min>, 1, 2};
  t["ReduceSumSquare"] = {composedReduceOp<Composed::SumSquare>, 1, 2};
  t["ReduceL1"] = {composedReduceOp<Composed::L1>, 1, 2};
  t["ReduceL2"] = {composedReduceOp<Composed::L2>, 1, 2};
  t["ReduceLogSum"] = {composedReduceOp<Composed::LogSum>, 1, 2};
  t["ReduceLogSumExp"] = {composedReduceOp<Composed::LogSumExp>, 1, 2};
  t["ArgMax"] = {argOp<true>, 1, 1};
  t["ArgMin"] = {argOp<false>, 1, 1};
  t["Hardmax"] = {hardmaxOp, 1, 1};
}

}  // namespace graphc::onnxfe
