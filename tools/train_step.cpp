#include "tools/train_step.h"

#include <fmt/format.h>

#include "passes/training.h"

namespace graphc::tool {

void TrainStepFlags::addTo(CLI::App& cmd) {
  cmd.add_flag("--train", train, "Use one training step (forward, loss, gradients, optimizer update) with one-hot labels");
  cmd.add_option("--loss", loss, "With --train: softmax_cross_entropy, cross_entropy or mse")
      ->check(CLI::IsMember({"softmax_cross_entropy", "cross_entropy", "mse"}))->capture_default_str();
  cmd.add_option("--optimizer", optimizer, "With --train: sgd, momentum or adam")
      ->check(CLI::IsMember({"sgd", "momentum", "adam"}))->capture_default_str();
  cmd.add_option("--lr", lr, "With --train: learning rate")->check(CLI::PositiveNumber)->capture_default_str();
}

std::function<Status(Graph&)> TrainStepFlags::transform(const std::string& model, const PipelineFlags& flags) const {
  if (!train) return {};
  TrainingOptions t{*parseLoss(loss), *parseOptimizer(optimizer), lr, std::nullopt};
  return [t, model, flags](Graph& g) mutable -> Status {
    if (!g.outputs.empty()) t.labels = g.type(g.outputs[0].value);
    auto step = buildTrainingStep(g, t);
    if (!step) return Error(fmt::format("{}: --train: {}", model, step.error().message()));
    if (step->updates.empty()) return Error(fmt::format("{}: --train: the model has no float parameters to train", model));
    GRAPHC_TRY(optimize(*step, flags, {"constant_fold", "cse", "dce"}));
    g = std::move(*step);
    return ok();
  };
}

}  // namespace graphc::tool
