// graphc's C++ API: header-only RAII types over the C API (graphc.h), spans in and out.
//
// Errors: every failing call throws graphc::Error, which carries the C status (status()) and the
// library's message (what()). Nothing else is thrown, apart from std::bad_alloc by this header's
// own containers. Destructors never throw.
//
// Threads: as in graphc.h. A Model may be shared by threads; each thread runs it through its own
// Session; a Session or Trainer is used by one thread at a time. A Session must not outlive
// its Model.
#pragma once

#include <graphc/graphc.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace graphc {

class Error : public std::runtime_error {
 public:
  Error(graphc_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  graphc_status status() const noexcept { return status_; }

 private:
  graphc_status status_;
};

namespace detail {

inline void check(graphc_status status) {
  if (status != GRAPHC_OK) throw Error(status, graphc_last_error_message());
}

template <class Handle, graphc_status (*Free)(Handle*)>
struct Deleter {
  void operator()(Handle* h) const noexcept { Free(h); }
};

template <class T>
constexpr graphc_dtype dtypeOf() {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<U, float>) return GRAPHC_DTYPE_F32;
  else if constexpr (std::is_same_v<U, double>) return GRAPHC_DTYPE_F64;
  else if constexpr (std::is_same_v<U, int32_t>) return GRAPHC_DTYPE_I32;
  else if constexpr (std::is_same_v<U, int64_t>) return GRAPHC_DTYPE_I64;
  else if constexpr (std::is_same_v<U, bool>) return GRAPHC_DTYPE_BOOL;
  else static_assert(sizeof(T) == 0, "no graphc dtype for this element type (bf16: fill a graphc_input by hand)");
}

}  // namespace detail

// An input, output or param of a compiled model; views into the model, valid while it lives.
struct TensorInfo {
  std::string_view name;
  graphc_dtype dtype;
  std::span<const int64_t> dims;
  size_t bytes;

  explicit TensorInfo(const graphc_tensor_info& i) : name(i.name), dtype(i.dtype), dims(i.dims, i.rank), bytes(i.bytes) {}
  int64_t elements() const {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    return n;
  }
};

// Every tensor a counted list describes (a model's inputs or outputs, a trainer's params).
template <class Handle>
std::vector<TensorInfo> collect(const Handle* handle, graphc_status (*count)(const Handle*, size_t*),
                                graphc_status (*info)(const Handle*, size_t, graphc_tensor_info*)) {
  size_t n = 0;
  detail::check(count(handle, &n));
  std::vector<TensorInfo> out;
  for (size_t i = 0; i < n; ++i) {
    graphc_tensor_info t{};
    detail::check(info(handle, i, &t));
    out.emplace_back(t);
  }
  return out;
}

// A caller buffer to read from or write into, in place (the element type gives the dtype).
template <class T>
graphc_input input(std::span<const T> data, const char* name = nullptr) {
  return {name, detail::dtypeOf<T>(), data.data(), data.size_bytes()};
}
template <class T>
graphc_output output(std::span<T> data, const char* name = nullptr) {
  return {name, detail::dtypeOf<T>(), data.data(), data.size_bytes()};
}

class Options {
 public:
  Options() {
    graphc_options* o = nullptr;
    detail::check(graphc_options_create(&o));
    handle_.reset(o);
  }
  Options& backend(const std::string& name) {
    detail::check(graphc_options_set_backend(handle_.get(), name.c_str()));
    return *this;
  }
  Options& threads(int n) {
    detail::check(graphc_options_set_threads(handle_.get(), n));
    return *this;
  }
  Options& maxMemory(uint64_t bytes) {
    detail::check(graphc_options_set_max_memory(handle_.get(), bytes));
    return *this;
  }
  Options& precision(graphc_precision p) {
    detail::check(graphc_options_set_precision(handle_.get(), p));
    return *this;
  }
  Options& bindDim(const std::string& symbol, int64_t size) {
    detail::check(graphc_options_bind_dim(handle_.get(), symbol.c_str(), size));
    return *this;
  }
  Options& bindShape(const std::string& input, std::span<const int64_t> dims) {
    detail::check(graphc_options_bind_shape(handle_.get(), input.c_str(), dims.data(), dims.size()));
    return *this;
  }
  const graphc_options* get() const noexcept { return handle_.get(); }

 private:
  std::unique_ptr<graphc_options, detail::Deleter<graphc_options, graphc_options_free>> handle_;
};

class Model {
 public:
  static Model compileFile(const std::string& path, const Options& options = {}) {
    graphc_model* m = nullptr;
    detail::check(graphc_model_compile_file(path.c_str(), options.get(), &m));
    return Model(m);
  }
  static Model compileMemory(std::span<const std::byte> bytes, const Options& options = {}) {
    graphc_model* m = nullptr;
    detail::check(graphc_model_compile_memory(bytes.data(), bytes.size(), options.get(), &m));
    return Model(m);
  }

