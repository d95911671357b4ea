// The runtime's lifecycle: a backend prepares an Executable once (kernels chosen, weights laid
// out, arena sized); each thread then runs it through its own ExecutionContext.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "ir/graph.h"
#include "runtime/abi.h"
#include "runtime/collective.h"
#include "runtime/memory/memory_plan.h"
#include "runtime/tensor_view.h"

namespace graphc {

// Per-thread state: the arena and scratch buffers. Reused across runs; nothing is allocated
// per run after the first.
class ExecutionContext {
 public:
  virtual ~ExecutionContext() = default;

  // The ranks a training step's collectives (allreduce_start/wait) average over, set by the
  // driver; none (the default) runs them as a single rank.
  void setCommunicator(Communicator* comm) { communicator_ = comm; }
  Communicator* communicator() const { return communicator_; }

 private:
  Communicator* communicator_ = nullptr;
  friend class Executable;
  // The adapters' views and raw pointer tables of a run, kept so that later runs reuse the
  // capacity.
  std::vector<ConstTensorView> inputViews_;
  std::vector<TensorView> outputViews_;
  std::vector<const void*> inputPtrs_;
  std::vector<void*> outputPtrs_;
  std::vector<size_t> inputBytes_, outputBytes_;
};

class Executable {
 public:
  virtual ~Executable() = default;

  // Types of the bound inputs (g.inputs order) and outputs (g.outputs order).
  virtual const Graph& graph() const = 0;
  // A context's memory (arena, scratch, training state); out of memory is an Error.
  virtual Result<std::unique_ptr<ExecutionContext>> createContext() const = 0;
  // Runs once on raw buffers (runtime/abi.h), the entry every other run goes through: inputs
  // in graph().inputs order, outputs in graph().outputs order, as pointers and byte sizes
  // (each checked against its value's type). Inputs are read in place, never copied; dnnl and
  // llvm write the outputs in place too (ref, whose interpreter makes every value afresh,
  // copies its results into them). The arena, state and scratch blocks are the context's when
  // their pointers are null, else the caller's, at least blockSizes() large and
  // GRAPHC_ABI_ALIGNMENT-aligned; a caller's state block must hold the state of an earlier run
  // or initialState's bytes. Safe to call from many threads, one context each.
  Status run(ExecutionContext& ctx, const graphc_run_buffers& buffers) const;
  // The same on views of the caller's memory (dtype and dims checked as well).
  Status run(ExecutionContext& ctx, std::span<const ConstTensorView> inputs, std::span<const TensorView> outputs) const;
  // The same for owning tensors: an empty output is allocated first; then it runs on views.
  Status run(ExecutionContext& ctx, std::span<const Tensor> inputs, std::span<Tensor> outputs) const;

  // The bytes of the blocks a run needs besides its inputs and outputs. A backend that keeps
  // them elsewhere (ref) reports 0 and ignores the caller's blocks.
  struct BlockSizes {
    size_t arena = 0, state = 0, scratch = 0;
  };
  virtual BlockSizes blockSizes() const { return {}; }
  // Writes a fresh state block (blockSizes().state bytes): the graph's initial params and
  // optimizer state, as a new context starts from.
  virtual void initialState(void* block) const {}

  // Training state. A graph with updates (graph().updates: a training step) rewrites its params
  // and state after every run; each context keeps its own copy, starting from the graph's
  // initial data, so run stays const and contexts do not see each other's steps. readState
  // returns a copy of param or state v's current value in ctx (the trained weights, to save).
  // The default serves graphs without updates from the initial data; backends that run
  // training steps override it.
  virtual Result<Tensor> readState(const ExecutionContext& ctx, ValueId v) const;
  // Overwrites param v's current value in ctx (an update target of a training step: the C API
  // sets weights between steps); `data` must have v's type. The bf16 copies of v that the step
  // keeps (bf16CopiesOf in runtime/state.h) are rewritten from it too.
  Status writeState(ExecutionContext& ctx, ValueId v, ConstTensorView data) const;

  // The arena this executable runs in: its buffers and their offsets (validated at prepare).
  // nullptr for a backend that allocates per value (ref).
  struct ArenaPlan {
    std::vector<BufferRequest> requests;
    MemoryPlan plan;
    // A training step's params and optimizer state live outside the arena, one copy per context;
    // an update in place writes the new value straight over the old (no copy step).
    size_t stateBytes = 0;
    int updates = 0, updatesInPlace = 0;
  };
  virtual const ArenaPlan* arenaPlan() const { return nullptr; }
  // How many threads a run uses (the runtime's default resolved), as benchmarks report it.
  virtual int threads() const { return 1; }

  // Allocates output tensors of the right types.
  std::vector<Tensor> makeOutputs() const;
  // Checks that inputs match the graph's input types; names the first mismatch.
  Status checkInputs(std::span<const Tensor> inputs) const;
  // Checks a run's views: their count, types, and non-null data (unless empty).
  Status checkViews(std::span<const ConstTensorView> inputs, std::span<const TensorView> outputs) const;
  // Checks raw buffers: the ABI version, counts, byte sizes, null pointers and the blocks.
  Status checkBuffers(const graphc_run_buffers& buffers) const;

 protected:
  // The backend's run on checked buffers.
  virtual Status execute(ExecutionContext& ctx, const graphc_run_buffers& buffers) const = 0;
  // writeState of v alone. The default: no training state.
  virtual Status writeStateValue(ExecutionContext& ctx, ValueId v, ConstTensorView data) const;
};

// The products' precision (passes/precision_bf16.cpp): f32; bf16 operands with f32 accumulation
// for every product (emulated where the backend has no bf16 kernel); or bf16 only for the
// products the backend multiplies on a native unit here, f32 for the rest (--precision auto).
enum class Precision { f32, bf16, bf16Native };

struct CompileOptions {
  std::string backend = "dnnl";
  int threads = 0;  // 0: the runtime's default
  Precision precision = Precision::f32;
  // Code generation, for backends that generate code (ignored by ref and dnnl, which pick their
  // kernels by the CPU they run on):
  std::string targetCpu{};   // e.g. "znver3", "sapphirerapids"; empty: the host's CPU
  std::string targetTriple{};  // e.g. "x86_64-pc-linux-gnu"; empty: the host's triple
  int optLevel = 3;          // 0 to 3, as -O0 to -O3
  // The memory a run may need, in bytes, checked by the driver before anything is allocated
  // (driver/limits.h); 0: three quarters of the machine's memory.
  size_t maxMemory = 0;
};

// A backend turns a finished (optimized, verified) graph into an Executable.
struct BackendInfo {
  std::string_view name;
  std::string_view summary;
  Result<std::unique_ptr<Executable>> (*prepare)(const Graph& g, const CompileOptions& options);
  // Whether prepare accepts an op on operands of this dtype (its first operand's, as shape
  // inference sees it); an unsupported op makes prepare fail with an Error.
  bool (*isOpSupported)(OpKind op, DType dtype);
  // Whether the backend multiplies a product's bf16 operands (an op with kBf16Operands) on a
  // native unit of this CPU (AMX, AVX512-BF16) rather than widening them to f32.
  bool (*multipliesBf16Natively)(OpKind op);
  // Whether the backend can also write its program out (an object file and a C header) rather
  // than only run it in this process.
  bool emitsArtefacts = false;
  // Passes (passes/passes.def) the backend asks for: the driver runs them on the optimized
  // graph just before prepare. For what only this backend profits from: llvm's fusion groups.
  std::span<const std::string_view> passes = {};
};

std::span<const BackendInfo> allBackends();
const BackendInfo* findBackend(std::string_view name);

}  // namespace graphc
