// Importers of elementwise ONNX ops: arithmetic, comparisons, activations, Clip, Cast, Identity.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

template <OpKind K>
Status binaryOp(ImportCtx& c) {
  ValueId a = c.in(0), b = c.in(1);
  if (K == OpKind::Pow && c.type(1).dtype != c.type(0).dtype) {  // ONNX allows e.g. an int exponent
    GRAPHC_ASSIGN(b, c.emit(OpKind::Cast, {b}, [&] { AttrMap m; m.set("to", std::string(dtypeName(c.type(0).dtype))); return m; }(),
                            c.outName() + ".exp"));
  }
  GRAPHC_ASSIGN(ValueId r, c.emit(K, {a, b}));
  c.setOut(0, r);
  return ok();
}

template <OpKind K>
Status unaryOp(ImportCtx& c) {
  AttrMap attrs;
  if (K == OpKind::LeakyRelu) {
    GRAPHC_ASSIGN(double alpha, c.attrFloat("alpha", 0.01));
    attrs.set("alpha", alpha);
  } else if (K == OpKind::Elu) {
    GRAPHC_ASSIGN(double alpha, c.attrFloat("alpha", 1.0));
    attrs.set("alpha", alpha);
  } else if (K == OpKind::HardSigmoid) {
    GRAPHC_ASSIGN(double alpha, c.attrFloat("alpha", 0.2));
    GRAPHC_ASSIGN(double beta, c.attrFloat("beta", 0.5));
    attrs.set("alpha", alpha);
    attrs.set("beta", beta);
  }
  GRAPHC_ASSIGN(ValueId r, c.emit(K, {c.in(0)}, std::move(attrs)));
  c.setOut(0, r);
  return ok();
}

// ThresholdedRelu: x where x > alpha, else 0; a NaN stays NaN, as NumPy's clip-based
// definition in ONNX keeps it.
Status thresholdedReluOp(ImportCtx& c) {
  const TensorType x = c.type(0);
  if (!isFloat(x.dtype)) return c.unsupported(fmt::format("ThresholdedRelu of {}", x.str()));
  GRAPHC_ASSIGN(double alpha, c.attrFloat("alpha", 1.0));
  ValueId in = c.in(0);
  GRAPHC_ASSIGN(ValueId above, c.emit(OpKind::Greater, {in, scalarLike(c, x.dtype, alpha)}));
  GRAPHC_ASSIGN(ValueId number, c.emit(OpKind::Equal, {in, in}));
  GRAPHC_ASSIGN(ValueId below, c.emit(OpKind::Where, {number, scalarLike(c, x.dtype, 0), in}));
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Where, {above, in, below}));
  c.setOut(0, r);
  return ok();
}

// IsInf: x == +inf and/or x == -inf, as detect_positive and detect_negative ask; with neither,
// a comparison with NaN, which is false everywhere.
Status isInfOp(ImportCtx& c) {
  const TensorType x = c.type(0);
  if (!isFloat(x.dtype)) return c.unsupported(fmt::format("IsInf of {}", x.str()));
  GRAPHC_ASSIGN(int64_t negative, c.attrInt("detect_negative", 1));
  GRAPHC_ASSIGN(int64_t positive, c.attrInt("detect_positive", 1));
  constexpr double inf = std::numeric_limits<double>::infinity();
  ValueId in = c.in(0);
  double target = positive ? inf : negative ? -inf : std::numeric_limits<double>::quiet_NaN();
  if (positive && negative) {
    GRAPHC_ASSIGN(in, c.emit(OpKind::Abs, {in}));
  }
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Equal, {in, scalarLike(c, x.dtype, target)}));
  c.setOut(0, r);
  return ok();
}

