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
#include "backend/llvm/collective_calls.h"
#include "backend/llvm/jit.h"
#include "backend/llvm/object_cache.h"
#include "ir/verifier.h"
#include "passes/graph_utils.h"  // markDeadNodes
#include "passes/pass.h"
#include "runtime/bind.h"
#include "runtime/memory/memory_plan.h"  // the memory planner (graphBuffers, planMemory)
#include "runtime/state.h"

namespace graphc::llvmjit {
namespace {

using RunFn = int32_t (*)(const graphc_run_buffers*);

class LlvmContext final : public ExecutionContext {
 public:
  AlignedBlock arena;  // the planned values, then the code's pointer table
  AlignedBlock state;  // a training step's params and optimizer state, run after run
  void* lastState = nullptr;  // the state block of the last run: this one, or the caller's
  CollectiveContext collective;  // what the collectives' runtime calls see during a run
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
  BlockSizes blockSizes() const override { return {arenaBytes, layout.stateBytes, 0}; }

  void initialState(void* block) const override {
    for (const Update& u : graph_.updates) {
      const Value& target = graph_.value(u.target);
      char* at = static_cast<char*>(block) + layout.slots[u.target].at;
      if (target.data.empty()) std::memset(at, 0, target.type.bytes());
      else std::memcpy(at, target.data.raw(), target.type.bytes());
    }
  }

  Result<std::unique_ptr<ExecutionContext>> createContext() const override {
    auto ctx = std::make_unique<LlvmContext>();
    GRAPHC_ASSIGN(ctx->arena, allocateBlock(arenaBytes, "arena"));
    if (layout.stateBytes) {
      GRAPHC_ASSIGN(ctx->state, allocateBlock(layout.stateBytes, "training state"));
      initialState(ctx->state.get());
      ctx->lastState = ctx->state.get();
    }
    return std::unique_ptr<ExecutionContext>(std::move(ctx));
  }

  // Update target v's bytes in ctx's current state block, or nullptr when v is no target.
  void* stateOf(const ExecutionContext& base, ValueId v) const {
    const auto* ctx = dynamic_cast<const LlvmContext*>(&base);
    if (!ctx || v >= layout.slots.size() || layout.slots[v].place != EntryLayout::Place::State) return nullptr;
    for (const Update& u : graph_.updates)
      if (u.target == v) return static_cast<char*>(ctx->lastState) + layout.slots[v].at;
    return nullptr;  // an in-place update's value shares the slot, but it is not the target
  }

  Result<Tensor> readState(const ExecutionContext& ctx, ValueId v) const override {
    void* at = stateOf(ctx, v);
    if (!at) {
      if (v < graph_.values.size() && (graph_.value(v).kind == ValueKind::Param || graph_.value(v).kind == ValueKind::State))
        return graph_.value(v).data.clone();  // never updated: still the initial data
      return Error("readState: not a param or state of the graph");
    }
    Tensor t(graph_.type(v));
    if (t.bytes()) std::memcpy(t.raw(), at, t.bytes());
    return t;
  }

  Status writeStateValue(ExecutionContext& ctx, ValueId v, ConstTensorView data) const override {
    void* at = stateOf(ctx, v);
    if (!at) return Error("writeState: not a param the training step updates");
    if (!data.hasType(graph_.type(v)))
      return Error(ErrorCode::Shape, "writeState: '" + graph_.value(v).name + "' is " + graph_.type(v).str() + ", not " + data.type().str());
    if (graph_.type(v).bytes()) std::memcpy(at, data.data, graph_.type(v).bytes());
    return ok();
  }

