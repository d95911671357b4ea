// The C++ API over libgraphc alone: RAII handles, spans in and out, and graphc::Error carrying
// the C status and message.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <graphc/graphc.hpp>

#include <cstring>
#include <fstream>
#include <iterator>

namespace {

const std::string kTiny = std::string(GRAPHC_TEST_DATA) + "/../cli/Inputs/tiny.graph";  // x f32[N,6] -> logits f32[N,3]

template <class F>
graphc_status statusOf(F&& f) {
  try {
    f();
  } catch (const graphc::Error& e) {
    return e.status();
  }
  return GRAPHC_OK;
}

TEST_CASE("a model compiled from a file and from memory runs the same through spans") {
  graphc::Options options;
  options.backend("ref").bindDim("N", 2);
  graphc::Model fromFile = graphc::Model::compileFile(kTiny, options);
  std::ifstream in(kTiny, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  graphc::Model fromMemory = graphc::Model::compileMemory(std::as_bytes(std::span(text)), options);

  REQUIRE(fromFile.inputs().size() == 1);
  graphc::TensorInfo x = fromFile.inputs()[0], y = fromFile.outputs()[0];
  CHECK(x.name == "x");
  CHECK(x.elements() == 12);
  CHECK(y.name == "logits");
  CHECK(std::vector<int64_t>(y.dims.begin(), y.dims.end()) == std::vector<int64_t>{2, 3});
  CHECK(fromFile.findOutput("logits") == 0);

  std::vector<float> data(12);
  for (size_t i = 0; i < data.size(); ++i) data[i] = 0.1f * (float)i - 0.5f;
  std::vector<float> a(6, -7), b(6, -7);
  graphc::Session s1(fromFile), s2(fromMemory);
  graphc_input inputs[] = {graphc::input(std::span<const float>(data), "x")};
  graphc_output outA[] = {graphc::output(std::span<float>(a), "logits")};
  graphc_output outB[] = {graphc::output(std::span<float>(b))};
  s1.runNamed(inputs, outA);
  s2.run(inputs, outB);
  CHECK(a == b);
  CHECK(a[0] != -7);
}

TEST_CASE("failures throw graphc::Error with the status and the library's message") {
  graphc::Options options;
  CHECK(statusOf([&] { options.backend("tpu"); }) == GRAPHC_STATUS_UNKNOWN_NAME);
  CHECK(statusOf([&] { graphc::Model::compileFile("/nonexistent.graph"); }) == GRAPHC_STATUS_IO);
  options.bindDim("N", 2);
  graphc::Model model = graphc::Model::compileFile(kTiny, options);
  graphc::Session session(model);
  std::vector<double> wrong(12);
  std::vector<float> out(6);
  graphc_input inputs[] = {graphc::input(std::span<const double>(wrong))};
  graphc_output outputs[] = {graphc::output(std::span<float>(out))};
  try {
    session.run(inputs, outputs);
    FAIL("no exception");
  } catch (const graphc::Error& e) {
    CHECK(e.status() == GRAPHC_STATUS_WRONG_DTYPE);
    CHECK(std::string(e.what()).find("the buffer is f64") != std::string::npos);
  }
  graphc::Model other = graphc::Model::compileFile(kTiny, options);
  CHECK(statusOf([&] { graphc::Session(other).run({}, {}); }) == GRAPHC_STATUS_WRONG_COUNT);
  graphc::Options tight;
  tight.backend("ref").bindDim("N", 2).maxMemory(16);
  CHECK(statusOf([&] { graphc::Model::compileFile(kTiny, tight); }) == GRAPHC_STATUS_OUT_OF_MEMORY);
}

TEST_CASE("a trainer steps on spans, and its params read and write through spans") {
  graphc::Options options;
  options.backend("ref").bindDim("N", 8);
  auto trainer = graphc::Trainer::fromFile(kTiny, options, GRAPHC_LOSS_SOFTMAX_CROSS_ENTROPY, GRAPHC_OPTIMIZER_ADAM, 0.05);
  CHECK(trainer.params().size() == 4);
  std::vector<float> x(48);
  std::vector<int64_t> y(8);
  for (size_t i = 0; i < x.size(); ++i) x[i] = (float)((i * 37) % 11) / 5.0f - 1.0f;
  for (size_t i = 0; i < y.size(); ++i) y[i] = x[i * 6] > 0 ? 2 : 0;
  double first = trainer.step(std::span<const float>(x), std::span<const int64_t>(y)), last = first;
  for (int i = 0; i < 25; ++i) last = trainer.step(std::span<const float>(x), std::span<const int64_t>(y));
  CHECK(last < first);
  std::vector<float> b2(3), zeros(3, 0.0f);
  trainer.writeParam("b2", std::span<const float>(zeros));
  trainer.readParam("b2", std::span<float>(b2));
  CHECK(b2 == zeros);
  std::vector<float> tooSmall(2);
  CHECK(statusOf([&] { trainer.readParam("b2", std::span<float>(tooSmall)); }) == GRAPHC_STATUS_WRONG_SIZE);
  CHECK(graphc::version() == std::to_string(GRAPHC_VERSION_MAJOR) + "." + std::to_string(GRAPHC_VERSION_MINOR) + "." +
                                 std::to_string(GRAPHC_VERSION_PATCH));
}

}  // namespace
