// A training step the caller drives batch by batch.
#include "driver/step_trainer.h"

#include <fmt/format.h>

#include "driver/save_trained.h"
#include "driver/trainer.h"

namespace graphc::driver {
namespace {

// Class indices index the output's rows: one out of range would read past them.
Status checkClassIndices(ConstTensorView labels, int64_t classes) {
  int64_t n = labels.shape.empty() ? 1 : labels.shape[0];
  for (int64_t i = 0; i < n; ++i) {
    int64_t c = labels.dtype == DType::i64 ? static_cast<const int64_t*>(labels.data)[i]
                                           : static_cast<const int32_t*>(labels.data)[i];
    if (c < 0 || c >= classes)
      return Error(fmt::format("label {} at index {} is out of range [0, {}) for the model's {} classes", c, i, classes, classes));
  }
  return ok();
}

}  // namespace

Result<StepTrainer> StepTrainer::create(Graph model, std::string sourcePath, const StepTrainerOptions& o) {
  std::string name = sourcePath.empty() ? "<memory>" : sourcePath;
  if (model.inputs.size() != 1)
    return Error(ErrorCode::Unsupported, fmt::format("{}: a training step feeds one data input, but the model has {}", name,
                                                     model.inputs.size()));
  if (model.outputs.empty()) return Error(fmt::format("{}: the model has no outputs", name));
  const TensorType& output = model.type(model.outputs[0].value);
  if (!isFloat(output.dtype) || output.shape.empty())
    return Error(ErrorCode::Shape, fmt::format("{}: training needs a floating-point output [B, ...], got {}", name, output.str()));
  TensorType labels = o.loss == LossKind::Mse ? output : TensorType{DType::i64, {output.shape[0]}};

  StepTrainer t;
  t.sourcePath_ = std::move(sourcePath);
  bool distributed = o.comm && o.comm->size() > 1;
  GRAPHC_ASSIGN(t.exe_, compileTrainingStep(model, name, TrainingOptions{o.loss, o.optimizer, o.lr, labels}, o.backend, o.passes,
                                            distributed));
  t.model_ = std::move(model);
  t.comm_ = o.comm;
  GRAPHC_ASSIGN(t.ctx_, newContext(*t.exe_));
  t.ctx_->setCommunicator(distributed ? t.comm_.get() : nullptr);
  t.outputs_ = t.exe_->makeOutputs();
  const Graph& g = t.exe_->graph();
  for (ValueId v : g.constants)
    if (g.value(v).kind == ValueKind::Param && isFloat(g.type(v).dtype)) t.params_.push_back(v);
  return t;
}

Result<double> StepTrainer::step(ConstTensorView data, ConstTensorView labels) {
  if (isInteger(labels.dtype) && labels.data && labels.hasType(labelsType()))
    GRAPHC_TRY(checkClassIndices(labels, exe_->graph().type(exe_->graph().outputs[1].value).shape.at(1)));
  ConstTensorView inputs[] = {data, labels};
  std::vector<TensorView> outputs;
  for (Tensor& out : outputs_) outputs.push_back(viewOf(out));
  GRAPHC_TRY(exe_->run(*ctx_, inputs, outputs));
  return outputs_[0].at(0);
}

Status StepTrainer::save(const std::string& out) const {
  GRAPHC_TRY(checkSavePath(out));
  GRAPHC_ASSIGN(auto trained, trainedParams(*exe_, *ctx_));
  int64_t batch = dataType().shape.empty() ? 1 : dataType().shape[0];
  return saveTrained(sourcePath_, model_, batch, trained, out);
}

}  // namespace graphc::driver
