// Fuzz target: the C API (include/graphc/graphc.h) driven by a byte stream of calls: options set
// to good and bad values, models compiled from built-in texts or from the stream's bytes,
// sessions made and freed in any order, runs with buffers of right and wrong sizes, dtypes,
// counts and names, training steps. Every misuse must come back as a status, never a crash.
// The target keeps the part of the contract that C cannot check: no handle is used after it is
// freed, and a session never outlives its model. Enum values stay within what C++ allows this
// file to hold (0-7 for a dtype, 0-3 for a loss): beyond the API's values, but no UB here.
#include <graphc/graphc.h>

#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// Models the stream picks from: symbolic and fixed shapes, several dtypes, one made to train.
const char* const kModels[] = {
    R"(graph two {
  input %a : f32[2]
  input %b : f32[2]
  %c = add(%a, %b) : f32[2]
  output c = %c
})",
    R"(graph mlp {
  input %x : f32[N,3]
  param %w : f32[3,2] = [0.5, -1, 0.25, 2, -0.5, 1]
  param %b : f32[2] = [0.1, -0.2]
  %y = dense(%x, %w, %b) {activation = "relu"} : f32[N,2]
  output y = %y
})",
    R"(graph picks {
  input %x : f32[2,3]
  input %idx : i64[2]
  input %m : bool[2,2]
  const %z : f32[] = [0]
  %g = gather(%x, %idx) {axis = 1} : f32[2,2]
  %s = where(%m, %g, %z) : f32[2,2]
  output s = %s
  output g = %g
})",
};

constexpr size_t kSlots = 3;

struct State {
  std::array<graphc_options*, kSlots> options{};
  std::array<graphc_model*, kSlots> models{};
  std::array<graphc_session*, kSlots> sessions{};
  std::array<size_t, kSlots> sessionModel{};  // which model slot each session belongs to
  graphc_trainer* trainer = nullptr;
};

// A caller's buffer: exactly as many bytes as it claims, so that a library that trusted a wrong
// size would read or write past it (and ASan would say so).
struct Buffer {
  std::string name;
  graphc_dtype dtype;
  std::vector<unsigned char> bytes;
};

void check(graphc_status s, const char* call) {
  // Every failure leaves a message, and every status has a name.
  if (s != GRAPHC_OK && graphc_last_error_message()[0] == '\0') {
    std::fprintf(stderr, "fuzz_capi: %s failed (%s) without a message\n", call, graphc_status_name(s));
    std::abort();
  }
  (void)graphc_status_name(s);
}

const char* pickName(FuzzedDataProvider& in, std::string& storage) {
  static const char* const kNames[] = {"a", "b", "c", "x", "y", "N", "idx", "m", "s", "g", "w", "b", "", "ref", "dnnl", "llvm"};
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: return nullptr;
    case 1: storage = in.ConsumeRandomLengthString(8); return storage.c_str();
    default: return kNames[in.ConsumeIntegralInRange<size_t>(0, std::size(kNames) - 1)];
  }
}

int64_t pickSize(FuzzedDataProvider& in) {
  static const int64_t kSizes[] = {0, 1, 2, 3, 4, -1, 1 << 20, int64_t(1) << 40, INT64_MAX, INT64_MIN};
  return kSizes[in.ConsumeIntegralInRange<size_t>(0, std::size(kSizes) - 1)];
}

// Buffers for every input (or output) of the model, mostly right, sometimes wrong in size, dtype
// or name, with the count and order sometimes off as well.
std::vector<Buffer> makeBuffers(FuzzedDataProvider& in, const graphc_model* model, bool outputs) {
  size_t count = 0;
  if (model) check(outputs ? graphc_model_num_outputs(model, &count) : graphc_model_num_inputs(model, &count), "num");
  count = std::min<size_t>(count, 8);
  std::vector<Buffer> buffers;
  for (size_t i = 0; i < count; ++i) {
    graphc_tensor_info info{};
    if ((outputs ? graphc_model_output_info(model, i, &info) : graphc_model_input_info(model, i, &info)) != GRAPHC_OK) continue;
    Buffer b{info.name, info.dtype, {}};
    size_t bytes = info.bytes;
    switch (in.ConsumeIntegralInRange<int>(0, 9)) {
      case 0: bytes = in.ConsumeIntegralInRange<size_t>(0, 64); break;
      case 1: b.dtype = graphc_dtype(in.ConsumeIntegralInRange<int>(0, 7)); break;  // 6, 7: no dtype
      case 2: b.name = in.ConsumeRandomLengthString(6); break;
      default: break;
    }
    b.bytes.resize(std::min<size_t>(bytes, 1 << 16));
    for (unsigned char& c : b.bytes) c = in.ConsumeIntegral<unsigned char>() & 0x3f;  // small finite values
    buffers.push_back(std::move(b));
  }
  if (!buffers.empty() && in.ConsumeBool()) {
    switch (in.ConsumeIntegralInRange<int>(0, 2)) {
      case 0: buffers.pop_back(); break;
      case 1: buffers.push_back(buffers.front()); break;
      default: std::swap(buffers.front(), buffers.back()); break;
    }
  }
  return buffers;
}

