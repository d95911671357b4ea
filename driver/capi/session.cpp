// The C API's sessions and runs: caller buffers checked, then run in place through the raw
// buffer ABI (runtime/abi.h).
#include <algorithm>

#include <fmt/format.h>

#include "driver/capi/api.h"

using namespace graphc::capi;

namespace {

graphc_status checkRunTargets(const graphc_model* model, const graphc_session* session, const void* inputs, size_t numInputs,
                              const void* outputs, size_t numOutputs, const char* fn) {
  if (auto s = checkNotNull(model, fn, "model")) return s;
  if (auto s = checkNotNull(session, fn, "session")) return s;
  if (session->model != model)
    return fail(GRAPHC_STATUS_WRONG_MODEL, fmt::format("{}: the session was created for another model", fn));
  if (numInputs != model->inputs.size())
    return fail(GRAPHC_STATUS_WRONG_COUNT, fmt::format("{}: {} inputs given, the model has {}", fn, numInputs, model->inputs.size()));
  if (numOutputs != model->outputs.size())
    return fail(GRAPHC_STATUS_WRONG_COUNT,
                fmt::format("{}: {} outputs given, the model has {}", fn, numOutputs, model->outputs.size()));
  if (numInputs)
    if (auto s = checkNotNull(inputs, fn, "inputs")) return s;
  if (numOutputs)
    if (auto s = checkNotNull(outputs, fn, "outputs")) return s;
  return GRAPHC_OK;
}

// Where each given buffer goes: order[i] is the model's index for buffers[i], by name.
template <class Buffer>
graphc_status matchNames(const std::vector<graphc_tensor_desc>& model, const Buffer* buffers, size_t count,
                         std::vector<size_t>& order, const char* what, const char* fn) {
  order.assign(count, 0);
  for (size_t i = 0; i < count; ++i) {
    if (!buffers[i].name) return fail(GRAPHC_STATUS_NULL_ARGUMENT, fmt::format("{}: {}[{}].name is NULL", fn, what, i));
    size_t at = 0;
    while (at < model.size() && model[at].name != buffers[i].name) ++at;
    if (at == model.size())
      return fail(GRAPHC_STATUS_UNKNOWN_NAME, fmt::format("{}: {}[{}]: the model has no {} '{}'", fn, what, i,
                                                          std::string_view(what).substr(0, std::string_view(what).size() - 1),
                                                          buffers[i].name));
    // A handful of buffers: a scan of the earlier ones, so that a run allocates nothing.
    if (std::find(order.begin(), order.begin() + (ptrdiff_t)i, at) != order.begin() + (ptrdiff_t)i)
      return fail(GRAPHC_STATUS_DUPLICATE_NAME, fmt::format("{}: '{}' is given twice", fn, buffers[i].name));
    order[i] = at;
  }
  return GRAPHC_OK;
}

// Checks every buffer against its tensor (order: the model's index of each), then runs.
graphc_status checkedRun(const graphc_model* model, graphc_session* session, const graphc_input* inputs,
                         const std::vector<size_t>& inputOrder, const graphc_output* outputs,
                         const std::vector<size_t>& outputOrder, const char* fn) {
  for (size_t i = 0; i < inputOrder.size(); ++i) {
    const graphc_tensor_desc& d = model->inputs[inputOrder[i]];
    if (auto s = checkBuffer(d.type, enumValue(inputs[i].dtype), inputs[i].data, inputs[i].bytes, fn, "input", d.name)) return s;
  }
  for (size_t i = 0; i < outputOrder.size(); ++i) {
    const graphc_tensor_desc& d = model->outputs[outputOrder[i]];
    if (auto s = checkBuffer(d.type, enumValue(outputs[i].dtype), outputs[i].data, outputs[i].bytes, fn, "output", d.name)) return s;
  }
  // The caller's memory in the model's order: nothing is copied.
  for (size_t i = 0; i < inputOrder.size(); ++i)
    session->inputs[inputOrder[i]] = inputs[i].data, session->inputBytes[inputOrder[i]] = inputs[i].bytes;
  for (size_t i = 0; i < outputOrder.size(); ++i)
    session->outputs[outputOrder[i]] = outputs[i].data, session->outputBytes[outputOrder[i]] = outputs[i].bytes;
  graphc_run_buffers run{};
  run.abi_version = GRAPHC_ABI_VERSION;
  run.num_inputs = (uint32_t)session->inputs.size(), run.inputs = session->inputs.data();
  run.input_bytes = session->inputBytes.data();
  run.num_outputs = (uint32_t)session->outputs.size(), run.outputs = session->outputs.data();
  run.output_bytes = session->outputBytes.data();
  return failStatus(model->exe->run(*session->ctx, run));
}

}  // namespace

extern "C" {

graphc_status graphc_session_create(const graphc_model* model, graphc_session** out) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(model, fn, "model")) return s;
    if (auto s = checkNotNull(out, fn, "out")) return s;
    auto ctx = graphc::driver::newContext(*model->exe);
    if (!ctx) return fail(ctx.error());
    auto session = std::make_unique<graphc_session>();
    session->model = model;
    session->ctx = std::move(*ctx);
    size_t nIn = model->inputs.size(), nOut = model->outputs.size();
    session->inputs.resize(nIn), session->inputBytes.resize(nIn), session->inputOrder.resize(nIn);
    session->outputs.resize(nOut), session->outputBytes.resize(nOut), session->outputOrder.resize(nOut);
    session->namedInputOrder.reserve(nIn), session->namedOutputOrder.reserve(nOut);
    for (size_t i = 0; i < nIn; ++i) session->inputOrder[i] = i;  // by position: the identity
    for (size_t i = 0; i < nOut; ++i) session->outputOrder[i] = i;
    *out = session.release();
    return GRAPHC_OK;
  });
}

graphc_status graphc_session_free(graphc_session* session) {
  delete session;
  return GRAPHC_OK;
}

graphc_status graphc_run(const graphc_model* model, graphc_session* session, const graphc_input* inputs, size_t num_inputs,
                         const graphc_output* outputs, size_t num_outputs) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkRunTargets(model, session, inputs, num_inputs, outputs, num_outputs, fn)) return s;
    return checkedRun(model, session, inputs, session->inputOrder, outputs, session->outputOrder, fn);
  });
}

graphc_status graphc_run_named(const graphc_model* model, graphc_session* session, const graphc_input* inputs,
                               size_t num_inputs, const graphc_output* outputs, size_t num_outputs) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkRunTargets(model, session, inputs, num_inputs, outputs, num_outputs, fn)) return s;
    std::vector<size_t>& inputOrder = session->namedInputOrder;  // the session's: no allocation per run
    std::vector<size_t>& outputOrder = session->namedOutputOrder;
    if (auto s = matchNames(model->inputs, inputs, num_inputs, inputOrder, "inputs", fn)) return s;
    if (auto s = matchNames(model->outputs, outputs, num_outputs, outputOrder, "outputs", fn)) return s;
    return checkedRun(model, session, inputs, inputOrder, outputs, outputOrder, fn);
  });
}

}  // extern "C"
