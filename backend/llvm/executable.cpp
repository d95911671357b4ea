// The llvm Executable: the JIT-compiled graphc_run over the raw run buffers (runtime/abi.h).
// Node results live in one arena planned by the memory planner; graph outputs are written
// straight into the caller's memory. A run allocates nothing.
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
#include "runtime/bind.h"
#include "runtime/memory/memory_plan.h"  // the memory planner (graphBuffers, planMemory)

namespace graphc::llvmjit {
namespace {

using RunFn = int32_t (*)(const graphc_run_buffers*);

class LlvmContext final : public ExecutionContext {
 public:
  AlignedBlock arena;  // the planned values, then the code's pointer table
};

class LlvmExecutable final : public Executable {
 public:
  Graph graph_;
  std::unique_ptr<JitCode> code;
  RunFn runFn = nullptr;
  std::vector<std::string> errors;  // message of error code i + 1
  ArenaPlan arena;
  EntryLayout layout;
  size_t arenaBytes = 0;  // the plan, then the pointer table
  JitTimes times;
  int threads_ = 0;  // as compiled: 0 means the OpenMP runtime's default

  LlvmExecutable(Graph g, int threads) : graph_(std::move(g)), threads_(threads) {}
  int threads() const override { return threads_ > 0 ? threads_ : omp_get_max_threads(); }
  const Graph& graph() const override { return graph_; }
  const ArenaPlan* arenaPlan() const override { return &arena; }
  BlockSizes blockSizes() const override { return {arenaBytes, 0, 0}; }

  Result<std::unique_ptr<ExecutionContext>> createContext() const override {
    auto ctx = std::make_unique<LlvmContext>();
    GRAPHC_ASSIGN(ctx->arena, allocateBlock(arenaBytes, "arena"));
    return std::unique_ptr<ExecutionContext>(std::move(ctx));
  }

 protected:
  Status execute(ExecutionContext& base, const graphc_run_buffers& run) const override {
    auto* ctx = dynamic_cast<LlvmContext*>(&base);
    if (!ctx) return Error(ErrorCode::InvalidArgument, "run: the context was not made by this executable");
    graphc_run_buffers buffers = run;
    if (!buffers.arena) buffers.arena = ctx->arena.get(), buffers.arena_bytes = arenaBytes;
    if (int32_t code = runFn(&buffers); code != 0)
      return Error(code > 0 && (size_t)code <= errors.size() ? errors[code - 1] : fmt::format("llvm: error code {}", code));
    return ok();
  }
};

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The planned arena and entry layout kept by the executable.
Status planInto(LlvmExecutable& exe) {
  GRAPHC_ASSIGN(PlannedArena planned, planArena(exe.graph_));
  exe.layout = std::move(planned.layout);
  exe.arenaBytes = exe.layout.arenaBytes;
  exe.arena = {std::move(planned.requests), std::move(planned.plan), 0, 0, 0};
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
  GRAPHC_TRY(planInto(*exe));
  auto t0 = std::chrono::steady_clock::now();
  GRAPHC_ASSIGN(GeneratedCode generated, generate(exe->graph_, options.threads, exe->layout));
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
  return std::unique_ptr<Executable>(std::move(exe));
}

Result<std::string> optimizedIR(const Graph& g, int threads) {
  GRAPHC_TRY(verify(g));
  LlvmExecutable planned(g.clone(), threads);
  GRAPHC_TRY(planInto(planned));
  GRAPHC_ASSIGN(GeneratedCode generated, generate(planned.graph_, threads, planned.layout));
  GRAPHC_TRY(optimizeModule(*generated.module));
  std::string text;
  llvm::raw_string_ostream os(text);
  generated.module->print(os, nullptr);
  return os.str();
}

// One arena for the node results that are not graph outputs, planned once, followed by the
// code's pointer table; and where the entry point finds every value.
Result<PlannedArena> planArena(const Graph& g) {
  GraphBuffers buffers = graphBuffers(g, /*fusedGroups=*/true);
  for (BufferRequest& r : buffers.requests) r.bytes = std::max<size_t>(r.bytes, 1);
  MemoryPlan plan = planMemory(buffers.requests, GRAPHC_ABI_ALIGNMENT);
  if (plan.offsets.size() != buffers.requests.size()) return Error("llvm: the memory planner returned no plan");
  if (Status valid = validatePlan(buffers.requests, plan); !valid)
    return Error("llvm: internal error: invalid memory plan: " + valid.error().message());
  PlannedArena planned;
  EntryLayout& layout = planned.layout;
  layout.slots.assign(g.values.size(), {});
  for (size_t i = 0; i < g.inputs.size(); ++i) layout.slots[g.inputs[i]] = {EntryLayout::Place::Input, (int64_t)i};
  for (ValueId v : g.constants)
    layout.slots[v] = {EntryLayout::Place::Const, (int64_t)reinterpret_cast<uintptr_t>(g.value(v).data.raw())};
  for (size_t r = 0; r < buffers.requests.size(); ++r)
    layout.slots[buffers.valueOf[r]] = {EntryLayout::Place::Arena, (int64_t)plan.offsets[r]};
  for (size_t i = 0; i < g.outputs.size(); ++i) {
    ValueId v = g.outputs[i].value;
    // A node's result is written straight into the first output that names it.
    if (g.value(v).kind == ValueKind::Result && layout.slots[v].place == EntryLayout::Place::None)
      layout.slots[v] = {EntryLayout::Place::Output, (int64_t)i};
    else
      layout.copiedOutputs.push_back({(uint32_t)i, v});
  }
  layout.tableOffset = (plan.arenaBytes + GRAPHC_ABI_ALIGNMENT - 1) / GRAPHC_ABI_ALIGNMENT * GRAPHC_ABI_ALIGNMENT;
  layout.arenaBytes = layout.tableOffset + g.values.size() * sizeof(void*);
  planned.requests = std::move(buffers.requests);
  planned.plan = std::move(plan);
  return planned;
}

JitTimes jitTimes(const Executable& exe) {
  if (const auto* e = dynamic_cast<const LlvmExecutable*>(&exe)) return e->times;
  return {};
}

}  // namespace graphc::llvmjit
