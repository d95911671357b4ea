// The training step through the C API: the loss falls, params round-trip, and a saved model
// reloads with the trained weights.
#include <doctest/doctest.h>

#include <filesystem>
#include <unistd.h>

#include "runtime/executable.h"
#include "tests/capi/capi_test.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

constexpr int64_t kBatch = 16;

struct Batch {
  Tensor x = randomTensor({DType::f32, {kBatch, 6}}, 21);
  Tensor y{TensorType{DType::i64, {kBatch}}};
  Batch() {
    for (int64_t i = 0; i < kBatch; ++i) y.data<int64_t>()[i] = x.at(i * 6) > 0 ? 1 : 0;  // the class is feature 0's sign
  }
};

double step(graphc_trainer* t, const Batch& b) {
  graphc_input data = inputOf(b.x), labels = inputOf(b.y);
  double loss = -1;
  graphc_status s = graphc_trainer_step(t, &data, &labels, &loss);
  INFO(std::string(graphc_last_error_message()));
  REQUIRE(s == GRAPHC_OK);
  return loss;
}

TrainerPtr makeTrainer(const std::string& path, const std::string& backend) {
  OptionsPtr options = makeOptions(backend, kBatch);
  graphc_trainer* t = nullptr;
  graphc_status s = graphc_trainer_create_file(path.c_str(), options.get(), GRAPHC_LOSS_SOFTMAX_CROSS_ENTROPY,
                                               GRAPHC_OPTIMIZER_ADAM, 0.05, &t);
  INFO(backend, ": ", std::string(graphc_last_error_message()));
  REQUIRE(s == GRAPHC_OK);
  return TrainerPtr(t);
}

// The trainers of every backend that compiles the training step.
std::vector<std::pair<std::string, TrainerPtr>> trainersOnEveryBackend(const std::string& path) {
  std::vector<std::pair<std::string, TrainerPtr>> trainers;
  for (const BackendInfo& b : allBackends()) {
    OptionsPtr options = makeOptions(std::string(b.name), kBatch);
    graphc_trainer* t = nullptr;
    graphc_status s = graphc_trainer_create_file(path.c_str(), options.get(), GRAPHC_LOSS_SOFTMAX_CROSS_ENTROPY,
                                                 GRAPHC_OPTIMIZER_ADAM, 0.05, &t);
    if (s == GRAPHC_STATUS_UNSUPPORTED) {
      MESSAGE(b.name, " does not compile the training step: ", std::string(graphc_last_error_message()));
      continue;
    }
    INFO(b.name, ": ", std::string(graphc_last_error_message()));
    REQUIRE(s == GRAPHC_OK);
    trainers.emplace_back(std::string(b.name), TrainerPtr(t));
  }
  return trainers;
}

Tensor readParam(const graphc_trainer* t, const char* name, const TensorType& type) {
  Tensor value(type);
  graphc_status s = graphc_trainer_read_param(t, name, GRAPHC_DTYPE_F32, value.raw(), value.bytes());
  INFO(std::string(graphc_last_error_message()));
  REQUIRE(s == GRAPHC_OK);
  return value;
}

TEST_CASE("training steps lower the loss, the same on every backend that trains") {
  Batch batch;
  auto trainers = trainersOnEveryBackend(tinyModel());
  REQUIRE(!trainers.empty());
  std::vector<double> firstLosses, lastLosses;
  for (auto& [backend, trainer] : trainers) {
    INFO(backend);
    graphc_tensor_info data{}, labels{};
    REQUIRE(graphc_trainer_data_info(trainer.get(), &data) == GRAPHC_OK);
    REQUIRE(graphc_trainer_labels_info(trainer.get(), &labels) == GRAPHC_OK);
    CHECK(data.bytes == kBatch * 6 * 4);
    CHECK(labels.dtype == GRAPHC_DTYPE_I64);
    CHECK(labels.bytes == kBatch * 8);
    double first = step(trainer.get(), batch), last = first;
    for (int i = 0; i < 30; ++i) last = step(trainer.get(), batch);
    CHECK(last < 0.5 * first);
    firstLosses.push_back(first);
    lastLosses.push_back(last);
  }
  for (size_t i = 1; i < trainers.size(); ++i) {
    CHECK(firstLosses[i] == doctest::Approx(firstLosses[0]).epsilon(1e-5));
    CHECK(lastLosses[i] == doctest::Approx(lastLosses[0]).epsilon(1e-3));
  }
}

