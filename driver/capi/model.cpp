// The C API's models: compile from a file or memory, and describe the inputs and outputs.
#include <fmt/format.h>

#include "driver/capi/api.h"

using namespace graphc::capi;

namespace {

graphc_status compile(const std::string& path, std::string_view bytes, const graphc_options* options, graphc_model** out) {
  static const graphc_options defaults;
  const graphc_options& o = options ? *options : defaults;
  auto loaded = loadWithOptions(path, bytes, o);
  if (!loaded) return fail(loaded.error());
  if (auto s = failStatus(graphc::driver::optimize(*loaded, quietPasses()))) return s;
  auto exe = graphc::driver::prepare(*loaded, o.resolved());
  if (!exe) return fail(exe.error());
  auto model = std::make_unique<graphc_model>();
  model->exe = std::move(*exe);
  const graphc::Graph& g = model->exe->graph();
  for (graphc::ValueId v : g.inputs) model->inputs.push_back(describe(g.value(v).name, g.type(v)));
  for (const graphc::Output& output : g.outputs) model->outputs.push_back(describe(output.name, g.type(output.value)));
  *out = model.release();
  return GRAPHC_OK;
}

graphc_status tensorCount(const graphc_model* model, size_t* count, bool input, const char* fn) {
  if (auto s = checkNotNull(model, fn, "model")) return s;
  if (auto s = checkNotNull(count, fn, "count")) return s;
  *count = input ? model->inputs.size() : model->outputs.size();
  return GRAPHC_OK;
}

graphc_status tensorInfo(const graphc_model* model, size_t index, graphc_tensor_info* info, bool input, const char* fn) {
  if (auto s = checkNotNull(model, fn, "model")) return s;
  if (auto s = checkNotNull(info, fn, "info")) return s;
  const auto& list = input ? model->inputs : model->outputs;
  if (index >= list.size())
    return fail(GRAPHC_STATUS_OUT_OF_RANGE, fmt::format("{}: index {} is past the model's {} {}", fn, index, list.size(),
                                                        input ? "inputs" : "outputs"));
  *info = list[index].info();
  return GRAPHC_OK;
}

graphc_status findTensor(const graphc_model* model, const char* name, size_t* index, bool input, const char* fn) {
  if (auto s = checkNotNull(model, fn, "model")) return s;
  if (auto s = checkNotNull(name, fn, "name")) return s;
  if (auto s = checkNotNull(index, fn, "index")) return s;
  const auto& list = input ? model->inputs : model->outputs;
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].name == name) {
      *index = i;
      return GRAPHC_OK;
    }
  return fail(GRAPHC_STATUS_UNKNOWN_NAME, fmt::format("{}: the model has no {} '{}'", fn, input ? "input" : "output", name));
}

}  // namespace

extern "C" {

graphc_status graphc_model_compile_file(const char* path, const graphc_options* options, graphc_model** out) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(path, fn, "path")) return s;
    if (auto s = checkNotNull(out, fn, "out")) return s;
    if (!*path) return fail(GRAPHC_STATUS_INVALID_ARGUMENT, fmt::format("{}: the path is empty", fn));
    return compile(path, {}, options, out);
  });
}

graphc_status graphc_model_compile_memory(const void* data, size_t size, const graphc_options* options, graphc_model** out) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(data, fn, "data")) return s;
    if (auto s = checkNotNull(out, fn, "out")) return s;
    if (size == 0) return fail(GRAPHC_STATUS_WRONG_SIZE, fmt::format("{}: the model is 0 bytes", fn));
    return compile("", std::string_view(static_cast<const char*>(data), size), options, out);
  });
}

graphc_status graphc_model_free(graphc_model* model) {
  delete model;
  return GRAPHC_OK;
}

graphc_status graphc_model_num_inputs(const graphc_model* model, size_t* count) {
  const char* fn = __func__;
  return guard(fn, [&] { return tensorCount(model, count, true, fn); });
}

graphc_status graphc_model_num_outputs(const graphc_model* model, size_t* count) {
  const char* fn = __func__;
  return guard(fn, [&] { return tensorCount(model, count, false, fn); });
}

graphc_status graphc_model_input_info(const graphc_model* model, size_t index, graphc_tensor_info* info) {
  const char* fn = __func__;
  return guard(fn, [&] { return tensorInfo(model, index, info, true, fn); });
}

graphc_status graphc_model_output_info(const graphc_model* model, size_t index, graphc_tensor_info* info) {
  const char* fn = __func__;
  return guard(fn, [&] { return tensorInfo(model, index, info, false, fn); });
}

graphc_status graphc_model_find_input(const graphc_model* model, const char* name, size_t* index) {
  const char* fn = __func__;
  return guard(fn, [&] { return findTensor(model, name, index, true, fn); });
}

graphc_status graphc_model_find_output(const graphc_model* model, const char* name, size_t* index) {
  const char* fn = __func__;
  return guard(fn, [&] { return findTensor(model, name, index, false, fn); });
}

}  // extern "C"