 protected:
  Status execute(ExecutionContext& base, const graphc_run_buffers& run) const override {
    auto* ctx = dynamic_cast<LlvmContext*>(&base);
    if (!ctx) return Error(ErrorCode::InvalidArgument, "run: the context was not made by this executable");
    graphc_run_buffers buffers = run;
    if (!buffers.arena) buffers.arena = ctx->arena.get(), buffers.arena_bytes = arenaBytes;
    if (layout.stateBytes) {
      if (!buffers.state) buffers.state = ctx->state.get(), buffers.state_bytes = layout.stateBytes;
      ctx->lastState = buffers.state;
    }
    if (layout.contextOffset) {
      ctx->collective = {ctx->communicator(), ok()};
      CollectiveContext* context = &ctx->collective;
      std::memcpy(static_cast<char*>(buffers.arena) + layout.contextOffset, &context, sizeof(context));
    }
    if (int32_t code = runFn(&buffers); code != 0) {
      if (!ctx->collective.status) return ctx->collective.status;  // the communicator's own message
      return Error(code > 0 && (size_t)code <= errors.size() ? errors[code - 1] : fmt::format("llvm: error code {}", code));
    }
    return ok();
  }
};

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

// dense_grad runs as the ops expand_dense_grad makes of it. The driver runs that pass for llvm
// already (BackendInfo::passes), where fusion then sees the new ops; a graph that comes
// straight to prepare (a test, the C API's training step) is expanded here. Then the nodes
// nothing needs (the input gradient of the first layer) are marked dead, not removed: the
// caller's value ids stay valid for readState and writeState.
Status expandForLoops(Graph& g) {
  for (const Node& n : g.nodes)
    if (!n.dead && n.op == OpKind::DenseGrad) {
      PassContext ctx;
      GRAPHC_TRY(runExpandDenseGrad(g, ctx));
      break;
    }
  markDeadNodes(g);
  return ok();
}

namespace {

// The planned arena and entry layout kept by the executable.
Status planInto(LlvmExecutable& exe) {
  GRAPHC_ASSIGN(PlannedArena planned, planArena(exe.graph_));
  exe.layout = std::move(planned.layout);
  exe.arenaBytes = exe.layout.arenaBytes;
  exe.arena = {std::move(planned.requests), std::move(planned.plan), exe.layout.stateBytes, (int)exe.graph_.updates.size(),
               exe.layout.updatesInPlace};
  return ok();
}

}  // namespace

Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions& options) {
  GRAPHC_TRY(verify(g));
  // The code reads the constants in place, so the executable owns copies of them (Tensor
  // copies share storage): a caller that later changes its graph's weights changes nothing
  // here. For W1 that is a 2.6 MB copy, well under a millisecond.
  auto exe = std::make_unique<LlvmExecutable>(g.clone(), options.threads);
  GRAPHC_TRY(expandForLoops(exe->graph_));
  GRAPHC_TRY(planInto(*exe));
  auto t0 = std::chrono::steady_clock::now();
  GRAPHC_ASSIGN(GeneratedCode generated, generate(exe->graph_, options.threads, exe->layout));
  exe->times.generate = secondsSince(t0);
  exe->errors = std::move(generated.errors);
  // The code of a module seen before comes from the cache: no O3 pipeline, no code generation.
  t0 = std::chrono::steady_clock::now();
  ObjectCache cache = ObjectCache::fromEnvironment();
  std::string key = cache.enabled() ? ObjectCache::key(*generated.module, hostTarget()) : std::string();
  std::optional<std::string> object = cache.find(key);
  exe->times.cached = object.has_value();
  if (!object) {
    GRAPHC_TRY(optimizeModule(*generated.module));
    GRAPHC_ASSIGN(object, emitObject(*generated.module, hostTarget()));
    cache.store(key, *object);
  }
  exe->times.optimize = secondsSince(t0);
  t0 = std::chrono::steady_clock::now();
  std::vector<JitSymbol> symbols{{kConstantTable, exe->layout.constants.data()}};
  symbols.insert(symbols.end(), collectiveSymbols().begin(), collectiveSymbols().end());
  GRAPHC_ASSIGN(exe->code, JitCode::load(*object, symbols));
  GRAPHC_ASSIGN(void* run, exe->code->lookup("graphc_run"));
  exe->times.load = secondsSince(t0);
  exe->runFn = reinterpret_cast<RunFn>(run);
  return std::unique_ptr<Executable>(std::move(exe));
}

Result<std::string> optimizedIR(const Graph& g, int threads) {
  GRAPHC_TRY(verify(g));
  LlvmExecutable planned(g.clone(), threads);
  GRAPHC_TRY(expandForLoops(planned.graph_));
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
// A training step's update targets in the state block, one 64-byte aligned slot each; an update
// written in place shares its target's slot and leaves the arena (its request is dropped).
static void planState(const Graph& g, EntryLayout& layout, GraphBuffers& buffers) {
  std::vector<ValueId> inPlace = inPlaceUpdates(g);
  std::vector<char> dropped(g.values.size(), 0);
  for (const Update& u : g.updates) {
    layout.slots[u.target] = {EntryLayout::Place::State, (int64_t)layout.stateBytes};
    layout.stateBytes += (g.type(u.target).bytes() + GRAPHC_ABI_ALIGNMENT - 1) / GRAPHC_ABI_ALIGNMENT * GRAPHC_ABI_ALIGNMENT;
    // A fused loop may read the target again after it stored the value: no aliasing inside a group.
    const Node* producer = g.producer(u.value);
    if (inPlace[u.value] == u.target && producer && !fusionGroupOf(*producer)) {
      dropped[u.value] = 1;
      ++layout.updatesInPlace;
    } else {
      layout.stateCopies.push_back({u.target, u.value});
    }
  }
  GraphBuffers kept;
  std::vector<int32_t> renumbered(buffers.requests.size(), -1);
  for (size_t r = 0; r < buffers.requests.size(); ++r) {
    if (dropped[buffers.valueOf[r]]) continue;
    renumbered[r] = (int32_t)kept.requests.size();
    kept.requests.push_back(std::move(buffers.requests[r]));
    kept.valueOf.push_back(buffers.valueOf[r]);
  }
  for (BufferRequest& r : kept.requests)
    if (r.reuse >= 0) r.reuse = renumbered[r.reuse];
  buffers = std::move(kept);
  for (const Update& u : g.updates)
    if (dropped[u.value]) layout.slots[u.value] = layout.slots[u.target];
}

Result<PlannedArena> planArena(const Graph& g) {
  GraphBuffers buffers = graphBuffers(g, /*fusedGroups=*/true);
  PlannedArena planned;
  EntryLayout& layout = planned.layout;
  layout.slots.assign(g.values.size(), {});
  planState(g, layout, buffers);
  for (BufferRequest& r : buffers.requests) r.bytes = std::max<size_t>(r.bytes, 1);
  MemoryPlan plan = planMemory(buffers.requests, GRAPHC_ABI_ALIGNMENT);
  if (plan.offsets.size() != buffers.requests.size()) return Error("llvm: the memory planner returned no plan");
  if (Status valid = validatePlan(buffers.requests, plan); !valid)
    return Error("llvm: internal error: invalid memory plan: " + valid.error().message());
  for (size_t i = 0; i < g.inputs.size(); ++i) layout.slots[g.inputs[i]] = {EntryLayout::Place::Input, (int64_t)i};
  for (ValueId v : g.constants)
    if (layout.slots[v].place == EntryLayout::Place::None)  // not an update target
    {
      layout.slots[v] = {EntryLayout::Place::Const, (int64_t)layout.constants.size()};
      layout.constants.push_back(g.value(v).data.raw());
    }
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
  CallPlan calls = planCalls(g);
  layout.arenaBytes = layout.tableOffset + calls.argumentSlots() * sizeof(void*);
  if (std::any_of(calls.calls.begin(), calls.calls.end(), [](const NodeCall& c) { return c.passesContext; })) {
    layout.contextOffset = layout.arenaBytes;
    layout.arenaBytes += sizeof(void*);
  }
  planned.requests = std::move(buffers.requests);
  planned.plan = std::move(plan);
  return planned;
}

JitTimes jitTimes(const Executable& exe) {
  if (const auto* e = dynamic_cast<const LlvmExecutable*>(&exe)) return e->times;
  return {};
}

}  // namespace graphc::llvmjit