// Min and Max are variadic in ONNX: a chain of binary ops.
template <OpKind K>
Status variadicOp(ImportCtx& c) {
  ValueId acc = c.in(0);
  for (size_t i = 1; i < c.numInputs(); ++i) {
    if (!c.hasInput(i)) return c.malformed(fmt::format("input #{} is empty", i));
    std::string hint = i + 1 == c.numInputs() ? c.outName() : c.outName() + ".part";
    GRAPHC_ASSIGN(acc, c.emit(K, {acc, c.in(i)}, {}, hint));
  }
  c.setOut(0, acc);
  return ok();
}

// Mean: the sum of the inputs, divided by their count.
Status meanOp(ImportCtx& c) {
  GRAPHC_TRY(variadicOp<OpKind::Add>(c));
  ValueId sum = c.lookup(c.outName());
  DType t = c.graph().type(sum).dtype;
  if (!isFloat(t)) return c.unsupported(fmt::format("Mean of {}", c.type(0).str()));
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Div, {sum, c.constant(Tensor::scalar(t, (double)c.numInputs()), c.outName() + ".n")}));
  c.setOut(0, r);
  return ok();
}

// Logic on bools, as where and equal: not x = (x == false), a and b = where(a, b, false),
// a or b = where(a, true, b), a xor b = where(a, not b, b).
enum class Logic { Not, And, Or, Xor };

template <Logic K>
Status logicOp(ImportCtx& c) {
  for (size_t i = 0; i < c.numInputs(); ++i)
    if (c.type(i).dtype != DType::boolean) return c.malformed(fmt::format("input #{} is {}, not bool", i, c.type(i).str()));
  auto boolean = [&](bool v) { return c.constant(Tensor::scalar(DType::boolean, v), c.outName() + (v ? ".true" : ".false")); };
  auto negate = [&](ValueId v) { return c.emit(OpKind::Equal, {v, boolean(false)}); };
  ValueId r;
  switch (K) {
    case Logic::Not: { GRAPHC_ASSIGN(r, negate(c.in(0))); break; }
    case Logic::And: { GRAPHC_ASSIGN(r, c.emit(OpKind::Where, {c.in(0), c.in(1), boolean(false)})); break; }
    case Logic::Or: { GRAPHC_ASSIGN(r, c.emit(OpKind::Where, {c.in(0), boolean(true), c.in(1)})); break; }
    case Logic::Xor: {
      GRAPHC_ASSIGN(ValueId notB, negate(c.in(1)));
      GRAPHC_ASSIGN(r, c.emit(OpKind::Where, {c.in(0), notB, c.in(1)}));
      break;
    }
  }
  c.setOut(0, r);
  return ok();
}

// a >= b as (a > b) or (a == b), not as not(a < b): with a NaN both are false.
template <OpKind Strict>
Status orEqualOp(ImportCtx& c) {
  GRAPHC_ASSIGN(ValueId strict, c.emit(Strict, {c.in(0), c.in(1)}));
  GRAPHC_ASSIGN(ValueId equal, c.emit(OpKind::Equal, {c.in(0), c.in(1)}));
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Where, {strict, c.constant(Tensor::scalar(DType::boolean, 1), c.outName() + ".true"), equal}));
  c.setOut(0, r);
  return ok();
}

Status whereOp(ImportCtx& c) {
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Where, {c.in(0), c.in(1), c.in(2)}));
  c.setOut(0, r);
  return ok();
}

// A Clip bound as the double the IR's clip attributes hold. An integer bound is exact there up
// to 2^53; INT64_MIN and INT64_MAX bound nothing (they are the limits of i64 itself); any other
// integer a double would round is refused rather than clipped to a neighbouring value.
Result<double> clipBound(const ImportCtx& c, const Tensor& t, const char* which) {
  if (isFloat(t.dtype())) return t.at(0);
  GRAPHC_ASSIGN(int64_t v, t.intAt(0));
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (v == std::numeric_limits<int64_t>::min()) return -kInf;
  if (v == std::numeric_limits<int64_t>::max()) return kInf;
  if (v > (int64_t(1) << 53) || v < -(int64_t(1) << 53))
    return c.unsupported(fmt::format("Clip {} {} (beyond 2^53, which graphc's clip cannot hold exactly)", which, v));
  return (double)v;
}

