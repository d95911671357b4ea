// Executable helpers shared by every backend.
#include "runtime/executable.h"

#include <fmt/format.h>

#include "ir/convert.h"
#include "runtime/state.h"

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

Status Executable::checkBuffers(const graphc_run_buffers& b) const {
  const Graph& g = graph();
  if (b.abi_version != GRAPHC_ABI_VERSION)
    return Error(ErrorCode::InvalidArgument, fmt::format("run buffers of ABI version {}, expected {}", b.abi_version, GRAPHC_ABI_VERSION));
  if (b.num_inputs != g.inputs.size())
    return Error(ErrorCode::InvalidArgument, fmt::format("the model takes {} input(s), got {}", g.inputs.size(), b.num_inputs));
  if (b.num_outputs != g.outputs.size())
    return Error(ErrorCode::InvalidArgument, fmt::format("the model has {} output(s), got {}", g.outputs.size(), b.num_outputs));
  if ((b.num_inputs && (!b.inputs || !b.input_bytes)) || (b.num_outputs && (!b.outputs || !b.output_bytes)))
    return Error(ErrorCode::InvalidArgument, "run buffers without their input or output tables");
  auto checkOne = [](const std::string& what, const void* p, size_t given, size_t want) -> Status {
    if (given != want) return Error(ErrorCode::InvalidArgument, fmt::format("{} needs {} bytes, got {}", what, want, given));
    if (!p && want) return Error(ErrorCode::InvalidArgument, fmt::format("{} has no memory", what));
    return ok();
  };
  for (size_t i = 0; i < g.inputs.size(); ++i)
    GRAPHC_TRY(checkOne(fmt::format("input '{}'", g.value(g.inputs[i]).name), b.inputs[i], b.input_bytes[i], g.type(g.inputs[i]).bytes()));
  for (size_t i = 0; i < g.outputs.size(); ++i)
    GRAPHC_TRY(checkOne(fmt::format("output '{}'", g.outputs[i].name), b.outputs[i], b.output_bytes[i], g.type(g.outputs[i].value).bytes()));
  BlockSizes need = blockSizes();
  auto checkBlock = [](const char* what, const void* p, size_t given, size_t want) -> Status {
    if (!p || !want) return ok();  // the context's block, or one the backend does not use
    if (given < want) return Error(ErrorCode::InvalidArgument, fmt::format("the {} needs {} bytes, got {}", what, want, given));
    if (reinterpret_cast<uintptr_t>(p) % GRAPHC_ABI_ALIGNMENT)
      return Error(ErrorCode::InvalidArgument, fmt::format("the {} is not {}-byte aligned", what, GRAPHC_ABI_ALIGNMENT));
    return ok();
  };
  GRAPHC_TRY(checkBlock("arena", b.arena, b.arena_bytes, need.arena));
  GRAPHC_TRY(checkBlock("state block", b.state, b.state_bytes, need.state));
  return checkBlock("scratchpad", b.scratch, b.scratch_bytes, need.scratch);
}

Status Executable::run(ExecutionContext& ctx, const graphc_run_buffers& buffers) const {
  GRAPHC_TRY(checkBuffers(buffers));
  return execute(ctx, buffers);
}

Status Executable::run(ExecutionContext& ctx, std::span<const ConstTensorView> inputs, std::span<const TensorView> outputs) const {
  GRAPHC_TRY(checkViews(inputs, outputs));
  // clear() keeps the capacity: after the first run, building the tables allocates nothing.
  ctx.inputPtrs_.clear(), ctx.inputBytes_.clear(), ctx.outputPtrs_.clear(), ctx.outputBytes_.clear();
  for (const ConstTensorView& v : inputs) ctx.inputPtrs_.push_back(v.data), ctx.inputBytes_.push_back(v.bytes());
  for (const TensorView& v : outputs) ctx.outputPtrs_.push_back(v.data), ctx.outputBytes_.push_back(v.bytes());
  graphc_run_buffers b{};
  b.abi_version = GRAPHC_ABI_VERSION;
  b.num_inputs = (uint32_t)inputs.size(), b.inputs = ctx.inputPtrs_.data(), b.input_bytes = ctx.inputBytes_.data();
  b.num_outputs = (uint32_t)outputs.size(), b.outputs = ctx.outputPtrs_.data(), b.output_bytes = ctx.outputBytes_.data();
  return execute(ctx, b);  // the views were checked, which covers what checkBuffers would
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

Status Executable::writeState(ExecutionContext& ctx, ValueId v, ConstTensorView data) const {
  GRAPHC_TRY(writeStateValue(ctx, v, data));
  for (ValueId copy : bf16CopiesOf(graph(), v)) {
    Tensor rounded(graph().type(copy));
    castElements(data.dtype, data.data, DType::bf16, rounded.raw(), rounded.numel());
    GRAPHC_TRY(writeStateValue(ctx, copy, viewOf(rounded)));
  }
  return ok();
}

Status Executable::writeStateValue(ExecutionContext&, ValueId, ConstTensorView) const {
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
