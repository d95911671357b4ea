// Every status of the C API, provoked by misuse or a bad model: each call fails with its own
// status and a message, and leaves its outputs and objects as they were.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <thread>

#include "runtime/executable.h"
#include "tests/capi/capi_test.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

// A non-NULL pointer no call may write over on failure.
graphc_model* const kUntouchedModel = reinterpret_cast<graphc_model*>(0x1);

void checkFailure(graphc_status got, graphc_status expected, const std::string& messagePart) {
  CHECK_MESSAGE(got == expected, std::string(graphc_status_name(got)), " instead of ", std::string(graphc_status_name(expected)), ": ",
                std::string(graphc_last_error_message()));
  CHECK_MESSAGE(std::string(std::string(graphc_last_error_message())).find(messagePart) != std::string::npos, std::string(graphc_last_error_message()));
}

graphc_status compileMemory(const std::string& text, const graphc_options* options, graphc_model** out) {
  return graphc_model_compile_memory(text.data(), text.size(), options, out);
}

struct Tiny {
  OptionsPtr options = makeOptions("ref", 2);
  ModelPtr model = compileFile(tinyModel(), options.get());
  SessionPtr session = makeSession(model.get());
  Tensor x = randomTensor({DType::f32, {2, 6}}, 1);
  Tensor y{TensorType{DType::f32, {2, 3}}};
  graphc_input in = inputOf(x, "x");
  graphc_output out = outputOf(y, "logits");
  Tiny() { std::memset(y.raw(), 0x7f, y.bytes()); }
  // The output still holds the fill: a failed call wrote nothing.
  bool outputUntouched() const {
    const unsigned char* p = static_cast<const unsigned char*>(y.raw());
    for (size_t i = 0; i < y.bytes(); ++i)
      if (p[i] != 0x7f) return false;
    return true;
  }
  graphc_status run() { return graphc_run(model.get(), session.get(), &in, 1, &out, 1); }
};

TEST_CASE("GRAPHC_STATUS_NULL_ARGUMENT: every required pointer is checked") {
  Tiny t;
  graphc_model* m = kUntouchedModel;
  checkFailure(graphc_model_compile_file(nullptr, nullptr, &m), GRAPHC_STATUS_NULL_ARGUMENT, "'path' is NULL");
  CHECK(m == kUntouchedModel);
  checkFailure(graphc_model_compile_file(tinyModel().c_str(), nullptr, nullptr), GRAPHC_STATUS_NULL_ARGUMENT, "'out' is NULL");
  checkFailure(graphc_model_compile_memory(nullptr, 10, nullptr, &m), GRAPHC_STATUS_NULL_ARGUMENT, "'data' is NULL");
  checkFailure(graphc_options_create(nullptr), GRAPHC_STATUS_NULL_ARGUMENT, "'out'");
  checkFailure(graphc_options_set_backend(t.options.get(), nullptr), GRAPHC_STATUS_NULL_ARGUMENT, "'backend'");
  checkFailure(graphc_options_bind_shape(t.options.get(), "x", nullptr, 2), GRAPHC_STATUS_NULL_ARGUMENT, "'dims'");
  size_t n = 7;
  checkFailure(graphc_model_num_inputs(nullptr, &n), GRAPHC_STATUS_NULL_ARGUMENT, "'model'");
  CHECK(n == 7);
  checkFailure(graphc_model_input_info(t.model.get(), 0, nullptr), GRAPHC_STATUS_NULL_ARGUMENT, "'info'");
  checkFailure(graphc_session_create(nullptr, nullptr), GRAPHC_STATUS_NULL_ARGUMENT, "'model'");
  checkFailure(graphc_run(t.model.get(), nullptr, &t.in, 1, &t.out, 1), GRAPHC_STATUS_NULL_ARGUMENT, "'session'");
  checkFailure(graphc_run(t.model.get(), t.session.get(), nullptr, 1, &t.out, 1), GRAPHC_STATUS_NULL_ARGUMENT, "'inputs'");
  t.in.data = nullptr;
  checkFailure(t.run(), GRAPHC_STATUS_NULL_ARGUMENT, "input 'x': the buffer's data is NULL");
  t.in = inputOf(t.x, nullptr);
  checkFailure(graphc_run_named(t.model.get(), t.session.get(), &t.in, 1, &t.out, 1), GRAPHC_STATUS_NULL_ARGUMENT,
               "inputs[0].name is NULL");
  CHECK(t.outputUntouched());
  int major = -1;
  checkFailure(graphc_get_version(&major, nullptr, nullptr), GRAPHC_STATUS_NULL_ARGUMENT, "'minor'");
  CHECK(major == -1);
  // Freeing NULL is allowed, as with free().
  CHECK(graphc_model_free(nullptr) == GRAPHC_OK);
  CHECK(graphc_session_free(nullptr) == GRAPHC_OK);
  CHECK(graphc_options_free(nullptr) == GRAPHC_OK);
  CHECK(graphc_trainer_free(nullptr) == GRAPHC_OK);
}

