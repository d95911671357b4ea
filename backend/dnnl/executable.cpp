// The dnnl Executable: prepare() lowers the graph once; each ExecutionContext owns the arena,
// the scratchpad, a stream and the oneDNN memory objects over them, so runs allocate nothing.
#include "backend/dnnl/executable.h"

#include <omp.h>

#include <cstdlib>
#include <cstring>
#include <fmt/format.h>

#include "backend/dnnl/kernels.h"
#include "backend/dnnl/lowering.h"
#include "runtime/bind.h"
#include "runtime/state.h"
#include "ir/verifier.h"

namespace graphc::dnnl {
namespace {

// Sets the calling thread's OpenMP thread count (n > 0) and restores the caller's on the way
// out, so that neither prepare nor a run changes it behind the caller's back.
class ThreadsScope {
 public:
  explicit ThreadsScope(int n) : saved_(n > 0 ? omp_get_max_threads() : 0) {
    if (n > 0 && n != saved_) omp_set_num_threads(n);
  }
  ~ThreadsScope() {
    if (saved_ > 0 && omp_get_max_threads() != saved_) omp_set_num_threads(saved_);
  }

 private:
  int saved_;
};

class DnnlContext final : public ExecutionContext {
 public:
  ContextMemory memory;                             // arena, scratch, state; an address per buffer
  dn::stream stream;
  std::vector<dn::memory> mems;                     // per memref
  std::vector<std::vector<dnnl_exec_arg_t>> args;   // per step, prebuilt for the C API
  std::vector<int> bound;                           // memrefs over input/output buffers
  std::vector<double> stepSeconds;                  // GRAPHC_DNNL_PROFILE: time per step, summed
  size_t runs = 0;
  const std::vector<Step>* steps = nullptr;
  void *boundArena = nullptr, *boundState = nullptr, *boundScratch = nullptr;  // where mems point
  ~DnnlContext() {
    if (!runs || stepSeconds.empty()) return;
    for (size_t i = 0; i < stepSeconds.size(); ++i)
      fmt::print(stderr, "dnnl profile {:3}: {:9.4f} ms  {}\n", i, stepSeconds[i] * 1e3 / (double)runs, (*steps)[i].what);
  }
};

class DnnlExecutable final : public Executable {
 public:
  DnnlExecutable(Graph g, int threads) : graph_(std::move(g)), threads_(threads) {}
  int threads() const override { return threads_ > 0 ? threads_ : omp_get_max_threads(); }
  Graph graph_;
  Program program;
  int threads_;

  const Graph& graph() const override { return graph_; }
  const ArenaPlan* arenaPlan() const override { return &program.arena; }

  Result<std::unique_ptr<ExecutionContext>> createContext() const override {
    try {
      return makeContext();
    } catch (const std::bad_alloc&) {
      return Error(ErrorCode::OutOfMemory, "out of memory: cannot create an execution context");
    } catch (const dn::error& e) {
      return Error(fmt::format("dnnl: cannot create an execution context: {}", e.what()));
    }
  }

  Result<std::unique_ptr<ExecutionContext>> makeContext() const {
    auto ctx = std::make_unique<DnnlContext>();
    GRAPHC_ASSIGN(ctx->memory, allocateContext(program));
    ctx->boundArena = ctx->memory.arena.get(), ctx->boundState = ctx->memory.state.get();
    ctx->boundScratch = ctx->memory.scratch.get();
    ctx->stream = dn::stream(program.engine);
    for (size_t m = 0; m < program.memrefs.size(); ++m) {
      const MemRef& r = program.memrefs[m];
      Storage s = program.buffers[r.buffer].storage;
      ctx->mems.emplace_back(r.md, program.engine, ctx->memory.ptrs[r.buffer]);
      if (s == Storage::Input || s == Storage::Output) ctx->bound.push_back((int)m);
    }
    if (const char* p = std::getenv("GRAPHC_DNNL_PROFILE"); p && *p && *p != '0') ctx->stepSeconds.assign(program.steps.size(), 0);
    ctx->steps = &program.steps;
    for (const Step& step : program.steps) {
      std::vector<dnnl_exec_arg_t> a;
      for (auto [arg, m] : step.args) a.push_back({arg, ctx->mems[m].get()});
      ctx->args.push_back(std::move(a));
    }
    return std::unique_ptr<ExecutionContext>(std::move(ctx));
  }

