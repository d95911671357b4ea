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

}  // namespace graphc
