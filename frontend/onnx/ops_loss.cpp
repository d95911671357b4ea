// Importers of ONNX's loss ops, NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, composed
// from IR ops. The class pick is a one-hot select (target == class index) followed by a sum over
// the class axis: exact, and a NaN or infinity at a class not picked never reaches the loss.
#include <fmt/format.h>

#include <cstdint>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

struct LossSpec {
  enum class Reduction { None, Sum, Mean } reduction;
  std::optional<int64_t> ignoreIndex;
};

Result<LossSpec> readLossSpec(ImportCtx& c) {
  LossSpec spec;
  GRAPHC_ASSIGN(std::string reduction, c.attrStr("reduction", "mean"));
  if (reduction == "none") spec.reduction = LossSpec::Reduction::None;
  else if (reduction == "sum") spec.reduction = LossSpec::Reduction::Sum;
  else if (reduction == "mean") spec.reduction = LossSpec::Reduction::Mean;
  else return c.malformed(fmt::format("reduction '{}' is none of 'none', 'sum' and 'mean'", reduction));
  if (c.hasAttr("ignore_index")) {
    GRAPHC_ASSIGN(int64_t ignore, c.attrInt("ignore_index", 0));
    spec.ignoreIndex = ignore;
  }
  return spec;
}

// The ONNX definition, with w = weight (or 1) and ignored positions counting 0:
//   loss[n, d...] = -input[n, target[n, d...], d...] * w[target[n, d...]]
// then none, sum, or mean: the sum over the sum of w over the positions not ignored (a plain
// mean when there is neither weight nor ignore_index).
Status negativeLogLikelihood(ImportCtx& c, ValueId input, const LossSpec& spec, size_t targetIndex, size_t weightIndex) {
  const TensorType x = c.graph().type(input);
  const TensorType target = c.type(targetIndex);
  if (!isFloat(x.dtype)) return c.unsupported(fmt::format("{} of {}", c.node().opType, x.str()));
  if (x.rank() < 2) return c.malformed(fmt::format("the input {} needs a batch and a class axis", x.str()));
  if (target.dtype != DType::i32 && target.dtype != DType::i64)
    return c.malformed(fmt::format("the target is {}, not i32 or i64 class indices", target.str()));
  Shape expected = x.shape;
  expected.erase(expected.begin() + 1);
  if (target.shape != expected)
    return c.malformed(fmt::format("the target is {}; an input of {} needs {}", target.str(), x.str(),
                                   TensorType{target.dtype, expected}.str()));
  const int64_t classes = x.shape[1], rank = x.rank();
  const bool weighted = c.hasInput(weightIndex);
  if (weighted && c.type(weightIndex) != TensorType{x.dtype, {classes}})
    return c.malformed(fmt::format("the weight is {}, not {}", c.type(weightIndex).str(), TensorType{x.dtype, {classes}}.str()));

  // One-hot over the class axis: target as [N, 1, d...] against the indices as [1, C, 1...].
  Shape column = x.shape;
  column[1] = 1;
  GRAPHC_ASSIGN(ValueId targetColumn, c.emit(OpKind::Reshape, {c.in(targetIndex)}, attrs(std::pair{"shape", column})));
  GRAPHC_ASSIGN(ValueId classIndex, positionsAlong(c, rank, 1, classes, target.dtype));
  GRAPHC_ASSIGN(ValueId hit, c.emit(OpKind::Equal, {targetColumn, classIndex}));
  Shape classShape(rank, 1);
  classShape[1] = classes;
  ValueId zero = scalarLike(c, x.dtype, 0), one = scalarLike(c, x.dtype, 1);
  AttrMap overClasses = attrs(std::pair{"axes", std::vector<int64_t>{1}}, std::pair{"keepdims", int64_t{0}});
  GRAPHC_ASSIGN(ValueId picked, c.emit(OpKind::Where, {hit, input, zero}));
  GRAPHC_ASSIGN(picked, c.emit(OpKind::ReduceSum, {picked}, overClasses));

  // The weight of each position: w[target], 0 where the target is ignore_index.
  std::optional<ValueId> weight;
  if (weighted) {
    GRAPHC_ASSIGN(ValueId w, c.emit(OpKind::Reshape, {c.in(weightIndex)}, attrs(std::pair{"shape", classShape})));
    GRAPHC_ASSIGN(w, c.emit(OpKind::Where, {hit, w, zero}));
    GRAPHC_ASSIGN(w, c.emit(OpKind::ReduceSum, {w}, overClasses));
    weight = w;
  }
  std::optional<ValueId> ignored;
  // An ignore_index an i32 target cannot hold matches no position, and then changes nothing.
  if (spec.ignoreIndex && (target.dtype == DType::i64 || (*spec.ignoreIndex >= INT32_MIN && *spec.ignoreIndex <= INT32_MAX))) {
    Tensor ignoreIndex(TensorType{target.dtype, {}});
    ignoreIndex.setInt(0, *spec.ignoreIndex);  // exact, where a double would round INT64_MAX
    GRAPHC_ASSIGN(ValueId is, c.emit(OpKind::Equal, {c.in(targetIndex), c.constant(ignoreIndex, c.outName() + ".ignore")}));
    ignored = is;
    GRAPHC_ASSIGN(ValueId w, c.emit(OpKind::Where, {is, zero, weight ? *weight : one}));
    weight = w;
  }
  ValueId loss = picked;
  if (weight) {
    GRAPHC_ASSIGN(loss, c.emit(OpKind::Mul, {loss, *weight}));
  }
  GRAPHC_ASSIGN(loss, c.emit(OpKind::Neg, {loss}));
  // An ignored position is 0 whatever the input holds there (0 * inf would be NaN).
  if (ignored) {
    GRAPHC_ASSIGN(loss, c.emit(OpKind::Where, {*ignored, zero, loss}));
  }

  std::vector<int64_t> all(rank - 1);
  for (int64_t a = 0; a < rank - 1; ++a) all[a] = a;
  AttrMap total = attrs(std::pair{"axes", all}, std::pair{"keepdims", int64_t{0}});
  switch (spec.reduction) {
    case LossSpec::Reduction::None: break;
    case LossSpec::Reduction::Sum: {
      GRAPHC_ASSIGN(loss, c.emit(OpKind::ReduceSum, {loss}, total));
      break;
    }
    case LossSpec::Reduction::Mean: {
      if (weight) {
        GRAPHC_ASSIGN(ValueId sum, c.emit(OpKind::ReduceSum, {loss}, total));
        GRAPHC_ASSIGN(ValueId count, c.emit(OpKind::ReduceSum, {*weight}, total));
        GRAPHC_ASSIGN(loss, c.emit(OpKind::Div, {sum, count}));
      } else {
        GRAPHC_ASSIGN(loss, c.emit(OpKind::ReduceMean, {loss}, total));
      }
      break;
    }
  }
  c.setOut(0, loss);
  return ok();
}

