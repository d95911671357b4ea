// One compiled model run from many threads at once, each with its own session, through the C
// API: every result equals the single-threaded run's.
#include <doctest/doctest.h>

#include <thread>

#include "runtime/executable.h"
#include "tests/capi/capi_test.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

TEST_CASE("one model, one session per thread: results equal the single-threaded run's") {
  constexpr int kThreads = 4, kRuns = 25;
  for (const BackendInfo& b : allBackends()) {
    INFO(b.name);
    OptionsPtr options = makeOptions(std::string(b.name), 8);
    REQUIRE(graphc_options_set_threads(options.get(), 1) == GRAPHC_OK);
    graphc_model* m = nullptr;
    graphc_status status = graphc_model_compile_file(dataPath("onnx/mlp.onnx").c_str(), options.get(), &m);
    if (status == GRAPHC_STATUS_UNSUPPORTED) continue;  // run.cpp reports which backends skip which model
    REQUIRE(status == GRAPHC_OK);
    ModelPtr model(m);
    std::vector<Tensor> inputs, expected;
    SessionPtr single = makeSession(model.get());
    for (int t = 0; t < kThreads; ++t) {
      inputs.push_back(randomTensor({DType::f32, {8, 784}}, 100 + t));
      expected.push_back(runC(model.get(), single.get(), {inputs.back()})[0]);
    }
    std::vector<int> mismatches(kThreads, 0), failures(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        graphc_session* s = nullptr;
        if (graphc_session_create(model.get(), &s) != GRAPHC_OK) {
          failures[t] = kRuns;
          return;
        }
        Tensor out(expected[t].type());
        graphc_input in = inputOf(inputs[t]);
        graphc_output o = outputOf(out);
        for (int r = 0; r < kRuns; ++r) {
          if (graphc_run(model.get(), s, &in, 1, &o, 1) != GRAPHC_OK) ++failures[t];
          else if (maxAbsDiff(out, expected[t]) != 0) ++mismatches[t];
        }
        graphc_session_free(s);
      });
    for (std::thread& t : threads) t.join();
    for (int t = 0; t < kThreads; ++t) {
      CHECK(failures[t] == 0);
      CHECK(mismatches[t] == 0);
    }
  }
}

}  // namespace
}  // namespace graphc::test