TEST_CASE("GRAPHC_STATUS_WRONG_SIZE: a buffer of another byte size than its tensor") {
  Tiny t;
  t.in.bytes -= 4;
  checkFailure(t.run(), GRAPHC_STATUS_WRONG_SIZE, "input 'x': the buffer has 44 bytes, f32[2,6] needs 48");
  t.in.bytes += 4;
  t.out.bytes += 4;
  checkFailure(t.run(), GRAPHC_STATUS_WRONG_SIZE, "output 'logits'");
  CHECK(t.outputUntouched());
  graphc_model* m = kUntouchedModel;
  checkFailure(graphc_model_compile_memory("graph", 0, nullptr, &m), GRAPHC_STATUS_WRONG_SIZE, "0 bytes");
  CHECK(m == kUntouchedModel);
}

TEST_CASE("GRAPHC_STATUS_WRONG_DTYPE: a buffer of another dtype than its tensor") {
  Tiny t;
  t.in.dtype = GRAPHC_DTYPE_I32;  // the same byte size: only the dtype is wrong
  checkFailure(t.run(), GRAPHC_STATUS_WRONG_DTYPE, "the buffer is i32, the model's tensor is f32[2,6]");
  CHECK(t.outputUntouched());
}

TEST_CASE("GRAPHC_STATUS_UNKNOWN_NAME: backends, inputs, outputs and params by a name that is not there") {
  Tiny t;
  checkFailure(graphc_options_set_backend(t.options.get(), "tpu"), GRAPHC_STATUS_UNKNOWN_NAME, "no backend 'tpu'");
  size_t index = 9;
  checkFailure(graphc_model_find_input(t.model.get(), "y", &index), GRAPHC_STATUS_UNKNOWN_NAME, "no input 'y'");
  checkFailure(graphc_model_find_output(t.model.get(), "x", &index), GRAPHC_STATUS_UNKNOWN_NAME, "no output 'x'");
  CHECK(index == 9);
  t.in.name = "z";
  checkFailure(graphc_run_named(t.model.get(), t.session.get(), &t.in, 1, &t.out, 1), GRAPHC_STATUS_UNKNOWN_NAME,
               "the model has no input 'z'");
  CHECK(t.outputUntouched());
  graphc_trainer* tr = nullptr;
  REQUIRE(graphc_trainer_create_file(tinyModel().c_str(), t.options.get(), GRAPHC_LOSS_SOFTMAX_CROSS_ENTROPY,
                                     GRAPHC_OPTIMIZER_SGD, 0.1, &tr) == GRAPHC_OK);
  TrainerPtr trainer(tr);
  float w[48];
  checkFailure(graphc_trainer_read_param(tr, "w9", GRAPHC_DTYPE_F32, w, sizeof w), GRAPHC_STATUS_UNKNOWN_NAME,
               "no trained param 'w9'");
}

TEST_CASE("GRAPHC_STATUS_WRONG_MODEL: a session of another model") {
  Tiny t;
  ModelPtr other = compileFile(tinyModel(), t.options.get());
  checkFailure(graphc_run(other.get(), t.session.get(), &t.in, 1, &t.out, 1), GRAPHC_STATUS_WRONG_MODEL, "another model");
  checkFailure(graphc_run_named(other.get(), t.session.get(), &t.in, 1, &t.out, 1), GRAPHC_STATUS_WRONG_MODEL, "another model");
  CHECK(t.outputUntouched());
}

