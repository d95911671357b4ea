// --precision bf16 and auto through the driver: the choice per backend and CPU, the error report
// of --compare, and the accuracy the mode costs on the reference models and in training.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <random>
#include <set>
#include <unistd.h>

#include "driver/model.h"
#include "driver/pipeline.h"
#include "driver/precision.h"
#include "driver/run.h"
#include "driver/trainer.h"
#include "frontend/npy/npy.h"
#include "runtime/cpu_features.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// Whether dnnl multiplies bf16 natively here (oneDNN's kernels on AVX512-BF16 or AMX).
bool dnnlNativeBf16() { return findBackend("dnnl")->isOpSupported(OpKind::Dense, DType::bf16); }

TEST_CASE("precision: auto is bf16 only for what a backend multiplies natively, bf16 says how each product runs, and dnnl refuses it without a unit") {
  MESSAGE("this CPU: " << hostCpuName() << ", bf16 unit: " << bf16UnitName(hostBf16Unit()) << ", AVX512-BF16: " << hostHasAvx512Bf16()
                       << ", dnnl native bf16: " << dnnlNativeBf16());
  // What each backend multiplies natively follows from the CPU: dnnl's oneDNN kernels need a
  // bf16 unit, llvm's GEMM needs vdpbf16ps, ref has none.
  const BackendInfo& llvm = *findBackend("llvm");
  const BackendInfo& ref = *findBackend("ref");
  CHECK(llvm.multipliesBf16Natively(OpKind::MatMul) == hostHasAvx512Bf16());
  CHECK(llvm.multipliesBf16Natively(OpKind::DenseGrad) == hostHasAvx512Bf16());
  CHECK(!llvm.multipliesBf16Natively(OpKind::Conv2d));
  CHECK(!ref.multipliesBf16Natively(OpKind::Dense));
  CHECK(findBackend("dnnl")->multipliesBf16Natively(OpKind::Conv2d) == dnnlNativeBf16());
  CHECK(findBackend("dnnl")->multipliesBf16Natively(OpKind::Conv2dGradWeight) == dnnlNativeBf16());
  for (const char* backend : {"llvm", "dnnl", "ref"}) {
    CAPTURE(backend);
    bool native = findBackend(backend)->multipliesBf16Natively(OpKind::Dense);
    auto autoChoice = driver::choosePrecision("auto", backend);
    REQUIRE(autoChoice);
    CHECK(has(autoChoice->note, hostCpuName()));
    if (native) {
      CHECK(autoChoice->precision == Precision::bf16Native);
      CHECK(has(autoChoice->note, fmt::format("precision auto: bf16 on {}", backend)));
      CHECK(has(autoChoice->note, "dense"));
    } else {
      CHECK(autoChoice->precision == Precision::f32);
      CHECK(has(autoChoice->note, "precision auto: f32"));
    }
  }
  auto bf16 = driver::choosePrecision("bf16", "llvm");
  REQUIRE(bf16);
  CHECK(bf16->precision == Precision::bf16);
  if (hostHasAvx512Bf16()) {
    CHECK(has(bf16->note, "matmul, dense, dense_grad in bf16 with f32 accumulation on vdpbf16ps"));
    CHECK(has(bf16->note, "conv2d, conv2d_grad_input, conv2d_grad_weight emulated"));
    CHECK(has(driver::choosePrecision("auto", "llvm")->note, "conv2d, conv2d_grad_input, conv2d_grad_weight stay f32"));
  } else {
    CHECK(has(bf16->note, "emulated on backend llvm"));
  }
  CHECK(has(driver::choosePrecision("bf16", "ref")->note, "emulated on backend ref"));
  CHECK(driver::choosePrecision("f32", "dnnl")->note.empty());
  CHECK(!driver::choosePrecision("fp16", "dnnl"));
  Status dnnl = driver::checkPrecision({.backend = "dnnl", .precision = Precision::bf16});
  if (dnnlNativeBf16()) {
    CHECK(dnnl.ok());
  } else {
    REQUIRE(!dnnl.ok());
    CHECK(dnnl.error().code == ErrorCode::Unsupported);
    CHECK(has(dnnl.error().message(), "not supported on dnnl on this CPU"));
  }
  CHECK(driver::checkPrecision({.backend = "llvm", .precision = Precision::bf16}).ok());
  CHECK(driver::checkPrecision({.backend = "dnnl", .precision = Precision::f32}).ok());
}