  Result<Tensor> readState(const ExecutionContext& base, ValueId v) const override {
    const auto* ctx = dynamic_cast<const DnnlContext*>(&base);
    if (!ctx) return Error("readState: the context was not made by this executable");
    return graphc::readState(graph_, program, ctx->memory.ptrs, v);
  }

  Status writeStateValue(ExecutionContext& base, ValueId v, ConstTensorView data) const override {
    auto* ctx = dynamic_cast<DnnlContext*>(&base);
    if (!ctx) return Error("writeState: the context was not made by this executable");
    return graphc::writeState(graph_, program, ctx->memory.ptrs, v, data);
  }

  BlockSizes blockSizes() const override { return {program.arenaBytes, program.stateBytes, program.scratchBytes}; }
  void initialState(void* block) const override { initState(program, block); }

 protected:
  Status execute(ExecutionContext& base, const graphc_run_buffers& run) const override {
    auto* ctx = dynamic_cast<DnnlContext*>(&base);
    if (!ctx) return Error(ErrorCode::InvalidArgument, "run: the context was not made by this executable");
    bindBlocks(*ctx, run);
    bindBuffers(program, run, ctx->memory.ptrs, BindOnly::Io);
    for (int m : ctx->bound)
      dnnl_memory_set_data_handle_v2(ctx->mems[m].get(), ctx->memory.ptrs[program.memrefs[m].buffer], ctx->stream.get());
    // The OpenMP thread count is per calling thread: set for this run, the caller's restored.
    ThreadsScope threads(threads_);
    try {
      return runSteps(*ctx);
    } catch (const std::bad_alloc&) {  // the reference fallback's tensors
      return Error(ErrorCode::OutOfMemory, "out of memory while running the program");
    }
  }

 private:
  // Points the context's buffers and memory objects at the run's blocks (the caller's where
  // given, else the context's own) when they are not there already.
  void bindBlocks(DnnlContext& ctx, const graphc_run_buffers& run) const {
    graphc_run_buffers blocks = ctx.memory.blocks(program);
    if (run.arena && program.arenaBytes) blocks.arena = run.arena;
    if (run.state && program.stateBytes) blocks.state = run.state;
    if (run.scratch && program.scratchBytes) blocks.scratch = run.scratch;
    if (blocks.arena == ctx.boundArena && blocks.state == ctx.boundState && blocks.scratch == ctx.boundScratch) return;
    bindBuffers(program, blocks, ctx.memory.ptrs, BindOnly::Blocks);
    for (size_t m = 0; m < ctx.mems.size(); ++m)
      dnnl_memory_set_data_handle_v2(ctx.mems[m].get(), ctx.memory.ptrs[program.memrefs[m].buffer], ctx.stream.get());
    ctx.boundArena = blocks.arena, ctx.boundState = blocks.state, ctx.boundScratch = blocks.scratch;
  }

