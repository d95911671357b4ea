// One training step of a model, for bench and compile.
#include "driver/train_step.h"

#include <fmt/format.h>

namespace graphc::driver {

std::function<Status(Graph&)> TrainStepOptions::transform(const std::string& model, const PassOptions& passes) const {
  if (!train) return {};
  TrainingOptions t{loss, optimizer, lr, std::nullopt};
  return [t, model, passes](Graph& g) mutable -> Status {
    if (!g.outputs.empty()) t.labels = g.type(g.outputs[0].value);
    auto step = buildTrainingStep(g, t);
    if (!step) return step.takeError().prefixed(model + ": --train: ");
    if (step->updates.empty()) return Error(fmt::format("{}: --train: the model has no float parameters to train", model));
    GRAPHC_TRY(optimize(*step, passes, {"constant_fold", "cse", "dce"}));
    g = std::move(*step);
    return ok();
  };
}

}  // namespace graphc::driver