void run(FuzzedDataProvider& in, State& st, bool named) {
  size_t m = in.ConsumeIntegralInRange<size_t>(0, kSlots - 1), s = in.ConsumeIntegralInRange<size_t>(0, kSlots - 1);
  const graphc_model* model = st.models[m];
  std::vector<Buffer> ins = makeBuffers(in, model, false), outs = makeBuffers(in, model, true);
  std::vector<graphc_input> inputs;
  for (Buffer& b : ins) inputs.push_back({b.name.c_str(), b.dtype, in.ConsumeIntegralInRange<int>(0, 15) ? b.bytes.data() : nullptr, b.bytes.size()});
  std::vector<graphc_output> outputs;
  for (Buffer& b : outs) outputs.push_back({b.name.c_str(), b.dtype, in.ConsumeIntegralInRange<int>(0, 15) ? b.bytes.data() : nullptr, b.bytes.size()});
  const graphc_input* inPtr = inputs.empty() && in.ConsumeBool() ? nullptr : inputs.data();
  const graphc_output* outPtr = outputs.empty() && in.ConsumeBool() ? nullptr : outputs.data();
  auto call = named ? graphc_run_named : graphc_run;
  check(call(model, st.sessions[s], inPtr, inputs.size(), outPtr, outputs.size()), named ? "graphc_run_named" : "graphc_run");
}

void compile(FuzzedDataProvider& in, State& st) {
  size_t slot = in.ConsumeIntegralInRange<size_t>(0, kSlots - 1);
  if (st.models[slot]) return;  // replacing a model would leak it
  std::string bytes = in.ConsumeBool() ? kModels[in.ConsumeIntegralInRange<size_t>(0, std::size(kModels) - 1)]
                                       : in.ConsumeRandomLengthString(256);
  const graphc_options* options = st.options[in.ConsumeIntegralInRange<size_t>(0, kSlots - 1)];
  graphc_model** out = in.ConsumeIntegralInRange<int>(0, 15) ? &st.models[slot] : nullptr;
  const void* data = in.ConsumeIntegralInRange<int>(0, 15) ? bytes.data() : nullptr;
  check(graphc_model_compile_memory(data, bytes.size(), options, out), "graphc_model_compile_memory");
}

void query(FuzzedDataProvider& in, const graphc_model* model) {
  size_t count = 0, index = in.ConsumeIntegralInRange<size_t>(0, 4);
  graphc_tensor_info info{};
  std::string storage;
  switch (in.ConsumeIntegralInRange<int>(0, 5)) {
    case 0: check(graphc_model_num_inputs(model, in.ConsumeBool() ? &count : nullptr), "num_inputs"); break;
    case 1: check(graphc_model_num_outputs(model, in.ConsumeBool() ? &count : nullptr), "num_outputs"); break;
    case 2: check(graphc_model_input_info(model, index, in.ConsumeBool() ? &info : nullptr), "input_info"); break;
    case 3: check(graphc_model_output_info(model, index, in.ConsumeBool() ? &info : nullptr), "output_info"); break;
    case 4: check(graphc_model_find_input(model, pickName(in, storage), in.ConsumeBool() ? &index : nullptr), "find_input"); break;
    default: check(graphc_model_find_output(model, pickName(in, storage), in.ConsumeBool() ? &index : nullptr), "find_output"); break;
  }
  // What info describes must be readable: a name and rank dims.
  if (info.name) {
    volatile size_t sink = std::strlen(info.name);
    for (size_t d = 0; d < info.rank; ++d) sink += size_t(info.dims[d]);
    (void)sink;
  }
}