// Clip: min and max are optional constant inputs since opset 11.
Status clipOp(ImportCtx& c) {
  double bounds[2] = {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  for (size_t i = 1; i < 3; ++i) {
    if (!c.hasInput(i)) continue;
    const Tensor* t = c.constIn(i, true);
    if (!t) return c.unsupported(fmt::format("Clip {} (input '{}') is not a constant", i == 1 ? "min" : "max", c.node().inputs[i]));
    if (t->numel() != 1) return c.malformed(fmt::format("Clip {} must be a scalar, got {}", i == 1 ? "min" : "max", t->type().str()));
    GRAPHC_ASSIGN(bounds[i - 1], clipBound(c, *t, i == 1 ? "min" : "max"));
  }
  AttrMap attrs;
  attrs.set("min", bounds[0]);
  attrs.set("max", bounds[1]);
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Clip, {c.in(0)}, std::move(attrs)));
  c.setOut(0, r);
  return ok();
}

// input 0 cast to dtype (a storage type rounds or wraps here; storage_types.cpp widens it after).
Status castTo(ImportCtx& c, DType dtype) {
  if (dtype == c.type(0).dtype) {
    c.setOut(0, c.in(0));
    return ok();
  }
  AttrMap attrs;
  attrs.set("to", std::string(dtypeName(dtype)));
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::Cast, {c.in(0)}, std::move(attrs)));
  c.setOut(0, r);
  return ok();
}

Status castOp(ImportCtx& c) {
  GRAPHC_ASSIGN(int64_t to, c.attrInt("to", -1));
  auto dtype = dtypeFromOnnx((int32_t)to);
  if (!dtype) return c.unsupported(fmt::format("Cast to {}", onnxTypeName((int32_t)to)));
  return castTo(c, *dtype);
}

// CastLike(x, like): x cast to like's ONNX dtype (an f16 `like` rounds x to f16, though the graph
// holds like in f32).
Status castLikeOp(ImportCtx& c) { return castTo(c, c.onnxType(1)); }

Status identityOp(ImportCtx& c) {
  c.setOut(0, c.in(0));
  return ok();
}

// Dropout drops nothing at inference, nor in training at ratio 0: the output is x and the mask
// all true. Training at another ratio draws random numbers, which a static graph does not.
Status dropoutOp(ImportCtx& c) {
  bool training = false;
  if (c.hasInput(2)) {
    const Tensor* t = c.constIn(2, true);
    if (!t) return c.unsupported(fmt::format("Dropout training_mode (input '{}') is not a constant", c.node().inputs[2]));
    if (t->numel() != 1) return c.malformed(fmt::format("training_mode must be a scalar, got {}", t->type().str()));
    training = t->at(0) != 0;
  }
  if (training) {
    const Tensor* ratio = c.hasInput(1) ? c.constIn(1, true) : nullptr;
    if (c.hasInput(1) && !ratio) return c.unsupported(fmt::format("Dropout ratio (input '{}') is not a constant", c.node().inputs[1]));
    if (!ratio || ratio->numel() != 1 || ratio->at(0) != 0)
      return c.unsupported("Dropout in training mode at a ratio other than 0 (its mask is random)");
  }
  if (c.outputUsed(1)) {
    GRAPHC_ASSIGN(ValueId mask, c.emit(OpKind::Expand, {scalarLike(c, DType::boolean, 1)}, attrs(std::pair{"shape", c.type(0).shape}),
                                       c.outName(1)));
    c.setOut(1, mask);
  }
  return identityOp(c);
}