Status nllLossOp(ImportCtx& c) {
  GRAPHC_ASSIGN(LossSpec spec, readLossSpec(c));
  return negativeLogLikelihood(c, c.in(0), spec, 1, 2);
}

// SoftmaxCrossEntropyLoss: the NLL loss of log_softmax over the class axis; the second output,
// when asked for, is that log-probability.
Status softmaxCrossEntropyOp(ImportCtx& c) {
  GRAPHC_ASSIGN(LossSpec spec, readLossSpec(c));
  if (c.type(0).rank() < 2) return c.malformed(fmt::format("the scores {} need a batch and a class axis", c.type(0).str()));
  if (!isFloat(c.type(0).dtype)) return c.unsupported(fmt::format("{} of {}", c.node().opType, c.type(0).str()));
  GRAPHC_ASSIGN(ValueId logProb, c.emit(OpKind::LogSoftmax, {c.in(0)}, attrs(std::pair{"axis", int64_t{1}})));
  c.setOut(1, logProb);
  return negativeLogLikelihood(c, logProb, spec, 1, 2);
}

}  // namespace

void registerLoss(OpTable& t) {
  t["NegativeLogLikelihoodLoss"] = {nllLossOp, 2, 3};
  t["SoftmaxCrossEntropyLoss"] = {softmaxCrossEntropyOp, 2, 3};
}

}  // namespace graphc::onnxfe