void train(FuzzedDataProvider& in, State& st) {
  std::string storage;
  if (!st.trainer) {
    const char* text = kModels[1];
    const graphc_options* options = st.options[in.ConsumeIntegralInRange<size_t>(0, kSlots - 1)];
    auto loss = graphc_loss(in.ConsumeIntegralInRange<int>(0, 3));  // 3: none (C++ allows 2 bits' worth)
    auto optimizer = graphc_optimizer(in.ConsumeIntegralInRange<int>(0, 3));
    static const double kRates[] = {0.1, 0.0, -1.0, 1e300, __builtin_nan("")};
    double lr = kRates[in.ConsumeIntegralInRange<size_t>(0, std::size(kRates) - 1)];
    check(graphc_trainer_create_memory(text, std::strlen(text), options, loss, optimizer, lr, &st.trainer), "trainer_create");
    return;
  }
  graphc_tensor_info data{}, labels{};
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: {
      check(graphc_trainer_data_info(st.trainer, &data), "data_info");
      check(graphc_trainer_labels_info(st.trainer, &labels), "labels_info");
      // Right sizes up to 1 MiB (a batch bound to 2^20 rows gets wrong ones), else small wrong ones.
      auto size = [&](size_t right) { return in.ConsumeBool() && right <= (1 << 20) ? right : in.ConsumeIntegralInRange<size_t>(0, 64); };
      std::vector<unsigned char> x(size(data.bytes));
      std::vector<unsigned char> y(size(labels.bytes));
      std::vector<unsigned char> labelBytes = in.ConsumeBytes<unsigned char>(y.size());
      std::copy(labelBytes.begin(), labelBytes.end(), y.begin());
      graphc_input xi{"x", in.ConsumeBool() ? data.dtype : graphc_dtype(in.ConsumeIntegralInRange<int>(0, 7)), x.data(), x.size()};
      graphc_input yi{"labels", labels.dtype, y.data(), y.size()};
      double loss = 0;
      check(graphc_trainer_step(st.trainer, &xi, &yi, in.ConsumeBool() ? &loss : nullptr), "trainer_step");
      break;
    }
    case 1: {
      size_t count = 0;
      check(graphc_trainer_num_params(st.trainer, &count), "num_params");
      graphc_tensor_info info{};
      check(graphc_trainer_param_info(st.trainer, in.ConsumeIntegralInRange<size_t>(0, 3), &info), "param_info");
      break;
    }
    case 2: {
      std::vector<unsigned char> buf(in.ConsumeIntegralInRange<size_t>(0, 32));
      auto dtype = graphc_dtype(in.ConsumeIntegralInRange<int>(0, 7));
      const char* name = pickName(in, storage);
      if (in.ConsumeBool())
        check(graphc_trainer_read_param(st.trainer, name, dtype, buf.data(), buf.size()), "read_param");
      else
        check(graphc_trainer_write_param(st.trainer, name, dtype, buf.data(), buf.size()), "write_param");
      break;
    }
    default:
      check(graphc_trainer_free(st.trainer), "trainer_free");
      st.trainer = nullptr;
      break;
  }
}

void freeModel(State& st, size_t m) {
  // The contract: a session must not outlive its model, so its sessions go first (in slot order,
  // which is not their creation order).
  for (size_t s = 0; s < kSlots; ++s)
    if (st.sessions[s] && st.sessionModel[s] == m) {
      check(graphc_session_free(st.sessions[s]), "session_free");
      st.sessions[s] = nullptr;
    }
  check(graphc_model_free(st.models[m]), "model_free");
  st.models[m] = nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  State st;
  std::string storage;
  for (int steps = 0; steps < 32 && in.remaining_bytes() > 0; ++steps) {
    size_t slot = in.ConsumeIntegralInRange<size_t>(0, kSlots - 1);
    switch (in.ConsumeIntegralInRange<int>(0, 13)) {
      case 0:
        if (!st.options[slot]) check(graphc_options_create(&st.options[slot]), "options_create");
        break;
      case 1:
        check(graphc_options_free(st.options[slot]), "options_free");
        st.options[slot] = nullptr;
        break;
      case 2: check(graphc_options_set_backend(st.options[slot], pickName(in, storage)), "set_backend"); break;
      case 3: check(graphc_options_set_threads(st.options[slot], in.ConsumeIntegralInRange<int>(-2, 1030)), "set_threads"); break;
      case 4: check(graphc_options_bind_dim(st.options[slot], pickName(in, storage), pickSize(in)), "bind_dim"); break;
      case 5: {
        std::vector<int64_t> dims(in.ConsumeIntegralInRange<size_t>(0, 4));
        for (int64_t& d : dims) d = pickSize(in);
        check(graphc_options_bind_shape(st.options[slot], pickName(in, storage), in.ConsumeBool() ? dims.data() : nullptr,
                                        dims.size()),
              "bind_shape");
        break;
      }
      case 6: compile(in, st); break;
      case 7:
        if (st.models[slot]) freeModel(st, slot);
        break;
      case 8: query(in, st.models[slot]); break;
      case 9:
        if (!st.sessions[slot]) {
          size_t m = in.ConsumeIntegralInRange<size_t>(0, kSlots - 1);
          check(graphc_session_create(st.models[m], &st.sessions[slot]), "session_create");
          st.sessionModel[slot] = m;
        }
        break;
      case 10:
        check(graphc_session_free(st.sessions[slot]), "session_free");
        st.sessions[slot] = nullptr;
        break;
      case 11: run(in, st, in.ConsumeBool()); break;
      case 12: train(in, st); break;
      default: {
        int major = 0, minor = 0, patch = 0;
        check(graphc_get_version(in.ConsumeBool() ? &major : nullptr, &minor, &patch), "get_version");
        (void)graphc_status_name(graphc_status(in.ConsumeIntegralInRange<int>(0, 31)));
        break;
      }
    }
  }
  // Tear down in slot order: sessions of a model before it, options whenever.
  for (size_t m = 0; m < kSlots; ++m)
    if (st.models[m]) freeModel(st, m);
  for (graphc_session* s : st.sessions) check(graphc_session_free(s), "session_free");
  for (graphc_options* o : st.options) check(graphc_options_free(o), "options_free");
  check(graphc_trainer_free(st.trainer), "trainer_free");
  return 0;
}
