// The C API's training step: compile with a loss and an optimizer, step on caller batches, read,
// write and save the weights.
#include <cmath>
#include <cstring>
#include <fmt/format.h>

#include "driver/capi/api.h"
#include "runtime/mpi/world.h"

using namespace graphc::capi;

namespace {

// loss and optimizer: the C enums' values, unchecked (see enumValue).
graphc_status createTrainer(const std::string& path, std::string_view bytes, const graphc_options* options, int lossValue,
                            int optimizerValue, double lr, graphc_trainer** out, const char* fn) {
  if (auto s = checkNotNull(out, fn, "out")) return s;
  if (lossValue < GRAPHC_LOSS_SOFTMAX_CROSS_ENTROPY || lossValue > GRAPHC_LOSS_MSE)
    return fail(GRAPHC_STATUS_OUT_OF_RANGE, fmt::format("{}: loss {} is not a graphc_loss", fn, lossValue));
  if (optimizerValue < GRAPHC_OPTIMIZER_SGD || optimizerValue > GRAPHC_OPTIMIZER_ADAM)
    return fail(GRAPHC_STATUS_OUT_OF_RANGE, fmt::format("{}: optimizer {} is not a graphc_optimizer", fn, optimizerValue));
  if (!(lr > 0) || !std::isfinite(lr))
    return fail(GRAPHC_STATUS_OUT_OF_RANGE, fmt::format("{}: the learning rate must be finite and > 0, got {}", fn, lr));
  static const graphc_options defaults;
  const graphc_options& o = options ? *options : defaults;
  auto model = loadWithOptions(path, bytes, o);
  if (!model) return fail(model.error());
  graphc::driver::StepTrainerOptions t{static_cast<graphc::LossKind>(lossValue), static_cast<graphc::OptimizerKind>(optimizerValue), lr,
                                       o.resolved(), quietPasses(), nullptr};
  if (o.mpiComm) {
    // No watchdog: the application owns the job and its failure handling.
    auto comm = graphc::mpi::communicatorFromFortran(*o.mpiComm, 0);
    if (!comm) return fail(comm.error());
    t.comm = std::move(*comm);
  }
  auto step = graphc::driver::StepTrainer::create(std::move(*model), path, t);
  if (!step) return fail(step.error());
  auto trainer = std::make_unique<graphc_trainer>(graphc_trainer{std::move(*step), {}, {}, {}, {}});
  const graphc::Graph& g = trainer->step.stepGraph();
  trainer->data = describe(g.value(g.inputs[0]).name, trainer->step.dataType());
  trainer->labels = describe(g.value(g.inputs[1]).name, trainer->step.labelsType());
  for (graphc::ValueId v : trainer->step.params()) {
    trainer->params.push_back(describe(g.value(v).name, g.type(v)));
    trainer->paramValues.push_back(v);
  }
  *out = trainer.release();
  return GRAPHC_OK;
}

// The data or labels input of the step (which: a member of graphc_trainer).
graphc_status stepTensorInfo(const graphc_trainer* trainer, graphc_tensor_desc graphc_trainer::*which, graphc_tensor_info* info,
                             const char* fn) {
  if (auto s = checkNotNull(trainer, fn, "trainer")) return s;
  if (auto s = checkNotNull(info, fn, "info")) return s;
  *info = (trainer->*which).info();
  return GRAPHC_OK;
}

// Finds param `name` (its index) and checks a buffer of its value against it.
graphc_status checkParamBuffer(const graphc_trainer* trainer, const char* name, int dtype, const void* data,
                               size_t bytes, size_t& index, const char* fn) {
  if (auto s = checkNotNull(trainer, fn, "trainer")) return s;
  if (auto s = checkNotNull(name, fn, "name")) return s;
  for (index = 0; index < trainer->params.size(); ++index)
    if (trainer->params[index].name == name) {
      const graphc_tensor_desc& p = trainer->params[index];
      return checkBuffer(p.type, dtype, data, bytes, fn, "param", p.name);
    }
  return fail(GRAPHC_STATUS_UNKNOWN_NAME, fmt::format("{}: the model has no trained param '{}'", fn, name));
}

}  // namespace

// The enums follow the driver's (passes/train/training.h).
static_assert(GRAPHC_LOSS_SOFTMAX_CROSS_ENTROPY == (int)graphc::LossKind::SoftmaxCrossEntropy &&
              GRAPHC_LOSS_CROSS_ENTROPY == (int)graphc::LossKind::CrossEntropy && GRAPHC_LOSS_MSE == (int)graphc::LossKind::Mse);
static_assert(GRAPHC_OPTIMIZER_SGD == (int)graphc::OptimizerKind::Sgd &&
              GRAPHC_OPTIMIZER_MOMENTUM == (int)graphc::OptimizerKind::Momentum &&
              GRAPHC_OPTIMIZER_ADAM == (int)graphc::OptimizerKind::Adam);

