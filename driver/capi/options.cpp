// The C API's compile options: backend, threads, memory limit, and bindings of symbolic dimensions.
#include <fmt/format.h>

#include "driver/capi/api.h"
#include "driver/precision.h"
#include "runtime/mpi/world.h"

using namespace graphc::capi;

namespace {
constexpr int kMaxThreads = 1024;
}  // namespace

extern "C" {

graphc_status graphc_options_create(graphc_options** out) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(out, fn, "out")) return s;
    *out = new graphc_options();
    return GRAPHC_OK;
  });
}

graphc_status graphc_options_free(graphc_options* options) {
  delete options;
  return GRAPHC_OK;
}

graphc_status graphc_options_set_backend(graphc_options* options, const char* backend) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(options, fn, "options")) return s;
    if (auto s = checkNotNull(backend, fn, "backend")) return s;
    if (!graphc::findBackend(backend)) {
      std::string known;
      for (const graphc::BackendInfo& b : graphc::allBackends()) known += (known.empty() ? "" : ", ") + std::string(b.name);
      return fail(GRAPHC_STATUS_UNKNOWN_NAME, fmt::format("{}: no backend '{}' (built in: {})", fn, backend, known));
    }
    options->compile.backend = backend;
    return GRAPHC_OK;
  });
}

graphc_status graphc_options_set_threads(graphc_options* options, int threads) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(options, fn, "options")) return s;
    // The command line's range: a larger count is a typo, and would start that many OpenMP threads.
    if (threads < 0 || threads > kMaxThreads)
      return fail(GRAPHC_STATUS_OUT_OF_RANGE, fmt::format("{}: threads must be in [0, {}], got {}", fn, kMaxThreads, threads));
    options->compile.threads = threads;
    return GRAPHC_OK;
  });
}

graphc_status graphc_options_set_max_memory(graphc_options* options, uint64_t bytes) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(options, fn, "options")) return s;
    // size_t is 64 bits on every target the library builds for; the check keeps it honest.
    static_assert(sizeof(size_t) >= sizeof(uint64_t));
    options->compile.maxMemory = bytes;
    return GRAPHC_OK;
  });
}

graphc_status graphc_options_set_precision(graphc_options* options, int precision) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(options, fn, "options")) return s;
    static const char* const names[] = {"f32", "bf16", "auto"};  // by graphc_precision
    if (precision < GRAPHC_PRECISION_F32 || precision > GRAPHC_PRECISION_AUTO)
      return fail(GRAPHC_STATUS_OUT_OF_RANGE, fmt::format("{}: {} is not a graphc_precision", fn, precision));
    options->precision = names[precision];
    return GRAPHC_OK;
  });
}

graphc_status graphc_options_set_mpi_comm(graphc_options* options, int comm) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(options, fn, "options")) return s;
    if (!graphc::mpi::available())
      return fail(GRAPHC_STATUS_UNSUPPORTED, fmt::format("{}: this libgraphc was built without MPI", fn));
    options->mpiComm = comm;
    return GRAPHC_OK;
  });
}

graphc::CompileOptions graphc_options::resolved() const {
  graphc::CompileOptions o = compile;
  // The name was checked when it was set, so the choice cannot fail.
  bool otherTarget = !compile.targetCpu.empty() || !compile.targetTriple.empty();
  if (auto choice = graphc::driver::choosePrecision(precision, compile.backend, otherTarget)) o.precision = choice->precision;
  return o;
}

graphc_status graphc_options_bind_dim(graphc_options* options, const char* symbol, int64_t size) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(options, fn, "options")) return s;
    if (auto s = checkNotNull(symbol, fn, "symbol")) return s;
    if (!*symbol) return fail(GRAPHC_STATUS_INVALID_ARGUMENT, fmt::format("{}: the symbol is empty", fn));
    if (size < 0) return fail(GRAPHC_STATUS_OUT_OF_RANGE, fmt::format("{}: '{}' = {} is negative", fn, symbol, size));
    options->dims[symbol] = size;
    return GRAPHC_OK;
  });
}

graphc_status graphc_options_bind_shape(graphc_options* options, const char* input, const int64_t* dims, size_t rank) {
  const char* fn = __func__;
  return guard(fn, [&] {
    if (auto s = checkNotNull(options, fn, "options")) return s;
    if (auto s = checkNotNull(input, fn, "input")) return s;
    if (rank > 0)
      if (auto s = checkNotNull(dims, fn, "dims")) return s;
    if (!*input) return fail(GRAPHC_STATUS_INVALID_ARGUMENT, fmt::format("{}: the input name is empty", fn));
    for (size_t d = 0; d < rank; ++d)
      if (dims[d] < 0)
        return fail(GRAPHC_STATUS_OUT_OF_RANGE, fmt::format("{}: '{}' has a negative size {} on axis {}", fn, input, dims[d], d));
    options->shapes[input] = graphc::Shape(dims, dims + rank);
    return GRAPHC_OK;
  });
}

}  // extern "C"
