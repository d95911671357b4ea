// The raw-buffer ABI (runtime/abi.h) on every backend: a run on pointers and byte sizes, in the
// context's blocks or the caller's, matches the ref backend; every malformed graphc_run_buffers
// is refused as an invalid argument before anything runs.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <memory>

#include "passes/train/training.h"
#include "runtime/bind.h"
#include "tests/backends/cases.h"
#include "tests/backends/run.h"
#include "tests/train/train_util.h"

namespace graphc::test {
namespace {

// dense relu, then an add; outputs: the sum, the input itself, the sum again, a constant.
Graph fourOutputs() {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {3, 8}});
  ValueId h = b.create(OpKind::Dense, {x, b.param("w", randomF32({8, 8}, 1)), b.param("b", randomF32({8}, 2))},
                       attrs({{"activation", std::string("relu")}}));
  ValueId y = b.create(OpKind::Add, {h, x});
  b.output("y", y);
  b.output("x_again", x);
  b.output("y_again", y);
  b.output("w", b.param("w2", randomF32({2, 2}, 3)));
  return g;
}

std::unique_ptr<Executable> prepareOn(const BackendInfo& backend, const Graph& g) {
  auto exe = backend.prepare(g, CompileOptions{std::string(backend.name), 0});
  REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().message()));
  return std::move(*exe);
}

// The pointer tables of one run over owning tensors.
struct RawRun {
  std::vector<const void*> in;
  std::vector<void*> out;
  std::vector<size_t> inBytes, outBytes;
  graphc_run_buffers buffers{};

  RawRun(const std::vector<Tensor>& inputs, std::vector<Tensor>& outputs) {
    for (const Tensor& t : inputs) in.push_back(t.raw()), inBytes.push_back(t.bytes());
    for (Tensor& t : outputs) out.push_back(t.raw()), outBytes.push_back(t.bytes());
    buffers.abi_version = GRAPHC_ABI_VERSION;
    buffers.num_inputs = (uint32_t)in.size(), buffers.inputs = in.data(), buffers.input_bytes = inBytes.data();
    buffers.num_outputs = (uint32_t)out.size(), buffers.outputs = out.data(), buffers.output_bytes = outBytes.data();
  }
};

// A caller's block, as runtime/bind.h allocates a context's (aligned, at least a cache line).
AlignedBlock block(size_t bytes) { return std::move(allocateBlock(bytes, "test block").value()); }

TEST_CASE("on every backend, a run on raw buffers matches ref, in the context's blocks and in the caller's") {
  Graph g = fourOutputs();
  std::vector<Tensor> in{randomF32({3, 8}, 7)};
  auto ref = runOn(*findBackend("ref"), g, in);
  REQUIRE(ref.ok());
  for (const BackendInfo& backend : allBackends()) {
    INFO("backend ", backend.name);
    auto exe = prepareOn(backend, g);
    auto ctx = std::move(exe->createContext().value());
    Executable::BlockSizes sizes = exe->blockSizes();
    AlignedBlock arena = block(sizes.arena), scratch = block(sizes.scratch);
    for (bool callerBlocks : {false, true, false}) {  // back to the context's after the caller's
      std::vector<Tensor> out = exe->makeOutputs();
      for (Tensor& t : out) std::memset(t.raw(), 0xff, t.bytes());  // NaN: nothing stale passes
      RawRun run(in, out);
      if (callerBlocks) {
        run.buffers.arena = arena.get(), run.buffers.arena_bytes = sizes.arena;
        run.buffers.scratch = scratch.get(), run.buffers.scratch_bytes = sizes.scratch;
      }
      Status st = exe->run(*ctx, run.buffers);
      REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message()));
      for (size_t i = 0; i < out.size(); ++i) CHECK(maxAbsDiff(out[i], (*ref)[i]) < 1e-5);
    }
  }
}