  std::vector<TensorInfo> inputs() const { return collect(handle_.get(), graphc_model_num_inputs, graphc_model_input_info); }
  std::vector<TensorInfo> outputs() const { return collect(handle_.get(), graphc_model_num_outputs, graphc_model_output_info); }
  size_t findInput(const std::string& name) const {
    size_t i = 0;
    detail::check(graphc_model_find_input(handle_.get(), name.c_str(), &i));
    return i;
  }
  size_t findOutput(const std::string& name) const {
    size_t i = 0;
    detail::check(graphc_model_find_output(handle_.get(), name.c_str(), &i));
    return i;
  }
  const graphc_model* get() const noexcept { return handle_.get(); }

 private:
  explicit Model(graphc_model* m) : handle_(m) {}

  std::unique_ptr<graphc_model, detail::Deleter<graphc_model, graphc_model_free>> handle_;
};

// One thread's memory for running a model.
class Session {
 public:
  explicit Session(const Model& model) : model_(model.get()) {
    graphc_session* s = nullptr;
    detail::check(graphc_session_create(model_, &s));
    handle_.reset(s);
  }
  // Inputs and outputs in the model's order.
  void run(std::span<const graphc_input> inputs, std::span<const graphc_output> outputs) {
    detail::check(graphc_run(model_, handle_.get(), inputs.data(), inputs.size(), outputs.data(), outputs.size()));
  }
  // Every input and output by name, in any order.
  void runNamed(std::span<const graphc_input> inputs, std::span<const graphc_output> outputs) {
    detail::check(graphc_run_named(model_, handle_.get(), inputs.data(), inputs.size(), outputs.data(), outputs.size()));
  }

 private:
  const graphc_model* model_;
  std::unique_ptr<graphc_session, detail::Deleter<graphc_session, graphc_session_free>> handle_;
};

// A compiled training step with its weights (see graphc_trainer_create_file).
class Trainer {
 public:
  static Trainer fromFile(const std::string& path, const Options& options, graphc_loss loss, graphc_optimizer optimizer,
                          double lr) {
    graphc_trainer* t = nullptr;
    detail::check(graphc_trainer_create_file(path.c_str(), options.get(), loss, optimizer, lr, &t));
    return Trainer(t);
  }
  static Trainer fromMemory(std::span<const std::byte> bytes, const Options& options, graphc_loss loss,
                            graphc_optimizer optimizer, double lr) {
    graphc_trainer* t = nullptr;
    detail::check(graphc_trainer_create_memory(bytes.data(), bytes.size(), options.get(), loss, optimizer, lr, &t));
    return Trainer(t);
  }

  TensorInfo data() const { return info(graphc_trainer_data_info); }
  TensorInfo labels() const { return info(graphc_trainer_labels_info); }
  // One optimizer step; returns the batch's loss before the update.
  template <class D, class L>
  double step(std::span<const D> data, std::span<const L> labels) {
    graphc_input d = input(data), l = input(labels);
    double loss = 0;
    detail::check(graphc_trainer_step(handle_.get(), &d, &l, &loss));
    return loss;
  }
  std::vector<TensorInfo> params() const {
    return collect(handle_.get(), graphc_trainer_num_params, graphc_trainer_param_info);
  }
  template <class T>
  void readParam(const std::string& name, std::span<T> out) const {
    detail::check(graphc_trainer_read_param(handle_.get(), name.c_str(), detail::dtypeOf<T>(), out.data(), out.size_bytes()));
  }
  template <class T>
  void writeParam(const std::string& name, std::span<const T> in) {
    detail::check(graphc_trainer_write_param(handle_.get(), name.c_str(), detail::dtypeOf<T>(), in.data(), in.size_bytes()));
  }
  void save(const std::string& path) const { detail::check(graphc_trainer_save(handle_.get(), path.c_str())); }

 private:
  explicit Trainer(graphc_trainer* t) : handle_(t) {}
  TensorInfo info(graphc_status (*get)(const graphc_trainer*, graphc_tensor_info*)) const {
    graphc_tensor_info t{};
    detail::check(get(handle_.get(), &t));
    return TensorInfo(t);
  }

  std::unique_ptr<graphc_trainer, detail::Deleter<graphc_trainer, graphc_trainer_free>> handle_;
};

// The library's version as "MAJOR.MINOR.PATCH".
inline std::string version() {
  int major = 0, minor = 0, patch = 0;
  detail::check(graphc_get_version(&major, &minor, &patch));
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace graphc