// OneHot(indices, depth, values): values[1] where the index (negative ones count from depth)
// equals the position along the new axis, values[0] elsewhere. Out-of-range indices hit nothing.
Status oneHotOp(ImportCtx& c) {
  const TensorType indices = c.type(0);
  if (!isFloat(indices.dtype) && !isInteger(indices.dtype)) return c.unsupported(fmt::format("OneHot indices of {}", indices.str()));
  const Tensor* depthIn = c.constIn(1, true);
  if (!depthIn) return c.unsupported(fmt::format("OneHot depth (input '{}') is not a constant", c.node().inputs[1]));
  if (depthIn->numel() != 1) return c.malformed(fmt::format("depth must hold one value, got {}", depthIn->type().str()));
  int64_t depth = 0;
  if (isInteger(depthIn->dtype())) {
    GRAPHC_ASSIGN(depth, depthIn->intAt(0));
  } else if (double d = depthIn->at(0); d >= 1 && d < 9.0e18) {
    depth = (int64_t)d;  // ONNX casts a float depth to int64
  }
  if (depth < 1) return c.malformed(fmt::format("depth {} is not a positive size", depthIn->at(0)));
  const TensorType values = c.type(2);
  if (values.shape != Shape{2}) return c.malformed(fmt::format("values must be [off, on], got {}", values.str()));
  GRAPHC_ASSIGN(int64_t axisAttr, c.attrInt("axis", -1));
  std::optional<int64_t> axis = normalizeAxis(axisAttr, indices.rank() + 1);
  if (!axis) return c.malformed(fmt::format("axis {} is out of range for a result of rank {}", axisAttr, indices.rank() + 1));
  GRAPHC_ASSIGN(ValueId index, indexFromEnd(c, c.in(0), depth));
  Shape expanded = indices.shape;
  expanded.insert(expanded.begin() + *axis, 1);
  GRAPHC_ASSIGN(index, c.emit(OpKind::Reshape, {index}, attrs(std::pair{"shape", expanded})));
  GRAPHC_ASSIGN(ValueId positions, positionsAlong(c, (int64_t)expanded.size(), *axis, depth));
  GRAPHC_ASSIGN(ValueId hit, c.emit(OpKind::Equal, {index, positions}));
  auto pick = [&](int64_t k) -> Result<ValueId> {
    AttrMap a = attrs(std::pair{"starts", std::vector<int64_t>{k}}, std::pair{"ends", std::vector<int64_t>{k + 1}},
                      std::pair{"axes", std::vector<int64_t>{0}}, std::pair{"steps", std::vector<int64_t>{1}});
    GRAPHC_ASSIGN(ValueId v, c.emit(OpKind::Slice, {c.in(2)}, std::move(a)));
    return c.emit(OpKind::Reshape, {v}, attrs(std::pair{"shape", Shape{}}));
  };
  GRAPHC_ASSIGN(ValueId off, pick(0));
  GRAPHC_ASSIGN(ValueId on, pick(1));
  GRAPHC_ASSIGN(ValueId y, c.emit(OpKind::Where, {hit, on, off}));
  c.setOut(0, y);
  return ok();
}

}  // namespace