TEST_CASE("GRAPHC_STATUS_OUT_OF_RANGE: indices, counts, enum values and numbers out of their range") {
  Tiny t;
  graphc_tensor_info info{};
  checkFailure(graphc_model_input_info(t.model.get(), 1, &info), GRAPHC_STATUS_OUT_OF_RANGE, "index 1 is past the model's 1 inputs");
  checkFailure(graphc_model_output_info(t.model.get(), 5, &info), GRAPHC_STATUS_OUT_OF_RANGE, "past the model's 1 outputs");
  CHECK(info.name == nullptr);
  checkFailure(graphc_options_set_threads(t.options.get(), -1), GRAPHC_STATUS_OUT_OF_RANGE, "threads must be in [0, 1024], got -1");
  checkFailure(graphc_options_set_threads(t.options.get(), 1025), GRAPHC_STATUS_OUT_OF_RANGE, "got 1025");
  checkFailure(graphc_options_bind_dim(t.options.get(), "N", -3), GRAPHC_STATUS_OUT_OF_RANGE, "negative");
  int64_t dims[] = {2, -6};
  checkFailure(graphc_options_bind_shape(t.options.get(), "x", dims, 2), GRAPHC_STATUS_OUT_OF_RANGE, "negative size -6 on axis 1");
  t.in.dtype = static_cast<graphc_dtype>(99);
  checkFailure(t.run(), GRAPHC_STATUS_OUT_OF_RANGE, "dtype 99 is not a graphc_dtype");
  CHECK(t.outputUntouched());
  graphc_trainer* tr = nullptr;
  std::string model = tinyModel();
  const char* path = model.c_str();
  checkFailure(graphc_trainer_create_file(path, t.options.get(), GRAPHC_LOSS_MSE, GRAPHC_OPTIMIZER_SGD, 0.0, &tr),
               GRAPHC_STATUS_OUT_OF_RANGE, "learning rate");
  checkFailure(graphc_trainer_create_file(path, t.options.get(), static_cast<graphc_loss>(7), GRAPHC_OPTIMIZER_SGD, 0.1, &tr),
               GRAPHC_STATUS_OUT_OF_RANGE, "loss 7");
  checkFailure(graphc_trainer_create_file(path, t.options.get(), GRAPHC_LOSS_MSE, static_cast<graphc_optimizer>(-1), 0.1, &tr),
               GRAPHC_STATUS_OUT_OF_RANGE, "optimizer -1");
  CHECK(tr == nullptr);
}

TEST_CASE("GRAPHC_STATUS_WRONG_COUNT: not one buffer per input and output") {
  Tiny t;
  checkFailure(graphc_run(t.model.get(), t.session.get(), &t.in, 0, &t.out, 1), GRAPHC_STATUS_WRONG_COUNT,
               "0 inputs given, the model has 1");
  graphc_output two[] = {t.out, t.out};
  checkFailure(graphc_run(t.model.get(), t.session.get(), &t.in, 1, two, 2), GRAPHC_STATUS_WRONG_COUNT,
               "2 outputs given, the model has 1");
  CHECK(t.outputUntouched());
}

TEST_CASE("GRAPHC_STATUS_DUPLICATE_NAME: one input given twice by name") {
  ModelPtr model = compileText(kTwoInputs, nullptr);
  SessionPtr session = makeSession(model.get());
  float a[2] = {1, 2}, c[2] = {0, 0};
  graphc_input in[] = {{"a", GRAPHC_DTYPE_F32, a, sizeof a}, {"a", GRAPHC_DTYPE_F32, a, sizeof a}};
  graphc_output out = {"c", GRAPHC_DTYPE_F32, c, sizeof c};
  checkFailure(graphc_run_named(model.get(), session.get(), in, 2, &out, 1), GRAPHC_STATUS_DUPLICATE_NAME, "'a' is given twice");
  CHECK(c[0] == 0);
}

TEST_CASE("the statuses of the compiler: invalid argument, parse, unsupported, shape, I/O") {
  graphc_model* m = kUntouchedModel;
  std::string seed = dataPath("onnx/seed.onnx");  // x f32[N,10]
  OptionsPtr options = makeOptions("ref", 2);
  int64_t dims[] = {2, 10};
  REQUIRE(graphc_options_bind_shape(options.get(), "nope", dims, 2) == GRAPHC_OK);  // checked at compile, by the model
  checkFailure(graphc_model_compile_file(seed.c_str(), options.get(), &m), GRAPHC_STATUS_INVALID_ARGUMENT,
               "a shape or constant is given for 'nope', which is not an input");
  checkFailure(graphc_model_compile_file("", nullptr, &m), GRAPHC_STATUS_INVALID_ARGUMENT, "the path is empty");
  checkFailure(compileMemory("graph broken {\n  input %x : f32[2\n}\n", nullptr, &m), GRAPHC_STATUS_PARSE, "");
  // A protobuf that is not a model: detected as ONNX by its first byte, then rejected.
  checkFailure(compileMemory(std::string("\x08\x07\xff\xff\xff", 5), nullptr, &m), GRAPHC_STATUS_PARSE, "");
  graphc_trainer* tr = nullptr;
  checkFailure(graphc_trainer_create_memory(kTwoInputs, std::strlen(kTwoInputs), nullptr, GRAPHC_LOSS_MSE, GRAPHC_OPTIMIZER_SGD,
                                            0.1, &tr),
               GRAPHC_STATUS_UNSUPPORTED, "feeds one data input, but the model has 2");
  OptionsPtr shapes = makeOptions("ref", 2);
  int64_t wrong[] = {2, 7};
  REQUIRE(graphc_options_bind_shape(shapes.get(), "x", wrong, 2) == GRAPHC_OK);
  checkFailure(graphc_model_compile_file(seed.c_str(), shapes.get(), &m), GRAPHC_STATUS_SHAPE, "has size 10 on axis 1");
  checkFailure(graphc_model_compile_file("/nonexistent/model.graph", nullptr, &m), GRAPHC_STATUS_IO, "/nonexistent/model.graph");
  CHECK(m == kUntouchedModel);
  CHECK(tr == nullptr);
}

