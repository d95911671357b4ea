// Helpers of the C API tests.
#include "tests/capi/capi_test.h"

#include <doctest/doctest.h>

#include "tests/support.h"

namespace graphc::test {

std::string tinyModel() { return dataPath("../cli/Inputs/tiny.graph"); }

const char* const kTwoInputs = R"(graph two {
  input %a : f32[2]
  input %b : f32[2]
  %c = add(%a, %b) : f32[2]
  output c = %c
}
)";

OptionsPtr makeOptions(const std::string& backend, int64_t batch) {
  graphc_options* o = nullptr;
  REQUIRE(graphc_options_create(&o) == GRAPHC_OK);
  OptionsPtr options(o);
  REQUIRE(graphc_options_set_backend(o, backend.c_str()) == GRAPHC_OK);
  REQUIRE(graphc_options_bind_dim(o, "N", batch) == GRAPHC_OK);
  return options;
}

ModelPtr compileFile(const std::string& path, const graphc_options* options) {
  graphc_model* m = nullptr;
  graphc_status s = graphc_model_compile_file(path.c_str(), options, &m);
  INFO(std::string(graphc_last_error_message()));
  REQUIRE(s == GRAPHC_OK);
  return ModelPtr(m);
}

ModelPtr compileText(const std::string& text, const graphc_options* options) {
  graphc_model* m = nullptr;
  graphc_status s = graphc_model_compile_memory(text.data(), text.size(), options, &m);
  INFO(std::string(graphc_last_error_message()));
  REQUIRE(s == GRAPHC_OK);
  return ModelPtr(m);
}

SessionPtr makeSession(const graphc_model* model) {
  graphc_session* s = nullptr;
  graphc_status status = graphc_session_create(model, &s);
  INFO(std::string(graphc_last_error_message()));
  REQUIRE(status == GRAPHC_OK);
  return SessionPtr(s);
}

graphc_input inputOf(const Tensor& t, const char* name) {
  return {name, static_cast<graphc_dtype>(t.dtype()), t.raw(), t.bytes()};
}

graphc_output outputOf(Tensor& t, const char* name) { return {name, static_cast<graphc_dtype>(t.dtype()), t.raw(), t.bytes()}; }

TensorType outputType(const graphc_model* model, size_t index) {
  graphc_tensor_info info{};
  REQUIRE(graphc_model_output_info(model, index, &info) == GRAPHC_OK);
  return {static_cast<DType>(info.dtype), Shape(info.dims, info.dims + info.rank)};
}

std::vector<Tensor> runC(const graphc_model* model, graphc_session* session, const std::vector<Tensor>& inputs) {
  size_t count = 0;
  REQUIRE(graphc_model_num_outputs(model, &count) == GRAPHC_OK);
  std::vector<Tensor> outputs;
  std::vector<graphc_input> in;
  std::vector<graphc_output> out;
  for (size_t i = 0; i < count; ++i) outputs.emplace_back(outputType(model, i));
  for (const Tensor& t : inputs) in.push_back(inputOf(t));
  for (Tensor& t : outputs) out.push_back(outputOf(t));
  graphc_status s = graphc_run(model, session, in.data(), in.size(), out.data(), out.size());
  INFO(std::string(graphc_last_error_message()));
  REQUIRE(s == GRAPHC_OK);
  return outputs;
}

}  // namespace graphc::test
