// The C API's errors (per-thread messages, status names), version, and argument checks.
#include <fmt/format.h>

#include <ostream>

#include "driver/capi/api.h"

namespace graphc::capi {
namespace {

thread_local std::string lastMessage;

}  // namespace

graphc_status fail(graphc_status status, std::string message) {
  lastMessage = std::move(message);
  return status;
}

graphc_status fail(const Error& error) {
  std::string message;
  for (const Diag& d : error.diags) message += (message.empty() ? "" : "\n") + d.message;
  // ErrorCode's order is the status order, from GRAPHC_STATUS_INVALID_ARGUMENT on.
  return fail(static_cast<graphc_status>(static_cast<int>(error.code) + GRAPHC_STATUS_INVALID_ARGUMENT), std::move(message));
}

graphc_status failStatus(const Status& status) { return status ? GRAPHC_OK : fail(status.error()); }

graphc_status checkNotNull(const void* p, const char* function, const char* argument) {
  if (p) return GRAPHC_OK;
  return fail(GRAPHC_STATUS_NULL_ARGUMENT, fmt::format("{}: '{}' is NULL", function, argument));
}

graphc_status checkBuffer(const TensorType& type, int dtype, const void* data, size_t bytes, const char* fn,
                          const char* kind, const std::string& name) {
  auto what = [&] { return fmt::format("{}: {} '{}'", fn, kind, name); };
  if (dtype < GRAPHC_DTYPE_F32 || dtype > GRAPHC_DTYPE_U16)
    return fail(GRAPHC_STATUS_OUT_OF_RANGE, fmt::format("{}: dtype {} is not a graphc_dtype", what(), dtype));
  if (DType(dtype) != type.dtype)
    return fail(GRAPHC_STATUS_WRONG_DTYPE, fmt::format("{}: the buffer is {}, the model's tensor is {}", what(),
                                                       dtypeName(DType(dtype)), type.str()));
  if (bytes != type.bytes())
    return fail(GRAPHC_STATUS_WRONG_SIZE, fmt::format("{}: the buffer has {} bytes, {} needs {}", what(), bytes, type.str(), type.bytes()));
  if (!data && type.bytes()) return fail(GRAPHC_STATUS_NULL_ARGUMENT, fmt::format("{}: the buffer's data is NULL", what()));
  return GRAPHC_OK;
}

graphc_tensor_desc describe(const std::string& name, const TensorType& type) { return {name, type}; }

// graphc_dtype follows DType's order (ir/types.h); static_asserts keep them together.
static_assert(GRAPHC_DTYPE_F32 == (int)DType::f32 && GRAPHC_DTYPE_F64 == (int)DType::f64 && GRAPHC_DTYPE_I32 == (int)DType::i32 &&
              GRAPHC_DTYPE_I64 == (int)DType::i64 && GRAPHC_DTYPE_BOOL == (int)DType::boolean &&
              GRAPHC_DTYPE_BF16 == (int)DType::bf16 && GRAPHC_DTYPE_F16 == (int)DType::f16 && GRAPHC_DTYPE_I8 == (int)DType::i8 &&
              GRAPHC_DTYPE_U8 == (int)DType::u8 && GRAPHC_DTYPE_I16 == (int)DType::i16 && GRAPHC_DTYPE_U16 == (int)DType::u16);
static_assert(GRAPHC_STATUS_INTERNAL - GRAPHC_STATUS_INVALID_ARGUMENT == (int)ErrorCode::Internal);
graphc_dtype fromDType(DType dtype) { return static_cast<graphc_dtype>(dtype); }

driver::PassOptions quietPasses() {
  // A stream without a buffer discards what is written; one per thread, as writing sets its state.
  thread_local std::ostream discard(nullptr);
  driver::PassOptions passes;
  passes.log = &discard;
  return passes;
}

Result<Graph> loadWithOptions(const std::string& path, std::string_view bytes, const graphc_options& options) {
  if (!path.empty()) return driver::loadModel(path, options.shapes, options.dims);
  return driver::loadModelBytes(bytes, "<memory>", options.shapes, options.dims);
}

}  // namespace graphc::capi

graphc_tensor_info graphc_tensor_desc::info() const {
  return {name.c_str(), graphc::capi::fromDType(type.dtype), type.shape.size(), type.shape.data(), type.bytes()};
}

extern "C" {

const char* graphc_last_error_message(void) { return graphc::capi::lastMessage.c_str(); }

const char* graphc_status_name(graphc_status status) {
  switch (graphc::capi::enumValue(status)) {
    case GRAPHC_OK: return "ok";
    case GRAPHC_STATUS_INVALID_ARGUMENT: return "invalid argument";
    case GRAPHC_STATUS_PARSE: return "parse";
    case GRAPHC_STATUS_UNSUPPORTED: return "unsupported";
    case GRAPHC_STATUS_SHAPE: return "shape";
    case GRAPHC_STATUS_IO: return "I/O";
    case GRAPHC_STATUS_OUT_OF_MEMORY: return "out of memory";
    case GRAPHC_STATUS_INTERNAL: return "internal";
    case GRAPHC_STATUS_NULL_ARGUMENT: return "null argument";
    case GRAPHC_STATUS_WRONG_SIZE: return "wrong size";
    case GRAPHC_STATUS_WRONG_DTYPE: return "wrong dtype";
    case GRAPHC_STATUS_UNKNOWN_NAME: return "unknown name";
    case GRAPHC_STATUS_WRONG_MODEL: return "wrong model";
    case GRAPHC_STATUS_OUT_OF_RANGE: return "out of range";
    case GRAPHC_STATUS_WRONG_COUNT: return "wrong count";
    case GRAPHC_STATUS_DUPLICATE_NAME: return "duplicate name";
  }
  return "unknown status";
}

graphc_status graphc_get_version(int* major, int* minor, int* patch) {
  using namespace graphc::capi;
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(major, fn, "major")) return s;
    if (auto s = checkNotNull(minor, fn, "minor")) return s;
    if (auto s = checkNotNull(patch, fn, "patch")) return s;
    *major = GRAPHC_LIB_VERSION_MAJOR;
    *minor = GRAPHC_LIB_VERSION_MINOR;
    *patch = GRAPHC_LIB_VERSION_PATCH;
    return GRAPHC_OK;
  });
}

}  // extern "C"
