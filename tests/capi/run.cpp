// Runs through the C API against the driver's interpreter, on every backend that compiles the
// model: by position and by name, from a file and from memory, with either kind of binding.
#include <doctest/doctest.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "driver/run.h"
#include "frontend/npy/npy.h"
#include "tests/capi/capi_test.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

// The interpreter's outputs through the driver (graphc run's path).
std::vector<Tensor> reference(const std::string& path, const std::string& input, const Tensor& x) {
  auto out = driver::runOnce({path, {{input, x}}, {.backend = "ref"}, {}});
  REQUIRE(out);
  return out->values;
}

std::string fileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every backend that compiles the model at batch N: its model (a backend that cannot is reported).
std::vector<std::pair<std::string, ModelPtr>> compiledOnEveryBackend(const std::string& path, int64_t batch) {
  std::vector<std::pair<std::string, ModelPtr>> models;
  for (const BackendInfo& b : allBackends()) {
    OptionsPtr options = makeOptions(std::string(b.name), batch);
    graphc_model* m = nullptr;
    graphc_status s = graphc_model_compile_file(path.c_str(), options.get(), &m);
    if (s == GRAPHC_STATUS_UNSUPPORTED) {
      MESSAGE(b.name, " does not compile ", path, ": ", std::string(graphc_last_error_message()));
      continue;
    }
    INFO(b.name, ": ", std::string(graphc_last_error_message()));
    REQUIRE(s == GRAPHC_OK);
    models.emplace_back(std::string(b.name), ModelPtr(m));
  }
  return models;
}

TEST_CASE("models run through the C API as the interpreter runs them, on every backend") {
  for (const char* name : {"onnx/mlp.onnx", "onnx/seed.onnx", "../cli/Inputs/tiny.graph"}) {
    std::string path = dataPath(name);
    bool onnx = path.ends_with(".onnx");
    int64_t features = std::string(name) == "onnx/mlp.onnx" ? 784 : onnx ? 10 : 6;
    Tensor x = randomTensor({DType::f32, {4, features}}, 11);
    std::vector<Tensor> expected = reference(path, "x", x);
    auto models = compiledOnEveryBackend(path, 4);
    CHECK(models.size() >= 2);
    for (auto& [backend, model] : models) {
      INFO(name, " on ", backend);
      SessionPtr session = makeSession(model.get());
      std::vector<Tensor> got = runC(model.get(), session.get(), {x});
      REQUIRE(got.size() == expected.size());
      for (size_t i = 0; i < got.size(); ++i) CHECK(maxRelDiff(got[i], expected[i]) < 1e-4);
      // A second run in the same session gives the same result (the session is reused).
      std::vector<Tensor> again = runC(model.get(), session.get(), {x});
      CHECK(maxAbsDiff(again[0], got[0]) == 0);
    }
  }
}

// graphc_options_set_precision: bf16 rounds the products' operands (on llvm and ref, both
// giving the same result, near f32's), auto is bf16 where the backend multiplies natively and f32
// elsewhere, dnnl refuses bf16 without a native unit, and a value outside the enum is refused.
TEST_CASE("the precision option: bf16 on llvm and ref, auto, and dnnl's bf16 where the CPU runs it natively, its refusal elsewhere") {
  const bool native = findBackend("dnnl")->isOpSupported(OpKind::Dense, DType::bf16);
  std::string path = dataPath("onnx/mlp.onnx");
  Tensor x = randomTensor({DType::f32, {4, 784}}, 12);
  std::vector<Tensor> f32 = reference(path, "x", x);
  auto runWith = [&](const char* backend, int precision) -> std::optional<Tensor> {
    OptionsPtr options = makeOptions(backend, 4);
    REQUIRE(graphc_options_set_precision(options.get(), precision) == GRAPHC_OK);
    graphc_model* m = nullptr;
    graphc_status s = graphc_model_compile_file(path.c_str(), options.get(), &m);
    if (s != GRAPHC_OK) {
      CHECK(s == GRAPHC_STATUS_UNSUPPORTED);
      CHECK(std::string(graphc_last_error_message()).find("not supported on dnnl on this CPU") != std::string::npos);
      return std::nullopt;
    }
    ModelPtr model(m);
    SessionPtr session = makeSession(model.get());
    return runC(model.get(), session.get(), {x})[0];
  };
  std::optional<Tensor> llvm = runWith("llvm", GRAPHC_PRECISION_BF16), ref = runWith("ref", GRAPHC_PRECISION_BF16);
  REQUIRE(llvm);
  REQUIRE(ref);
  CHECK(maxRelDiff(*llvm, *ref) < 1e-5);
  CHECK(maxAbsDiff(*llvm, f32[0]) > 0);
  CHECK(maxRelDiff(*llvm, f32[0]) < 1e-2);
  // auto on llvm: bf16 where its GEMM multiplies bf16 natively (AVX512-BF16), f32 elsewhere.
  std::optional<Tensor> automatic = runWith("llvm", GRAPHC_PRECISION_AUTO);
  REQUIRE(automatic);
  if (findBackend("llvm")->multipliesBf16Natively(OpKind::Dense)) CHECK(maxRelDiff(*automatic, *llvm) < 1e-6);
  else CHECK(maxRelDiff(*automatic, f32[0]) < 1e-5);
  std::optional<Tensor> dnnl = runWith("dnnl", GRAPHC_PRECISION_BF16);
  CHECK(dnnl.has_value() == native);
  if (dnnl) {  // oneDNN's bf16 kernels: rounded as llvm rounds, accumulated in another order
    CHECK(maxAbsDiff(*dnnl, f32[0]) > 0);
    CHECK(maxRelDiff(*dnnl, f32[0]) < 1e-2);
    std::optional<Tensor> dnnlAuto = runWith("dnnl", GRAPHC_PRECISION_AUTO);
    REQUIRE(dnnlAuto);
    CHECK(maxRelDiff(*dnnlAuto, *dnnl) < 1e-6);  // auto is bf16 there
  }
  OptionsPtr options = makeOptions("llvm", 4);
  CHECK(graphc_options_set_precision(options.get(), 3) == GRAPHC_STATUS_OUT_OF_RANGE);
  CHECK(graphc_options_set_precision(nullptr, GRAPHC_PRECISION_BF16) == GRAPHC_STATUS_NULL_ARGUMENT);
}

