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

Result<Tensor> Executable::readState(const ExecutionContext&, ValueId v) const {
  const Graph& g = graph();
  if (v >= g.values.size() || (g.value(v).kind != ValueKind::Param && g.value(v).kind != ValueKind::State))
    return Error("readState: not a param or state of the graph");
  if (!g.updates.empty()) return Error("this backend does not keep training state");
  return g.value(v).data.clone();
}

}  // namespace graphc