// What auto converts, read off the compiled graph: on llvm with AVX512-BF16, LeNet's denses read
// bf16 and its convolutions f32 (llvm would only emulate them); with bf16, both read bf16. Code
// for another CPU gets f32 from auto, since this one cannot tell the target's units.
TEST_CASE("precision: auto converts only the products a backend multiplies natively, and nothing for another target CPU") {
  auto lenet = driver::loadModel(dataPath("onnx/lenet.onnx"), {{"x", {2, 1, 28, 28}}});
  REQUIRE_MESSAGE(lenet, (lenet ? "" : lenet.error().message()));
  auto operandTypes = [&](Precision p, OpKind op) {
    Graph g = lenet->clone();
    Status s = driver::runCompilePasses(g, {.backend = "llvm", .precision = p});
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message()));
    std::set<DType> types;
    for (const Node& n : g.nodes)
      if (!n.dead && n.op == op) types.insert(g.type(n.operands[0]).dtype);
    return types;
  };
  CHECK(operandTypes(Precision::bf16, OpKind::Conv2d) == std::set{DType::bf16});
  CHECK(operandTypes(Precision::bf16, OpKind::Dense) == std::set{DType::bf16});
  CHECK(operandTypes(Precision::bf16Native, OpKind::Conv2d) == std::set{DType::f32});
  CHECK(operandTypes(Precision::bf16Native, OpKind::Dense) == std::set{hostHasAvx512Bf16() ? DType::bf16 : DType::f32});
  auto other = driver::choosePrecision("auto", "llvm", true);
  REQUIRE(other);
  CHECK(other->precision == Precision::f32);
  CHECK(has(other->note, "the code is for another CPU"));
  auto otherBf16 = driver::choosePrecision("bf16", "llvm", true);
  REQUIRE(otherBf16);
  CHECK(otherBf16->precision == Precision::bf16);
  CHECK(has(otherBf16->note, "where the target has AVX512-BF16"));
}

TEST_CASE("precision: compareOutput's relative error, top-1 agreement and NaN count") {
  Tensor ref = Tensor::fromVector<float>(DType::f32, {2, 3}, {1, 2, 4, 0, -1, 0.5f});
  Tensor same = ref.clone();
  auto none = driver::compareOutput(same, ref);
  REQUIRE(none);
  CHECK(none->maxRelative == 0);
  CHECK(none->top1Agree == 2);
  Tensor off = ref.clone();
  off.set(2, 4.04);  // 1% off a large element
  off.set(3, 0.3);   // near zero: against the mean magnitude, 1.4167
  off.set(4, 0.6);   // the row's arg-max moves from 0.5 (index 5) to 0.6 (index 4)
  auto e = driver::compareOutput(off, ref);
  REQUIRE(e);
  CHECK(e->maxRelative == doctest::Approx(1.6 / (8.5 / 6)).epsilon(1e-6));
  // ||(0, 0, 0.04, 0.3, 1.6, 0)|| / ||(1, 2, 4, 0, -1, 0.5)||
  CHECK(e->normRelative == doctest::Approx(std::sqrt((0.04 * 0.04 + 0.09 + 2.56) / 22.25)).epsilon(1e-5));
  CHECK(none->normRelative == 0);
  CHECK(e->top1Agree == 1);
  CHECK(e->rows == 2);
  off.set(0, NAN);
  CHECK(driver::compareOutput(off, ref)->nanMismatches == 1);
  CHECK(!driver::compareOutput(Tensor(TensorType{DType::f32, {6}}), ref));
}