TEST_CASE("the model describes its inputs and outputs with the bound shapes") {
  OptionsPtr options = makeOptions("ref", 3);
  ModelPtr model = compileFile(dataPath("onnx/mlp.onnx"), options.get());
  size_t inputs = 0, outputs = 0;
  REQUIRE(graphc_model_num_inputs(model.get(), &inputs) == GRAPHC_OK);
  REQUIRE(graphc_model_num_outputs(model.get(), &outputs) == GRAPHC_OK);
  CHECK(inputs == 1);
  CHECK(outputs == 1);
  graphc_tensor_info x{}, y{};
  REQUIRE(graphc_model_input_info(model.get(), 0, &x) == GRAPHC_OK);
  REQUIRE(graphc_model_output_info(model.get(), 0, &y) == GRAPHC_OK);
  CHECK(std::string(x.name) == "x");
  CHECK(x.dtype == GRAPHC_DTYPE_F32);
  REQUIRE(x.rank == 2);
  CHECK(x.dims[0] == 3);
  CHECK(x.dims[1] == 784);
  CHECK(x.bytes == 3 * 784 * 4);
  CHECK(std::string(y.name) == "y");
  CHECK(y.bytes == 3 * 10 * 4);
  size_t index = 5;
  REQUIRE(graphc_model_find_output(model.get(), "y", &index) == GRAPHC_OK);
  CHECK(index == 0);
}

TEST_CASE("a model from memory (ONNX or text) and bound by input shape runs like the file") {
  Tensor x = randomTensor({DType::f32, {2, 10}}, 5);
  std::string path = dataPath("onnx/seed.onnx");
  std::vector<Tensor> expected = reference(path, "x", x);
  graphc_options* o = nullptr;
  REQUIRE(graphc_options_create(&o) == GRAPHC_OK);
  OptionsPtr options(o);
  int64_t dims[] = {2, 10};
  REQUIRE(graphc_options_bind_shape(o, "x", dims, 2) == GRAPHC_OK);
  std::string bytes = fileBytes(path);
  ModelPtr model = compileText(bytes, o);  // the bytes start like a ModelProto: read as ONNX
  SessionPtr session = makeSession(model.get());
  CHECK(maxRelDiff(runC(model.get(), session.get(), {x})[0], expected[0]) < 1e-4);

  ModelPtr text = compileText(kTwoInputs, nullptr);
  SessionPtr textSession = makeSession(text.get());
  float a[2] = {1.5f, -2}, b[2] = {0.25f, 4}, c[2] = {0, 0};
  // By name, in another order than the model's.
  graphc_input in[] = {{"b", GRAPHC_DTYPE_F32, b, sizeof b}, {"a", GRAPHC_DTYPE_F32, a, sizeof a}};
  graphc_output out = {"c", GRAPHC_DTYPE_F32, c, sizeof c};
  REQUIRE(graphc_run_named(text.get(), textSession.get(), in, 2, &out, 1) == GRAPHC_OK);
  CHECK(c[0] == 1.75f);
  CHECK(c[1] == 2.0f);
}

TEST_CASE("u8 and f16 models: buffers of GRAPHC_DTYPE_U8 and GRAPHC_DTYPE_F16 in and out, as NumPy computes them") {
  struct Case { const char* model; std::vector<const char*> inputs; const char* output; graphc_dtype dtype; };
  for (const Case& c : {Case{"u8", {"a", "c"}, "diff", GRAPHC_DTYPE_U8}, Case{"f16", {"in"}, "y", GRAPHC_DTYPE_F16}}) {
    CAPTURE(c.model);
    std::string dir = dataPath("onnx/dtypes/") + c.model;
    std::vector<Tensor> in;
    for (const char* name : c.inputs) in.push_back(*readNpy(dir + "." + name + ".npy"));
    Tensor want = *readNpy(dir + "." + c.output + ".npy");
    auto models = compiledOnEveryBackend(dir + ".onnx", 1);
    CHECK(models.size() == allBackends().size());
    for (auto& [backend, model] : models) {
      INFO(backend);
      graphc_tensor_info info{};
      REQUIRE(graphc_model_output_info(model.get(), 0, &info) == GRAPHC_OK);
      CHECK(info.dtype == c.dtype);
      SessionPtr session = makeSession(model.get());
      std::vector<Tensor> got = runC(model.get(), session.get(), in);
      REQUIRE(got[0].type() == want.type());
      CHECK(maxRelDiff(got[0], want) <= 1e-3);  // u8: exact (|difference| of at least 1 otherwise)
    }
  }
}

}  // namespace
}  // namespace graphc::test
