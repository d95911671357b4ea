// The training-step builder: loss, gradients (autodiff.cpp), optimizer updates.
#include "passes/train/training.h"

#include <fmt/format.h>
#include <set>

#include "ir/builder.h"
#include "ir/grad.h"
#include "ir/verifier.h"
#include "passes/train/autodiff.h"
#include "passes/pass.h"

namespace graphc {

static constexpr std::pair<LossKind, std::string_view> kLosses[] = {
    {LossKind::SoftmaxCrossEntropy, "softmax_cross_entropy"}, {LossKind::CrossEntropy, "cross_entropy"}, {LossKind::Mse, "mse"}};
static constexpr std::pair<OptimizerKind, std::string_view> kOptimizers[] = {
    {OptimizerKind::Sgd, "sgd"}, {OptimizerKind::Momentum, "momentum"}, {OptimizerKind::Adam, "adam"}};

std::optional<LossKind> parseLoss(std::string_view name) {
  for (auto [k, n] : kLosses)
    if (n == name) return k;
  return std::nullopt;
}
std::optional<OptimizerKind> parseOptimizer(std::string_view name) {
  for (auto [k, n] : kOptimizers)
    if (n == name) return k;
  return std::nullopt;
}
std::string_view lossName(LossKind k) { return kLosses[(int)k].second; }
std::string_view optimizerName(OptimizerKind k) { return kOptimizers[(int)k].second; }

namespace {

// The loss of `out` against `labels`, a scalar named "loss".
Result<ValueId> buildLoss(Builder& b, ValueId out, ValueId labels, LossKind kind) {
  Graph& g = b.graph();
  TensorType ot = g.type(out), lt = g.type(labels);
  if (!isFloat(ot.dtype)) return Error(ErrorCode::Shape, fmt::format("the model's output must be floating-point to train, got {}", ot.str()));
  bool classes = isInteger(lt.dtype);
  if (kind != LossKind::Mse && ot.rank() != 2)
    return Error(ErrorCode::Shape, fmt::format("{} needs an output of shape [N, classes], got {}", lossName(kind), ot.str()));
  ValueId target = labels;
  if (classes) {
    if (ot.rank() < 1 || lt.shape != Shape(ot.shape.begin(), ot.shape.end() - 1))
      return Error(ErrorCode::Shape, fmt::format("class labels must be [{}] for the output {}, got {}",
                               shapeStr(Shape(ot.shape.begin(), ot.shape.end() - (ot.rank() ? 1 : 0))), ot.str(), lt.str()));
    target = b.create(OpKind::OneHot, {labels}, attrsOf({{"depth", ot.shape.back()}, {"dtype", std::string(dtypeName(ot.dtype))}}),
                      "labels.onehot");
  } else if (lt != ot) {
    return Error(ErrorCode::Shape, fmt::format("labels must be class indices or {} like the output, got {}", ot.str(), lt.str()));
  }
  AttrMap all = attrsOf({{"keepdims", int64_t{0}}});
  // The cross-entropy of logits (or of a softmax's output, from the softmax's logits) is one
  // fused op that also gives the logits' gradient, from which autodiff starts.
  ValueId logits = UINT32_MAX;
  if (kind == LossKind::SoftmaxCrossEntropy) logits = out;
  const Node* p = g.producer(out);
  if (kind == LossKind::CrossEntropy && p && p->op == OpKind::Softmax) {
    std::vector<TensorType> types{g.type(p->operands[0])};
    if (normalizeAxis(OpCtx{p->info(), types, p->attrs}.i("axis"), 2) == 1) logits = p->operands[0];
  }
  if (logits != UINT32_MAX && g.type(logits) == g.type(target)) {
    GRAPHC_ASSIGN(auto r, b.tryCreate(OpKind::SoftmaxCrossEntropy, {logits, target}, {}, "loss"));
    return r[0];
  }
  if (kind == LossKind::Mse) {
    ValueId d = b.create(OpKind::Sub, {out, target}, {}, "error");
    return b.create(OpKind::ReduceMean, {b.create(OpKind::Mul, {d, d})}, all, "loss");
  }
  ValueId logp = kind == LossKind::SoftmaxCrossEntropy ? b.create(OpKind::LogSoftmax, {out}, attrsOf({{"axis", int64_t{-1}}}), "logp")
                                                       : b.create(OpKind::Log, {out}, {}, "logp");
  ValueId total = b.create(OpKind::ReduceSum, {b.create(OpKind::Mul, {target, logp})}, all, "logp.sum");
  return b.create(OpKind::Div, {b.create(OpKind::Neg, {total}), b.scalar(ot.dtype, (double)ot.shape[0])}, {}, "loss");
}

// Params the optimizer updates: float params the loss reads, except running statistics.
std::vector<ValueId> trainableParams(const Graph& g) {
  std::set<ValueId> statistics;
  for (const Node& n : g.nodes)
    if (!n.dead && n.op == OpKind::BatchNorm) statistics.insert(n.operands[3]), statistics.insert(n.operands[4]);
  std::vector<ValueId> out;
  for (ValueId v : g.constants)
    if (g.value(v).kind == ValueKind::Param && isFloat(g.type(v).dtype) && !statistics.count(v)) out.push_back(v);
  return out;
}

}  // namespace

Result<Graph> buildTrainingStep(const Graph& model, const TrainingOptions& options) {
  if (model.outputs.empty()) return Error("the model has no outputs");
  if (!model.updates.empty()) return Error("the model already updates its params (is it a training step?)");
  Graph g = model.clone();
  Builder b(g);
  ValueId out = g.outputs[0].value;
  const TensorType& ot = g.type(out);
  TensorType labelType = options.labels ? *options.labels : TensorType{DType::i64, {ot.rank() ? ot.shape[0] : 1}};
  ValueId labels = b.input(g.uniqueName("labels"), labelType);
  GRAPHC_ASSIGN(ValueId loss, buildLoss(b, out, labels, options.loss));
  GRAPHC_TRY(b.status());
  for (const Output& o : g.outputs)
    if (o.name == "loss") return Error("the model already has an output named 'loss'");
  std::vector<Output> outputs{{"loss", loss}};
  outputs.insert(outputs.end(), g.outputs.begin(), g.outputs.end());
  g.outputs = std::move(outputs);

  // Rewrite and compact before differentiating, so that the gradient sees the stable form.
  if (options.loss == LossKind::CrossEntropy) {
    PassContext ctx;
    GRAPHC_TRY(runRaiseLogSoftmax(g, ctx));
  }
  GRAPHC_TRY(g.finalize());
  loss = g.outputs[0].value;

  std::vector<ValueId> params = trainableParams(g);
  const Node* lossNode = g.producer(loss);
  std::pair<ValueId, ValueId> seed;
  if (lossNode && lossNode->op == OpKind::SoftmaxCrossEntropy) seed = {lossNode->operands[0], lossNode->results[1]};
  GRAPHC_ASSIGN(std::vector<ValueId> grads, lossNode && lossNode->op == OpKind::SoftmaxCrossEntropy
                                                ? buildGradients(g, std::span(&seed, 1), params)
                                                : buildGradients(g, loss, params));

  ValueId step = UINT32_MAX;
  for (size_t i = 0; i < params.size(); ++i) {
    ValueId w = params[i], dw = grads[i];
    if (g.value(dw).kind == ValueKind::Const) continue;  // the loss does not depend on w
    std::string name = g.value(w).name;
    Tensor zeros(g.type(w));
    AttrMap lr = attrsOf({{"lr", options.lr}});
    switch (options.optimizer) {
      case OptimizerKind::Sgd:
        b.update(w, b.create(OpKind::SgdUpdate, {w, dw}, lr, name + ".next"));
        break;
      case OptimizerKind::Momentum: {
        ValueId buf = b.state(name + ".momentum", zeros);
        GRAPHC_ASSIGN(auto r, b.tryCreate(OpKind::MomentumUpdate, {w, dw, buf}, lr, name + ".next"));
        b.update(w, r[0]);
        b.update(buf, r[1]);
        break;
      }
      case OptimizerKind::Adam: {
        if (step == UINT32_MAX) {
          // One count for every param: PyTorch keeps one per param, but they all step together.
          ValueId count = b.state("adam.step", Tensor::scalar(DType::i64, 0));
          step = b.create(OpKind::Add, {count, b.scalar(DType::i64, 1)}, {}, "adam.step.next");
          b.update(count, step);
        }
        ValueId m = b.state(name + ".adam_m", zeros), v = b.state(name + ".adam_v", zeros.clone());
        GRAPHC_ASSIGN(auto r, b.tryCreate(OpKind::AdamUpdate, {w, dw, m, v, step}, lr, name + ".next"));
        b.update(w, r[0]);
        b.update(m, r[1]);
        b.update(v, r[2]);
        break;
      }
    }
  }
  GRAPHC_TRY(b.status());
  GRAPHC_TRY(g.finalize());
  GRAPHC_TRY(verify(g));
  return g;
}

}  // namespace graphc