void registerElementwise(OpTable& t) {
  t["Add"] = {binaryOp<OpKind::Add>, 2, 2};
  t["Sub"] = {binaryOp<OpKind::Sub>, 2, 2};
  t["Mul"] = {binaryOp<OpKind::Mul>, 2, 2};
  t["Div"] = {binaryOp<OpKind::Div>, 2, 2};
  t["Pow"] = {binaryOp<OpKind::Pow>, 2, 2};
  t["Equal"] = {binaryOp<OpKind::Equal>, 2, 2};
  t["Less"] = {binaryOp<OpKind::Less>, 2, 2};
  t["Greater"] = {binaryOp<OpKind::Greater>, 2, 2};
  t["Min"] = {variadicOp<OpKind::Min>, 1, -1};
  t["Max"] = {variadicOp<OpKind::Max>, 1, -1};
  t["Where"] = {whereOp, 3, 3};
  t["Sum"] = {variadicOp<OpKind::Add>, 1, -1};
  t["Mean"] = {meanOp, 1, -1};
  t["Not"] = {logicOp<Logic::Not>, 1, 1};
  t["And"] = {logicOp<Logic::And>, 2, 2};
  t["Or"] = {logicOp<Logic::Or>, 2, 2};
  t["Xor"] = {logicOp<Logic::Xor>, 2, 2};
  t["GreaterOrEqual"] = {orEqualOp<OpKind::Greater>, 2, 2};
  t["LessOrEqual"] = {orEqualOp<OpKind::Less>, 2, 2};
  t["Sqrt"] = {unaryOp<OpKind::Sqrt>, 1, 1};
  t["Reciprocal"] = {unaryOp<OpKind::Reciprocal>, 1, 1};
  t["Exp"] = {unaryOp<OpKind::Exp>, 1, 1};
  t["Log"] = {unaryOp<OpKind::Log>, 1, 1};
  t["Neg"] = {unaryOp<OpKind::Neg>, 1, 1};
  t["Abs"] = {unaryOp<OpKind::Abs>, 1, 1};
  t["Erf"] = {unaryOp<OpKind::Erf>, 1, 1};
  t["Relu"] = {unaryOp<OpKind::Relu>, 1, 1};
  t["LeakyRelu"] = {unaryOp<OpKind::LeakyRelu>, 1, 1};
  t["Elu"] = {unaryOp<OpKind::Elu>, 1, 1};
  t["Sigmoid"] = {unaryOp<OpKind::Sigmoid>, 1, 1};
  t["Tanh"] = {unaryOp<OpKind::Tanh>, 1, 1};
  t["HardSigmoid"] = {unaryOp<OpKind::HardSigmoid>, 1, 1};
  t["HardSwish"] = {unaryOp<OpKind::HardSwish>, 1, 1};
  // The IR ops have ONNX semantics as they are: Round halves to even, Sign keeps NaN and takes
  // integers; the op table refuses an integer operand for the float-only ones.
  t["Sin"] = {unaryOp<OpKind::Sin>, 1, 1};
  t["Cos"] = {unaryOp<OpKind::Cos>, 1, 1};
  t["Tan"] = {unaryOp<OpKind::Tan>, 1, 1};
  t["Asin"] = {unaryOp<OpKind::Asin>, 1, 1};
  t["Acos"] = {unaryOp<OpKind::Acos>, 1, 1};
  t["Atan"] = {unaryOp<OpKind::Atan>, 1, 1};
  t["Sinh"] = {unaryOp<OpKind::Sinh>, 1, 1};
  t["Cosh"] = {unaryOp<OpKind::Cosh>, 1, 1};
  t["Asinh"] = {unaryOp<OpKind::Asinh>, 1, 1};
  t["Acosh"] = {unaryOp<OpKind::Acosh>, 1, 1};
  t["Atanh"] = {unaryOp<OpKind::Atanh>, 1, 1};
  t["Floor"] = {unaryOp<OpKind::Floor>, 1, 1};
  t["Ceil"] = {unaryOp<OpKind::Ceil>, 1, 1};
  t["Round"] = {unaryOp<OpKind::Round>, 1, 1};
  t["Sign"] = {unaryOp<OpKind::Sign>, 1, 1};
  t["ThresholdedRelu"] = {thresholdedReluOp, 1, 1};
  t["IsInf"] = {isInfOp, 1, 1};
  t["OneHot"] = {oneHotOp, 3, 3};
  t["Clip"] = {clipOp, 1, 3};
  t["Cast"] = {castOp, 1, 1};
  t["CastLike"] = {castLikeOp, 2, 2};
  t["Identity"] = {identityOp, 1, 1};
  t["Dropout"] = {dropoutOp, 1, 3};
}

}  // namespace graphc::onnxfe