// bf16 against f32 on each reference model: the operands' rounding (8 bits of mantissa) bounds
// the logits' error; the class picked stays the same on (nearly) every row. Both emulating
// backends agree on the bf16 result itself.
TEST_CASE("precision: bf16 stays within its documented error of f32 on the reference models") {
  struct Model {
    const char* file;
    const char* input;
    double maxRel;  // the bound docs/precision.md states
  };
  for (Model m : {Model{"onnx/mlp.onnx", "onnx/mlp_b64_in.npy", 5e-3}, Model{"onnx/lenet.onnx", "onnx/lenet_b64_in.npy", 3e-2},
                  Model{"onnx/transformer.onnx", "onnx/transformer_b8_in.npy", 2e-2}, Model{"onnx/seed.onnx", "onnx/seed_b32_in.npy", 5e-3}}) {
    CAPTURE(m.file);
    auto x = readNpy(dataPath(m.input));
    REQUIRE(x);
    auto run = [&](const char* backend, Precision p) {
      driver::RunRequest request{dataPath(m.file), {{"x", *x}}, {.backend = backend, .precision = p}, {}};
      auto out = driver::runOnce(request);
      REQUIRE_MESSAGE(out, (out ? "" : out.error().message()));
      return out->values[0];
    };
    Tensor f32 = run("llvm", Precision::f32), bf16 = run("llvm", Precision::bf16);
    auto check = [&](const Tensor& rounded, const Tensor& exact, const char* what) {
      auto error = driver::compareOutput(rounded, exact);
      REQUIRE(error);
      MESSAGE((std::string(m.file) + " " + what + ": " + driver::describe(*error)));
      CHECK(error->maxRelative > 0);  // the mode did round something
      CHECK(error->maxRelative <= m.maxRel);
      CHECK(error->nanMismatches == 0);
      if (error->rows) CHECK(error->top1Agree >= 0.95 * (double)error->rows);
    };
    check(bf16, f32, hostHasAvx512Bf16() ? "on llvm (vdpbf16ps in its GEMM)" : "on llvm (emulated)");
    // auto: bf16 only where llvm multiplies natively (LeNet's convolutions stay f32).
    if (hostHasAvx512Bf16()) check(run("llvm", Precision::bf16Native), f32, "on llvm, precision auto");
    // oneDNN's native bf16 kernels, where this CPU has them, within the same bound.
    if (dnnlNativeBf16()) check(run("dnnl", Precision::bf16), run("dnnl", Precision::f32), "on dnnl (native)");
    if (std::string(m.file) != "onnx/transformer.onnx")  // the interpreter is slow on it
      CHECK(maxRelDiff(run("ref", Precision::bf16), bf16) <= 1e-5);
  }
}

struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() / ("graphc-precision-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// Classes of Gaussian clusters, as the seed example's data: `classes` x 3 centres in `dims`
// dimensions (coordinates of deviation `apart`), `perClass` samples each around them (deviation
// `spread`), shuffled. The clusters overlap enough that no run reaches a loss of 0. `sample` is
// the shape of one sample (default: [dims]), e.g. [1, 28, 28] for an image model.
void writeClusters(const TempDir& dir, int64_t classes, int64_t dims, int64_t perClass, double apart, double spread, uint64_t seed,
                   Shape sample = {}) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<std::vector<double>> centres((size_t)(classes * 3));
  for (auto& c : centres)
    for (int64_t d = 0; d < dims; ++d) c.push_back(normal(rng) * apart);
  int64_t n = classes * perClass;
  std::vector<int64_t> order((size_t)n);
  for (int64_t i = 0; i < n; ++i) order[(size_t)i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  if (sample.empty()) sample = {dims};
  sample.insert(sample.begin(), n);
  Tensor x({DType::f32, sample}), y({DType::i64, {n}});
  for (int64_t i = 0; i < n; ++i) {
    int64_t label = order[(size_t)i] % classes, centre = label * 3 + (int64_t)(rng() % 3);
    y.setInt(i, label);
    for (int64_t d = 0; d < dims; ++d) x.set(i * dims + d, centres[(size_t)centre][(size_t)d] + spread * normal(rng));
  }
  REQUIRE(writeNpy(dir / "x.npy", x));
  REQUIRE(writeNpy(dir / "y.npy", y));
}

std::vector<driver::EpochStats> train(const driver::TrainOptions& options, int epochs) {
  auto trainer = driver::Trainer::create(options);
  REQUIRE_MESSAGE(trainer, (trainer ? "" : trainer.error().message()));
  std::vector<driver::EpochStats> log;
  for (int e = 0; e < epochs; ++e) {
    auto stats = trainer->epoch();
    REQUIRE(stats);
    log.push_back(*stats);
  }
  return log;
}

// The bar: the loss within 5% of f32's at every epoch, the final accuracy within 1 point.
// With `fromStart`, 5% of the first epoch's loss instead: for a run whose loss nears 0, where
// two runs that learn equally well still differ by more than 5% of a tiny loss.
void checkTrainsLikeF32(driver::TrainOptions options, int epochs, bool fromStart = false) {
  std::vector<driver::EpochStats> f32 = train(options, epochs);
  options.backend.precision = Precision::bf16;
  std::vector<driver::EpochStats> bf16 = train(options, epochs);
  for (int e = 0; e < epochs; ++e) {
    INFO("epoch ", e + 1, ": loss f32 ", f32[e].loss, ", bf16 ", bf16[e].loss);
    CHECK(std::fabs(bf16[e].loss - f32[e].loss) <= 0.05 * f32[fromStart ? 0 : e].loss);
  }
  MESSAGE("final loss f32 " << f32.back().loss << ", bf16 " << bf16.back().loss << "; accuracy f32 " << *f32.back().accuracy
                            << ", bf16 " << *bf16.back().accuracy);
  CHECK(f32.back().loss < 0.5 * f32.front().loss);  // it did learn
  CHECK(std::fabs(*bf16.back().accuracy - *f32.back().accuracy) <= 0.01);
}

// The backends a training comparison runs on: these, and dnnl where its bf16 is native.
std::vector<const char*> trainingBackends(std::vector<const char*> backends) {
  if (dnnlNativeBf16()) backends.push_back("dnnl");
  return backends;
}

TEST_CASE("precision: the seed MLP trains in bf16 as in f32 (adam, cross-entropy), on llvm, ref and natively on dnnl") {
  TempDir dir;
  writeClusters(dir, 5, 10, 200, 1.0, 1.0, 11);
  for (const char* backend : trainingBackends({"llvm", "ref"})) {
    CAPTURE(backend);
    checkTrainsLikeF32({dataPath("../../examples/seed/seed.graph"), dir / "x.npy", dir / "y.npy",
                        LossKind::CrossEntropy, OptimizerKind::Adam, 0.01, 32, true, 3, {.backend = backend}, {}},
                       10);
  }
}

TEST_CASE("precision: the W2 model (784-512-512-10, adam 1e-3) trains in bf16 as in f32 on llvm and natively on dnnl") {
  TempDir dir;
  writeClusters(dir, 10, 784, 64, 0.035, 1.0, 5);
  for (const char* backend : trainingBackends({"llvm"})) {
    CAPTURE(backend);
    // mlp.onnx ends in softmax: cross_entropy on its probabilities is W2's softmax cross-entropy.
    checkTrainsLikeF32({dataPath("onnx/mlp.onnx"), dir / "x.npy", dir / "y.npy", LossKind::CrossEntropy, OptimizerKind::Adam,
                        1e-3, 64, true, 3, {.backend = backend}, {}},
                       5);
  }
}

// A CNN: LeNet's two convolutions train through conv2d_grad_input and conv2d_grad_weight, in bf16
// natively on dnnl (oneDNN's bf16 backward primitives) and emulated on llvm. Its loss falls from
// 2 to about 0.06 in 10 epochs, so the curve is held within 5% of the first epoch's loss.
TEST_CASE("precision: LeNet trains in bf16 as in f32 (adam, softmax cross-entropy) on llvm and natively on dnnl") {
  TempDir dir;
  writeClusters(dir, 10, 784, 64, 1.0, 1.0, 7, {1, 28, 28});
  for (const char* backend : trainingBackends({"llvm"})) {
    CAPTURE(backend);
    checkTrainsLikeF32({dataPath("onnx/lenet.onnx"), dir / "x.npy", dir / "y.npy", LossKind::SoftmaxCrossEntropy, OptimizerKind::Adam,
                        1e-3, 32, true, 3, {.backend = backend}, {}},
                       10, true);
  }
}

}  // namespace
}  // namespace graphc::test