 public:
  Status runSteps(DnnlContext& ctx) const {
    bool profile = !ctx.stepSeconds.empty();
    void* const* ptrs = ctx.memory.ptrs.data();
    Communicator* comm = ctx.communicator();
    for (size_t i = 0; i < program.steps.size(); ++i) {
      if (comm) comm->progress();
      const Step& step = program.steps[i];
      double t0 = profile ? omp_get_wtime() : 0;
      if (step.kernel) {
        GRAPHC_TRY(step.kernel->runWith(ptrs, ctx.communicator()));
      } else {
        const auto& a = ctx.args[i];
        dnnl_status_t st = dnnl_primitive_execute(step.prim.get(), ctx.stream.get(), (int)a.size(), a.data());
        if (st != dnnl_success) return Error(fmt::format("dnnl: {} failed with status {}", step.what, (int)st));
      }
      if (profile) ctx.stream.wait(), ctx.stepSeconds[i] += omp_get_wtime() - t0;
    }
    ctx.stream.wait();
    ctx.runs += profile;
    return ok();
  }
};

// Clones the constants that steps read in place (or that seed a context's state), so that the
// program does not depend on the caller's tensors; those packed at prepare stay shared.
void ownReadConstants(Graph& g, Program& p) {
  for (ValueId v : g.constants) {
    Tensor& data = g.values[v].data;
    const void* old = data.raw();
    bool read = false;
    for (const Buffer& b : p.buffers)
      read |= b.data == old && ((b.storage == Storage::Const && b.start >= 0) || b.storage == Storage::State);
    if (!read) continue;
    data = data.clone();
    for (Buffer& b : p.buffers)
      if (b.data == old) b.data = data.raw();
  }
}

Status lowerNode(Lowering& L, const Node& n) {
  switch (n.op) {
    case OpKind::Neg: case OpKind::Abs: case OpKind::Sqrt: case OpKind::Exp: case OpKind::Log:
    case OpKind::Erf: case OpKind::Reciprocal: case OpKind::Relu: case OpKind::LeakyRelu:
    case OpKind::Elu: case OpKind::Sigmoid: case OpKind::Tanh: case OpKind::Gelu: case OpKind::Clip:
    case OpKind::Add: case OpKind::Sub: case OpKind::Mul: case OpKind::Div: case OpKind::Pow:
    case OpKind::Min: case OpKind::Max: case OpKind::Equal: case OpKind::Less: case OpKind::Greater:
    case OpKind::Where: case OpKind::Cast:
    case OpKind::HardSigmoid: case OpKind::HardSwish: case OpKind::Silu:
    case OpKind::Sin: case OpKind::Cos: case OpKind::Tan: case OpKind::Asin: case OpKind::Acos: case OpKind::Atan:
    case OpKind::Sinh: case OpKind::Cosh: case OpKind::Asinh: case OpKind::Acosh: case OpKind::Atanh:
    case OpKind::Floor: case OpKind::Ceil: case OpKind::Round: case OpKind::Sign:
      return lowerElementwise(L, n);
    case OpKind::Pad: case OpKind::PadGrad:
      return lowerPad(L, n);
    case OpKind::Softmax: {
      GRAPHC_ASSIGN(bool small, lowerSmallOp(L, n));
      return small ? ok() : lowerNorm(L, n);
    }
    case OpKind::LogSoftmax: case OpKind::LayerNorm: case OpKind::BatchNorm:
    case OpKind::ReduceSum: case OpKind::ReduceMean: case OpKind::ReduceMax: case OpKind::ReduceProd:
      return lowerNorm(L, n);
    case OpKind::TopK:  // oneDNN has no selection primitive
      return lowerFallback(L, n);
    case OpKind::Reshape: case OpKind::Transpose: case OpKind::Concat: case OpKind::Slice:
    case OpKind::Gather: case OpKind::Expand:
      return lowerMovement(L, n);
    case OpKind::MatMul: case OpKind::Dense: {
      GRAPHC_ASSIGN(bool small, lowerSmallOp(L, n));
      return small ? ok() : lowerLinalg(L, n);
    }
    case OpKind::Conv2d: case OpKind::MaxPool2d: case OpKind::AvgPool2d: case OpKind::GlobalAvgPool:
      return lowerConv(L, n);
    case OpKind::ReluGrad: case OpKind::DenseGrad: case OpKind::Conv2dGradInput: case OpKind::Conv2dGradWeight:
    case OpKind::MaxPool2dGrad: case OpKind::AvgPool2dGrad: case OpKind::LayerNormGrad: case OpKind::GatherGrad:
    case OpKind::SliceGrad: case OpKind::OneHot: case OpKind::SoftmaxCrossEntropy: case OpKind::SgdUpdate: case OpKind::MomentumUpdate:
    case OpKind::AdamUpdate: case OpKind::AllreduceStart: case OpKind::AllreduceWait:
      return lowerTraining(L, n);
  }
  return Error(fmt::format("dnnl: no lowering for '{}'", opName(n.op)));
}

}  // namespace

std::vector<std::string> stepNames(const Executable& exe) {
  std::vector<std::string> names;
  if (const auto* d = dynamic_cast<const DnnlExecutable*>(&exe))
    for (const Step& s : d->program.steps) names.push_back(s.what);
  return names;
}

namespace {

Result<std::unique_ptr<Executable>> prepareProgram(const Graph& g, const CompileOptions& options) {
  // The executable's graph shares the weights' storage with g (Tensor copies share) rather than
  // cloning them: most weights are packed at prepare and never read again, and cloning W1's
  // 2.6 MB cost a zero fill, a copy and the page faults of both. What runs read in place is
  // cloned below, once lowering knows which those are.
  auto exe = std::make_unique<DnnlExecutable>(Graph(g), options.threads);
  // Primitives pick their blocking for the thread count they will run with.
  ThreadsScope threadsScope(options.threads);
  auto engine = dnnlTry("dnnl", [] { return dn::engine(dn::engine::kind::cpu, 0); });
  if (!engine) return engine.takeError();
  exe->program.engine = *engine;
  Lowering L(exe->graph_, exe->program);
  for (const Node& n : exe->graph_.nodes) {
    if (n.dead || L.isTakenOver(n)) continue;
    bool empty = false;
    for (ValueId r : n.results) empty |= L.type(r).numel() == 0;
    if (empty) {
      for (ValueId r : n.results) L.defineResult(r);  // nothing to compute
      continue;
    }
    try {
      Status st = lowerNode(L, n);
      if (st) st = L.takeFailure();
      if (!st) return Error(st.error().code, fmt::format("dnnl: {}: {}", L.describe(n), st.error().message()), n.loc);
    } catch (const std::bad_alloc&) {
      return Error(ErrorCode::OutOfMemory, fmt::format("dnnl: {}: out of memory", L.describe(n)), n.loc);
    } catch (const dn::error& e) {
      return Error(fmt::format("dnnl: {}: oneDNN: {}", L.describe(n), e.what()), n.loc);
    } catch (const std::exception& e) {
      return Error(fmt::format("dnnl: {}: {}", L.describe(n), e.what()), n.loc);
    }
  }
  GRAPHC_TRY(L.finish());
  ownReadConstants(exe->graph_, exe->program);
  if (const char* v = std::getenv("GRAPHC_DNNL_VERBOSE"); v && *v && *v != '0') {
    const Program& p = exe->program;
    for (size_t i = 0; i < p.steps.size(); ++i)
      fmt::print(stderr, "dnnl step {:3}: {}{}\n", i, p.steps[i].kernel ? "[own] " : "", p.steps[i].what);
    fmt::print(stderr, "dnnl: {} steps, scratchpad {} bytes\n{}\n", p.steps.size(), p.scratchBytes, memoryReport(p.arena.plan));
  }
  return std::unique_ptr<Executable>(std::move(exe));
}

}  // namespace

Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions& options) {
  GRAPHC_TRY(verify(g));
  // bf16 products (--precision bf16) run on oneDNN's bf16 matmul and convolution where the CPU
  // has them natively; elsewhere the graph is refused whole, before anything is lowered.
  for (const Node& n : g.nodes) {
    if (n.dead || !n.info().has(kBf16Operands)) continue;
    for (ValueId v : n.operands) {
      if (g.type(v).dtype != DType::bf16) continue;
      // Every product has a bf16 kernel where oneDNN's are native (multipliesBf16Natively).
      if (!multipliesBf16Natively(n.op))
        return Error(ErrorCode::Unsupported, fmt::format("dnnl: %{} is bf16, and this CPU has neither AVX512-BF16 nor AMX for oneDNN's "
                                                         "bf16 kernels (llvm and ref run bf16 without them, emulated: docs/precision.md)",
                                                         g.value(v).name),
                     g.value(v).loc);
    }
  }
  try {
    return prepareProgram(g, options);
  } catch (const std::bad_alloc&) {
    return Error(ErrorCode::OutOfMemory, "dnnl: out of memory while preparing the program");
  }
}

}  // namespace graphc::dnnl