TEST_CASE("GRAPHC_STATUS_OUT_OF_MEMORY: a model that needs more memory than the limit is refused when it compiles") {
  // A batch of 2^36 rows: terabytes of inputs and intermediates, over the default limit (3/4 of
  // the machine's memory) on every backend, refused before anything is allocated.
  for (const char* backend : {"ref", "dnnl"}) {
    if (!findBackend(backend)) continue;
    OptionsPtr options = makeOptions(backend, int64_t{1} << 36);
    graphc_model* model = nullptr;
    checkFailure(graphc_model_compile_file(tinyModel().c_str(), options.get(), &model), GRAPHC_STATUS_OUT_OF_MEMORY,
                 "over the memory limit");
    CHECK(model == nullptr);
  }
}

TEST_CASE("GRAPHC_STATUS_OUT_OF_MEMORY: graphc_options_set_max_memory lowers the limit, and 0 restores the default") {
  // The tiny model at batch 2 needs a few hundred bytes: under the default, over a limit of 64.
  OptionsPtr options = makeOptions("ref", 2);
  REQUIRE(graphc_options_set_max_memory(options.get(), 64) == GRAPHC_OK);
  graphc_model* model = nullptr;
  checkFailure(graphc_model_compile_file(tinyModel().c_str(), options.get(), &model), GRAPHC_STATUS_OUT_OF_MEMORY,
               "over the memory limit of 64 bytes");
  CHECK(model == nullptr);
  REQUIRE(graphc_options_set_max_memory(options.get(), 0) == GRAPHC_OK);
  REQUIRE(graphc_model_compile_file(tinyModel().c_str(), options.get(), &model) == GRAPHC_OK);
  graphc_model_free(model);
  checkFailure(graphc_options_set_max_memory(nullptr, 1), GRAPHC_STATUS_NULL_ARGUMENT, "'options' is NULL");
}

TEST_CASE("status names: one per status, and one for values outside the enum") {
  for (int s = GRAPHC_OK; s <= GRAPHC_STATUS_DUPLICATE_NAME; ++s)
    CHECK(std::string(graphc_status_name(static_cast<graphc_status>(s))) != "unknown status");
  CHECK(std::string(graphc_status_name(GRAPHC_STATUS_WRONG_MODEL)) == "wrong model");
  // A C caller may pass any int; the library reads it as an int (enumValue), never as the C++ enum,
  // where it would be undefined (fuzz_capi, tests/data/fuzz/fuzz_capi/status-name-out-of-enum).
  CHECK(std::string(graphc_status_name(static_cast<graphc_status>(1000))) == "unknown status");
  CHECK(std::string(graphc_status_name(static_cast<graphc_status>(-1))) == "unknown status");
}

TEST_CASE("the last error message is per thread, and the version is the header's") {
  graphc_model* m = nullptr;
  REQUIRE(graphc_model_compile_file(nullptr, nullptr, &m) == GRAPHC_STATUS_NULL_ARGUMENT);
  std::string mine = graphc_last_error_message();
  std::string theirs = "unset";
  std::thread([&] { theirs = graphc_last_error_message(); }).join();
  CHECK(theirs.empty());
  CHECK(mine.find("'path' is NULL") != std::string::npos);
  int major = -1, minor = -1, patch = -1;
  REQUIRE(graphc_get_version(&major, &minor, &patch) == GRAPHC_OK);
  CHECK(major == GRAPHC_VERSION_MAJOR);
  CHECK(minor == GRAPHC_VERSION_MINOR);
  CHECK(patch == GRAPHC_VERSION_PATCH);
}

}  // namespace
}  // namespace graphc::test
