// What the C API's files share: the handles' definitions, the checks every function makes on
// its arguments, and the boundary that turns errors and exceptions into a status and a message.
#pragma once

#include <graphc/graphc.h>

#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "driver/model.h"
#include "driver/pipeline.h"
#include "driver/step_trainer.h"

struct graphc_options {
  graphc::CompileOptions compile{.backend = graphc::driver::defaultBackend()};
  graphc::driver::ShapeMap shapes;
  graphc::driver::DimMap dims;
  std::string precision = "f32";  // f32, bf16 or auto: resolved against the backend at compile
  std::optional<int> mpiComm;      // graphc_options_set_mpi_comm's Fortran handle
  // compile, with the precision resolved.
  graphc::CompileOptions resolved() const;
};

// One input or output of a model as the API describes it (names and dims owned here).
struct graphc_tensor_desc {
  std::string name;
  graphc::TensorType type;
  graphc_tensor_info info() const;
};

struct graphc_model {
  std::unique_ptr<graphc::Executable> exe;
  std::vector<graphc_tensor_desc> inputs, outputs;
};

struct graphc_session {
  const graphc_model* model = nullptr;
  std::unique_ptr<graphc::ExecutionContext> ctx;
  // A run's raw pointer tables (runtime/abi.h) in the model's order, and the order of the
  // caller's buffers; kept so that runs reuse their capacity (no allocation per run).
  std::vector<const void*> inputs;
  std::vector<void*> outputs;
  std::vector<size_t> inputBytes, outputBytes, inputOrder, outputOrder;
  std::vector<size_t> namedInputOrder, namedOutputOrder;  // a run by name's, reused
};

struct graphc_trainer {
  graphc::driver::StepTrainer step;
  graphc_tensor_desc data, labels;
  std::vector<graphc_tensor_desc> params;
  std::vector<graphc::ValueId> paramValues;  // params[i]'s value in the step graph
};

namespace graphc::capi {

// Records `message` as the calling thread's last error and returns `status`.
graphc_status fail(graphc_status status, std::string message);
// An Error of the compiler or runtime, by its code.
graphc_status fail(const Error& error);
graphc_status failStatus(const Status& status);

// Runs `body` (which returns a graphc_status) with every exception turned into a status: no
// exception crosses the C boundary.
template <class Body>
graphc_status guard(const char* function, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(GRAPHC_STATUS_OUT_OF_MEMORY, std::string(function) + ": out of memory");
  } catch (const std::exception& e) {
    return fail(GRAPHC_STATUS_INTERNAL, std::string(function) + ": " + e.what());
  } catch (...) {
    return fail(GRAPHC_STATUS_INTERNAL, std::string(function) + ": unknown exception");
  }
}

// A C caller may store any int in an enum object; in C++, loading a value outside the enum's
// range is undefined, so an enum that crosses the boundary is read as the int its bits hold.
template <class Enum>
int enumValue(const Enum& e) {
  static_assert(sizeof(Enum) == sizeof(int));
  int value;
  std::memcpy(&value, &e, sizeof value);
  return value;
}

// Argument checks: each returns GRAPHC_OK or records the failure and returns its status.
graphc_status checkNotNull(const void* p, const char* function, const char* argument);
// A caller's buffer against the tensor it stands for; the message names it "FN: KIND 'NAME'"
// (formatted only on failure: a run allocates nothing).
graphc_status checkBuffer(const TensorType& type, int dtype, const void* data, size_t bytes, const char* fn,
                          const char* kind, const std::string& name);

graphc_tensor_desc describe(const std::string& name, const TensorType& type);
graphc_dtype fromDType(DType dtype);

// Loads the model at `path`, or from `bytes` when path is empty, with the options' bindings.
Result<Graph> loadWithOptions(const std::string& path, std::string_view bytes, const graphc_options& options);
// Passes that report nowhere: a library does not write to the host's stderr.
driver::PassOptions quietPasses();

}  // namespace graphc::capi
