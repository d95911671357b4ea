// Helpers of the C API tests: owning handles, and runs of graphc tensors through the C API.
#pragma once

#include <graphc/graphc.h>

#include <memory>
#include <string>
#include <vector>

#include "ir/tensor.h"

namespace graphc::test {

template <class Handle, graphc_status (*Free)(Handle*)>
struct CFree {
  void operator()(Handle* h) const { Free(h); }
};
using OptionsPtr = std::unique_ptr<graphc_options, CFree<graphc_options, graphc_options_free>>;
using ModelPtr = std::unique_ptr<graphc_model, CFree<graphc_model, graphc_model_free>>;
using SessionPtr = std::unique_ptr<graphc_session, CFree<graphc_session, graphc_session_free>>;
using TrainerPtr = std::unique_ptr<graphc_trainer, CFree<graphc_trainer, graphc_trainer_free>>;

// tests/cli/Inputs/tiny.graph: x f32[N,6] -> dense 8 relu -> logits f32[N,3].
std::string tinyModel();
// A textual IR model with two inputs a, b f32[2] and one output c = a + b.
extern const char* const kTwoInputs;

// Options on `backend` with symbol N bound to `batch`.
OptionsPtr makeOptions(const std::string& backend, int64_t batch);
// Compiles or creates, REQUIRE-ing success (with the library's message on failure).
ModelPtr compileFile(const std::string& path, const graphc_options* options);
ModelPtr compileText(const std::string& text, const graphc_options* options);
SessionPtr makeSession(const graphc_model* model);

graphc_input inputOf(const Tensor& t, const char* name = nullptr);
graphc_output outputOf(Tensor& t, const char* name = nullptr);
// Runs by position with fresh output tensors of the model's types; REQUIREs success.
std::vector<Tensor> runC(const graphc_model* model, graphc_session* session, const std::vector<Tensor>& inputs);
TensorType outputType(const graphc_model* model, size_t index);

}  // namespace graphc::test