TEST_CASE("params read and write by name: the loss follows the weights written") {
  Batch batch;
  TrainerPtr trainer = makeTrainer(tinyModel(), "ref");
  size_t count = 0;
  REQUIRE(graphc_trainer_num_params(trainer.get(), &count) == GRAPHC_OK);
  CHECK(count == 4);
  std::vector<std::pair<std::string, Tensor>> initial;
  for (size_t i = 0; i < count; ++i) {
    graphc_tensor_info info{};
    REQUIRE(graphc_trainer_param_info(trainer.get(), i, &info) == GRAPHC_OK);
    TensorType type{DType::f32, Shape(info.dims, info.dims + info.rank)};
    initial.emplace_back(info.name, readParam(trainer.get(), info.name, type));
  }
  double first = step(trainer.get(), batch);
  for (int i = 0; i < 5; ++i) step(trainer.get(), batch);
  Tensor trained = readParam(trainer.get(), "w1", initial[0].second.type());
  CHECK(maxAbsDiff(trained, initial[0].second) > 0);
  // Writing the initial weights back gives the first step's loss again (computed before the update).
  for (auto& [name, value] : initial)
    REQUIRE(graphc_trainer_write_param(trainer.get(), name.c_str(), GRAPHC_DTYPE_F32, value.raw(), value.bytes()) == GRAPHC_OK);
  CHECK(maxAbsDiff(readParam(trainer.get(), "w1", initial[0].second.type()), initial[0].second) == 0);
  CHECK(step(trainer.get(), batch) == doctest::Approx(first).epsilon(1e-6));
  // A failed write leaves the weights as they were.
  Tensor w1 = readParam(trainer.get(), "w1", initial[0].second.type());
  CHECK(graphc_trainer_write_param(trainer.get(), "w1", GRAPHC_DTYPE_F32, w1.raw(), w1.bytes() - 4) == GRAPHC_STATUS_WRONG_SIZE);
  CHECK(maxAbsDiff(readParam(trainer.get(), "w1", w1.type()), w1) == 0);
}

TEST_CASE("a saved model reloads with the trained weights and runs the same, as text or ONNX") {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("graphc-capi-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Batch batch;
  TrainerPtr trainer = makeTrainer(tinyModel(), "ref");
  for (int i = 0; i < 10; ++i) step(trainer.get(), batch);
  Tensor w2 = readParam(trainer.get(), "w2", {DType::f32, {8, 3}});
  std::vector<Tensor> outputs;
  for (const char* file : {"trained.graph", "trained.onnx"}) {
    std::string path = (dir / file).string();
    INFO(path);
    REQUIRE(graphc_trainer_save(trainer.get(), path.c_str()) == GRAPHC_OK);
    TrainerPtr reloaded = makeTrainer(path, "ref");
    CHECK(maxAbsDiff(readParam(reloaded.get(), "w2", w2.type()), w2) == 0);
    OptionsPtr options = makeOptions("ref", kBatch);
    ModelPtr model = compileFile(path, options.get());
    SessionPtr session = makeSession(model.get());
    outputs.push_back(runC(model.get(), session.get(), {batch.x})[0]);
  }
  CHECK(maxRelDiff(outputs[0], outputs[1]) < 1e-5);
  OptionsPtr options = makeOptions("ref", kBatch);
  ModelPtr original = compileFile(tinyModel(), options.get());
  SessionPtr session = makeSession(original.get());
  CHECK(maxAbsDiff(runC(original.get(), session.get(), {batch.x})[0], outputs[0]) > 1e-3);  // training changed the model
  CHECK(graphc_trainer_save(trainer.get(), (dir / "no-such-dir" / "x.graph").string().c_str()) != GRAPHC_OK);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a class label out of range is refused before the step") {
  Batch batch;
  TrainerPtr trainer = makeTrainer(tinyModel(), "ref");
  batch.y.data<int64_t>()[3] = 3;  // the model has 3 classes: 0, 1, 2
  graphc_input data = inputOf(batch.x), labels = inputOf(batch.y);
  double loss = -1;
  CHECK(graphc_trainer_step(trainer.get(), &data, &labels, &loss) == GRAPHC_STATUS_INVALID_ARGUMENT);
  CHECK(std::string(std::string(graphc_last_error_message())).find("label 3 at index 3 is out of range") != std::string::npos);
  CHECK(loss == -1);
}

}  // namespace
}  // namespace graphc::test
