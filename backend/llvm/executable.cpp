// The llvm Executable: the JIT-compiled graphc_run over a table of buffer pointers, one per
// value. Node results live in one arena planned by the memory planner; graph outputs are
// written straight into the caller's tensors. A run allocates nothing.
#include "backend/llvm/executable.h"

#include <fmt/format.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>
#include <omp.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

#include "backend/llvm/codegen.h"
#include "backend/llvm/jit.h"
#include "ir/verifier.h"
#include "runtime/memory/memory_plan.h"  // the memory planner (graphBuffers, planMemory)

namespace graphc::llvmjit {
namespace {

using RunFn = int32_t (*)(void**);

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

class LlvmContext final : public ExecutionContext {
 public:
  std::unique_ptr<void, FreeDeleter> arena;
  std::vector<void*> buffers;  // per ValueId
};

class LlvmExecutable final : public Executable {
 public:
  Graph graph_;
  std::unique_ptr<JitCode> code;
  RunFn runFn = nullptr;
  std::vector<std::string> errors;  // message of error code i + 1
  ArenaPlan arena;
  std::vector<int64_t> arenaOffset;  // per ValueId, -1 when not in the arena
  // Per output: written in place into the caller's tensor, or copied after the run from the
  // value's buffer (an input, a constant, or a value that an earlier output already holds).
  std::vector<bool> outputInPlace;
  JitTimes times;
  int threads_ = 0;  // as compiled: 0 means the OpenMP runtime's default

  LlvmExecutable(Graph g, int threads) : graph_(std::move(g)), threads_(threads) {}
  int threads() const override { return threads_ > 0 ? threads_ : omp_get_max_threads(); }
  const Graph& graph() const override { return graph_; }
  const ArenaPlan* arenaPlan() const override { return &arena; }

  Result<std::unique_ptr<ExecutionContext>> createContext() const override {
    auto ctx = std::make_unique<LlvmContext>();
    size_t bytes = std::max<size_t>((arena.plan.arenaBytes + 63) / 64 * 64, 64);
    ctx->arena.reset(std::aligned_alloc(64, bytes));
    if (!ctx->arena) return Error(ErrorCode::OutOfMemory, "out of memory: cannot create an execution context");
    ctx->buffers.assign(graph_.values.size(), nullptr);
    for (ValueId v : graph_.constants) ctx->buffers[v] = const_cast<void*>(graph_.value(v).data.raw());
    for (size_t v = 0; v < arenaOffset.size(); ++v)
      if (arenaOffset[v] >= 0) ctx->buffers[v] = static_cast<char*>(ctx->arena.get()) + arenaOffset[v];
    return std::unique_ptr<ExecutionContext>(std::move(ctx));
  }

  Status run(ExecutionContext& base, std::span<const ConstTensorView> inputs, std::span<const TensorView> outputs) const override {
    auto* ctx = dynamic_cast<LlvmContext*>(&base);
    if (!ctx) return Error("run: the context was not made by this executable");
    GRAPHC_TRY(checkViews(inputs, outputs));
    for (size_t i = 0; i < inputs.size(); ++i) ctx->buffers[graph_.inputs[i]] = const_cast<void*>(inputs[i].data);
    for (size_t i = 0; i < outputs.size(); ++i)
      if (outputInPlace[i]) ctx->buffers[graph_.outputs[i].value] = outputs[i].data;
    if (int32_t code = runFn(ctx->buffers.data()); code != 0)
      return Error(code > 0 && (size_t)code <= errors.size() ? errors[code - 1] : fmt::format("llvm: error code {}", code));
    for (size_t i = 0; i < outputs.size(); ++i) {
      size_t bytes = graph_.type(graph_.outputs[i].value).bytes();
      if (!outputInPlace[i] && bytes) std::memcpy(outputs[i].data, ctx->buffers[graph_.outputs[i].value], bytes);
    }
    return ok();
  }
};

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One arena for the node results that are not graph outputs, planned once.
Status planArena(LlvmExecutable& exe) {
  const Graph& g = exe.graph_;
  GraphBuffers buffers = graphBuffers(g);
  for (BufferRequest& r : buffers.requests) r.bytes = std::max<size_t>(r.bytes, 1);
  MemoryPlan plan = planMemory(buffers.requests, 64);
  if (plan.offsets.size() != buffers.requests.size()) return Error("llvm: the memory planner returned no plan");
  if (Status valid = validatePlan(buffers.requests, plan); !valid)
    return Error("llvm: internal error: invalid memory plan: " + valid.error().message());
  exe.arenaOffset.assign(g.values.size(), -1);
  for (size_t r = 0; r < buffers.requests.size(); ++r) exe.arenaOffset[buffers.valueOf[r]] = (int64_t)plan.offsets[r];
  exe.arena = {std::move(buffers.requests), std::move(plan), 0, 0, 0};
  std::vector<bool> held(g.values.size(), false);
  for (const Output& o : g.outputs) {
    bool inPlace = g.value(o.value).kind == ValueKind::Result && !held[o.value];
    held[o.value] = true;
    exe.outputInPlace.push_back(inPlace);
  }
  return ok();
}

}  // namespace

Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions& options) {
  GRAPHC_TRY(verify(g));
  if (!g.updates.empty()) return Error(ErrorCode::Unsupported, "llvm: training steps (graphs with updates) are not supported yet");
  // The code reads the constants in place, so the executable owns copies of them (Tensor
  // copies share storage): a caller that later changes its graph's weights changes nothing
  // here. For W1 that is a 2.6 MB copy, well under a millisecond.
  auto exe = std::make_unique<LlvmExecutable>(g.clone(), options.threads);
  auto t0 = std::chrono::steady_clock::now();
  GRAPHC_ASSIGN(GeneratedCode generated, generate(exe->graph_, options.threads));
  exe->times.generate = secondsSince(t0);
  t0 = std::chrono::steady_clock::now();
  GRAPHC_TRY(optimizeModule(*generated.module));
  exe->times.optimize = secondsSince(t0);
  t0 = std::chrono::steady_clock::now();
  exe->errors = std::move(generated.errors);
  GRAPHC_ASSIGN(exe->code, JitCode::load(std::move(generated.context), std::move(generated.module)));
  GRAPHC_ASSIGN(void* run, exe->code->lookup("graphc_run"));
  exe->times.load = secondsSince(t0);
  exe->runFn = reinterpret_cast<RunFn>(run);
  GRAPHC_TRY(planArena(*exe));
  return std::unique_ptr<Executable>(std::move(exe));
}

Result<std::string> optimizedIR(const Graph& g, int threads) {
  GRAPHC_TRY(verify(g));
  GRAPHC_ASSIGN(GeneratedCode generated, generate(g, threads));
  GRAPHC_TRY(optimizeModule(*generated.module));
  std::string text;
  llvm::raw_string_ostream os(text);
  generated.module->print(os, nullptr);
  return os.str();
}

JitTimes jitTimes(const Executable& exe) {
  if (const auto* e = dynamic_cast<const LlvmExecutable*>(&exe)) return e->times;
  return {};
}

}  // namespace graphc::llvmjit
