// Executable helpers shared by every backend.
#include "runtime/executable.h"

#include <fmt/format.h>

namespace graphc {

std::vector<Tensor> Executable::makeOutputs() const {
  std::vector<Tensor> out;
  for (const Output& o : graph().outputs) out.emplace_back(graph().type(o.value));
  return out;
}

Status Executable::checkInputs(std::span<const Tensor> inputs) const {
  const Graph& g = graph();
  if (inputs.size() != g.inputs.size())
    return Error(fmt::format("the model takes {} input(s), got {}", g.inputs.size(), inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value& v = g.value(g.inputs[i]);
    if (inputs[i].type() != v.type)
      return Error(fmt::format("input '{}' must be {}, got {}", v.name, v.type.str(), inputs[i].type().str()));
  }
  return ok();
}

Status Executable::checkViews(std::span<const ConstTensorView> inputs, std::span<const TensorView> outputs) const {
  const Graph& g = graph();
  if (inputs.size() != g.inputs.size())
    return Error(fmt::format("the model takes {} input(s), got {}", g.inputs.size(), inputs.size()));
  if (outputs.size() != g.outputs.size())
    return Error(fmt::format("the model has {} output(s), got {}", g.outputs.size(), outputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value& v = g.value(g.inputs[i]);
    if (!inputs[i].hasType(v.type))
      return Error(fmt::format("input '{}' must be {}, got {}", v.name, v.type.str(), inputs[i].type().str()));
    if (!inputs[i].data && v.type.bytes()) return Error(fmt::format("input '{}' has no data", v.name));
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    const TensorType& t = g.type(g.outputs[i].value);
    if (!outputs[i].hasType(t))
      return Error(fmt::format("output '{}' must be {}, got {}", g.outputs[i].name, t.str(), outputs[i].type().str()));
    if (!outputs[i].data && t.bytes()) return Error(fmt::format("output '{}' has no memory", g.outputs[i].name));
  }
  return ok();
}

Status Executable::run(ExecutionContext& ctx, std::span<const Tensor> inputs, std::span<Tensor> outputs) const {
  const Graph& g = graph();
  GRAPHC_TRY(checkInputs(inputs));
  if (outputs.size() != g.outputs.size())
    return Error(fmt::format("the model has {} output(s), got {}", g.outputs.size(), outputs.size()));
  // clear() keeps the capacity: after the first run, building the views allocates nothing.
  ctx.inputViews_.clear();
  ctx.outputViews_.clear();
  for (const Tensor& t : inputs) ctx.inputViews_.push_back(viewOf(t));
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].empty()) outputs[i] = Tensor(g.type(g.outputs[i].value));
    ctx.outputViews_.push_back(viewOf(outputs[i]));
  }
  return run(ctx, std::span<const ConstTensorView>(ctx.inputViews_), std::span<const TensorView>(ctx.outputViews_));
}

Status Executable::writeState(ExecutionContext&, ValueId, ConstTensorView) const {
  return Error(ErrorCode::Unsupported, "writeState: this backend does not keep training state");
}

Result<Tensor> Executable::readState(const ExecutionContext&, ValueId v) const {
  const Graph& g = graph();
  if (v >= g.values.size() || (g.value(v).kind != ValueKind::Param && g.value(v).kind != ValueKind::State))
    return Error("readState: not a param or state of the graph");
  if (!g.updates.empty()) return Error("this backend does not keep training state");
  return g.value(v).data.clone();
}

}  // namespace graphc