TEST_CASE("on every backend, malformed run buffers are refused as invalid arguments, naming what is wrong") {
  Graph g = fourOutputs();
  std::vector<Tensor> in{randomF32({3, 8}, 7)};
  for (const BackendInfo& backend : allBackends()) {
    auto exe = prepareOn(backend, g);
    auto ctx = std::move(exe->createContext().value());
    Executable::BlockSizes sizes = exe->blockSizes();
    AlignedBlock arena = block(sizes.arena + 64);
    struct Misuse {
      const char* what;
      std::function<void(RawRun&)> spoil;
      const char* message;
    };
    std::vector<Misuse> misuses{
        {"another ABI version", [](RawRun& r) { r.buffers.abi_version = GRAPHC_ABI_VERSION + 1; }, "ABI version"},
        {"one input too few", [](RawRun& r) { r.buffers.num_inputs = 0; }, "takes 1 input(s), got 0"},
        {"one output too many", [](RawRun& r) { r.buffers.num_outputs = 5; }, "has 4 output(s), got 5"},
        {"no input table", [](RawRun& r) { r.buffers.inputs = nullptr; }, "tables"},
        {"a short input", [](RawRun& r) { r.inBytes[0] -= 4; }, "input 'x' needs 96 bytes, got 92"},
        {"a long output", [](RawRun& r) { r.outBytes[2] += 4; }, "output 'y_again' needs 96 bytes, got 100"},
        {"a null output", [](RawRun& r) { r.out[1] = nullptr; }, "output 'x_again' has no memory"},
    };
    if (sizes.arena) {
      misuses.push_back({"a small arena", [&](RawRun& r) { r.buffers.arena = arena.get(), r.buffers.arena_bytes = sizes.arena - 1; },
                         "the arena needs"});
      misuses.push_back({"a misaligned arena", [&](RawRun& r) {
                           r.buffers.arena = static_cast<char*>(arena.get()) + 4, r.buffers.arena_bytes = sizes.arena;
                         }, "aligned"});
    }
    for (const Misuse& m : misuses) {
      INFO("backend ", backend.name, ": ", m.what);
      std::vector<Tensor> out = exe->makeOutputs();
      for (Tensor& t : out) std::memset(t.raw(), 0, t.bytes());
      RawRun run(in, out);
      m.spoil(run);
      Status st = exe->run(*ctx, run.buffers);
      REQUIRE_FALSE(st.ok());
      CHECK(st.error().code == ErrorCode::InvalidArgument);
      CHECK_MESSAGE(st.error().message().find(m.message) != std::string::npos, st.error().message());
      for (const Tensor& t : out)  // refused before anything ran
        for (int64_t i = 0; i < t.numel(); ++i) CHECK(t.data<float>()[i] == 0.0f);
    }
  }
}

TEST_CASE("on every backend that trains, a training step in a caller's state block starts from initialState and matches the context's") {
  auto step = buildTrainingStep(layerNormMlp(false), {LossKind::SoftmaxCrossEntropy, OptimizerKind::Adam, 0.01, std::nullopt});
  REQUIRE(step.ok());
  for (const BackendInfo& backend : allBackends()) {
    if (!backend.isOpSupported(OpKind::AdamUpdate, DType::f32)) continue;
    INFO("backend ", backend.name);
    auto exe = prepareOn(backend, *step);
    auto own = std::move(exe->createContext().value()), borrowed = std::move(exe->createContext().value());
    Executable::BlockSizes sizes = exe->blockSizes();
    AlignedBlock state = block(sizes.state);
    exe->initialState(state.get());
    for (int s = 0; s < 3; ++s) {
      std::vector<Tensor> in = randomInputs(*step, 300 + s, 0, 5);
      std::vector<Tensor> a = exe->makeOutputs(), b = exe->makeOutputs();
      REQUIRE(exe->run(*own, in, a).ok());
      RawRun run(in, b);
      run.buffers.state = state.get(), run.buffers.state_bytes = sizes.state;
      REQUIRE(exe->run(*borrowed, run.buffers).ok());
      INFO("step ", s);
      for (size_t i = 0; i < a.size(); ++i) CHECK(maxAbsDiff(a[i], b[i]) == 0.0);
    }
  }
}

}  // namespace
}  // namespace graphc::test