extern "C" {

graphc_status graphc_trainer_create_file(const char* path, const graphc_options* options, graphc_loss loss,
                                         graphc_optimizer optimizer, double lr, graphc_trainer** out) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(path, fn, "path")) return s;
    if (!*path) return fail(GRAPHC_STATUS_INVALID_ARGUMENT, fmt::format("{}: the path is empty", fn));
    return createTrainer(path, {}, options, enumValue(loss), enumValue(optimizer), lr, out, fn);
  });
}

graphc_status graphc_trainer_create_memory(const void* data, size_t size, const graphc_options* options, graphc_loss loss,
                                           graphc_optimizer optimizer, double lr, graphc_trainer** out) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(data, fn, "data")) return s;
    if (size == 0) return fail(GRAPHC_STATUS_WRONG_SIZE, fmt::format("{}: the model is 0 bytes", fn));
    return createTrainer("", std::string_view(static_cast<const char*>(data), size), options, enumValue(loss), enumValue(optimizer), lr, out, fn);
  });
}

graphc_status graphc_trainer_free(graphc_trainer* trainer) {
  delete trainer;
  return GRAPHC_OK;
}

graphc_status graphc_trainer_data_info(const graphc_trainer* trainer, graphc_tensor_info* info) {
  const char* fn = __func__;
  return guard(fn, [&] { return stepTensorInfo(trainer, &graphc_trainer::data, info, fn); });
}

graphc_status graphc_trainer_labels_info(const graphc_trainer* trainer, graphc_tensor_info* info) {
  const char* fn = __func__;
  return guard(fn, [&] { return stepTensorInfo(trainer, &graphc_trainer::labels, info, fn); });
}

graphc_status graphc_trainer_step(graphc_trainer* trainer, const graphc_input* data, const graphc_input* labels, double* loss) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(trainer, fn, "trainer")) return s;
    if (auto s = checkNotNull(data, fn, "data")) return s;
    if (auto s = checkNotNull(labels, fn, "labels")) return s;
    if (auto s = checkNotNull(loss, fn, "loss")) return s;
    const graphc_tensor_desc &d = trainer->data, &l = trainer->labels;
    if (auto s = checkBuffer(d.type, data->dtype, data->data, data->bytes, fn, "data", d.name)) return s;
    if (auto s = checkBuffer(l.type, labels->dtype, labels->data, labels->bytes, fn, "labels", l.name)) return s;
    auto result = trainer->step.step(graphc::viewOf(d.type, data->data), graphc::viewOf(l.type, labels->data));
    if (!result) return fail(result.error());
    *loss = *result;
    return GRAPHC_OK;
  });
}

graphc_status graphc_trainer_num_params(const graphc_trainer* trainer, size_t* count) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(trainer, fn, "trainer")) return s;
    if (auto s = checkNotNull(count, fn, "count")) return s;
    *count = trainer->params.size();
    return GRAPHC_OK;
  });
}

graphc_status graphc_trainer_param_info(const graphc_trainer* trainer, size_t index, graphc_tensor_info* info) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(trainer, fn, "trainer")) return s;
    if (auto s = checkNotNull(info, fn, "info")) return s;
    if (index >= trainer->params.size())
      return fail(GRAPHC_STATUS_OUT_OF_RANGE, fmt::format("{}: index {} is past the {} params", fn, index, trainer->params.size()));
    *info = trainer->params[index].info();
    return GRAPHC_OK;
  });
}

graphc_status graphc_trainer_read_param(const graphc_trainer* trainer, const char* name, graphc_dtype dtype, void* data,
                                        size_t bytes) {
  const char* fn = __func__;
  return guard(fn, [&] {
    size_t i = 0;
    if (auto s = checkParamBuffer(trainer, name, enumValue(dtype), data, bytes, i, fn)) return s;
    auto value = trainer->step.readParam(trainer->paramValues[i]);
    if (!value) return fail(value.error());
    if (bytes) std::memcpy(data, value->raw(), bytes);
    return GRAPHC_OK;
  });
}

graphc_status graphc_trainer_write_param(graphc_trainer* trainer, const char* name, graphc_dtype dtype, const void* data,
                                         size_t bytes) {
  const char* fn = __func__;
  return guard(fn, [&] {
    size_t i = 0;
    if (auto s = checkParamBuffer(trainer, name, enumValue(dtype), data, bytes, i, fn)) return s;
    return failStatus(trainer->step.writeParam(trainer->paramValues[i], graphc::viewOf(trainer->params[i].type, data)));
  });
}

graphc_status graphc_trainer_save(const graphc_trainer* trainer, const char* path) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(trainer, fn, "trainer")) return s;
    if (auto s = checkNotNull(path, fn, "path")) return s;
    if (!*path) return fail(GRAPHC_STATUS_INVALID_ARGUMENT, fmt::format("{}: the path is empty", fn));
    return failStatus(trainer->step.save(path));
  });
}

}  // extern "C"
