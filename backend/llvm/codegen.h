// Internal to backend/llvm: the code generator's core. Each graph node, or each fusion group
// of nodes (ir/fusion_group.h), becomes one function `i32 node(ptr* buffers)` of loop nests
// over its output (0 on success, else an error code), where buffers[v] points at value v's data. The entry point
// `i32 graphc_run(const graphc_run_buffers*)` (runtime/abi.h) fills that table from the run's
// buffers and calls the nodes in order.
#pragma once

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include <functional>
#include <span>

#include "backend/llvm/call_plan.h"
#include "backend/llvm/jit.h"
#include "ir/fusion_group.h"
#include "ir/graph.h"
#include "runtime/memory/memory_plan.h"

namespace graphc::llvmjit {

// A loop nest over `shape` (outermost axis first) and, per operand, its element stride on
// each axis (0 where it is broadcast) and the offset of its first element.
struct LoopNest {
  Shape shape;
  std::vector<Shape> strides;
  std::vector<int64_t> offsets;

  explicit LoopNest(Shape s) : shape(std::move(s)) {}
  // Adds an operand walked with these strides from `offset`; returns its index.
  size_t add(Shape operandStrides, int64_t offset = 0);
  // Merges neighbouring axes that every operand walks as one (and drops axes of extent 1), so
  // that the innermost loop is as long as it can be.
  void coalesce();
};

// The strides with which a value of shape `in` is read over `out` under NumPy broadcasting.
Shape broadcastStrides(const Shape& in, const Shape& out);

class Emitter {
 public:
  Emitter(llvm::Module& m, const Graph& g);

  llvm::LLVMContext& context;
  llvm::Module& module;
  const Graph& graph;
  llvm::IRBuilder<> b;
  // errors[i] is the message of error code i + 1.
  std::vector<std::string> errors;
  // Loops made while set are never unrolled: code whose body is already a register tile
  // gains little from it, and unrolling is what JIT time goes on.
  bool keepRolled = false;
  // Set by the inline math (codegen_math.cpp) while a loop body is emitted: the body is a long
  // chain of dependent FMAs, so the loop interleaves two or four vectors to give the core
  // independent work (interleaveCount in codegen.cpp). Enclosing parallel loops get the hint
  // too; only the innermost one is vectorized, so it is what counts.
  bool longLatencyBody = false;
  // The compile option: threads for parallel regions, 1 for none, 0 for the runtime's default.
  int threads = 1;
  const CodeTarget* target = &hostTarget();  // the CPU the code is for
  struct KeepRolled {  // keepRolled for the lifetime of this scope
    Emitter& e;
    bool saved;
    explicit KeepRolled(Emitter& em) : e(em), saved(em.keepRolled) { e.keepRolled = true; }
    ~KeepRolled() { e.keepRolled = saved; }
  };

  // Starts the function of a call (backend/llvm/call_plan.h) that sees these values' buffers,
  // argument k's pointer loaded at entry from the k-th slot of its argument array, and ends it
  // (returns 0).
  llvm::Function* begin(std::span<const ValueId> values, const std::string& name);
  void end();
  // The pointer after the values in the argument array (NodeCall::passesContext).
  llvm::Value* contextArgument();

  // The type in memory: bool and u8 are i8, bf16 and f16 are i16 (their bits; they compute
  // as f32), u16 is i16.
  llvm::Type* type(DType t);
  llvm::Value* index(int64_t i) { return b.getInt64((uint64_t)i); }
  llvm::Value* constant(DType t, double v);  // a bf16 or f16 one is an f32 constant, as it computes
  llvm::Value* ptr(ValueId v) { return ptrs_.at(v); }
  // Element `at` of v; a bf16 or f16 one is loaded widened to f32, and stored rounded from f32.
  // The small integers stay their own width (casts extend them).
  llvm::Value* load(ValueId v, llvm::Value* at);
  void store(ValueId v, llvm::Value* at, llvm::Value* x);
  // bf16 bits (i16, or a vector of them) as the f32 values they are; f32 values rounded to
  // the nearest bf16 (ties to even, NaN kept a quiet NaN), as ir/convert.h does.
  llvm::Value* widenBf16(llvm::Value* bits);
  llvm::Value* roundToBf16(llvm::Value* x);
  // The same for f16, on integers (no libcall, no F16C needed): ir/convert.h's f16FromFloat,
  // floatFromF16 and, for an f64 x, roundedToOddFloat.
  llvm::Value* widenF16(llvm::Value* bits);
  llvm::Value* roundToF16(llvm::Value* x);
  llvm::Value* roundToOddF32(llvm::Value* x);

  // for (i = 0; i < n; ++i) body(i); `parallel` declares the iterations independent (their
  // memory accesses form a parallel access group), so no runtime alias checks are needed.
  void loop(int64_t n, const std::function<void(llvm::Value*)>& body, bool parallel = false);
  // The same carrying an accumulator: acc = body(i, acc); returns the final value.
  llvm::Value* reduce(int64_t n, llvm::Value* init, const std::function<llvm::Value*(llvm::Value*, llvm::Value*)>& body);
  // With several accumulators (a register tile): accs = body(i, accs).
  using Values = std::vector<llvm::Value*>;
  Values reduceMany(int64_t n, Values init, const std::function<Values(llvm::Value*, const Values&)>& body);
  // for (i = lo; i < hi; ++i) body(i), with bounds known only at run time.
  // tripMultiple: what hi - lo is known to be a multiple of, when it is no constant (0: nothing).
  void loopRange(llvm::Value* lo, llvm::Value* hi, const std::function<void(llvm::Value*)>& body, bool parallel = false,
                 int64_t tripMultiple = 0);
  // if (cond) then() else otherwise().
  void ifThenElse(llvm::Value* cond, const std::function<void()>& then, const std::function<void()>& otherwise);
  // Runs body(thread, threads) on an OpenMP team (libgomp's GOMP_parallel, the runtime oneDNN
  // uses) of `threads` threads (0: the runtime's default). The body is emitted into a function
  // of its own that sees the current function's buffer pointers; values of the current
  // function other than constants must not cross into it.
  void parallel(const std::function<void(llvm::Value*, llvm::Value*)>& body);
  // The nest's loops; body gets every operand's element offset. The innermost loop is
  // parallel when `parallel` is set.
  void nest(const LoopNest& nest, const std::function<void(std::span<llvm::Value* const>)>& body, bool parallel = false);
  // The node's function returns an error with this message when cond (i1) holds.
  void failIf(llvm::Value* cond, std::string message);

  // A pure libm function of one or two arguments of x's type (f32 name, f64 name); on vectors,
  // one call per lane.
  llvm::Value* callMath(const char* f32Name, const char* f64Name, std::initializer_list<llvm::Value*> args);
  llvm::Value* intrinsic(llvm::Intrinsic::ID id, std::initializer_list<llvm::Value*> args);

 private:
  void loadPointers();
  llvm::Function* fn_ = nullptr;
  llvm::Value* buffers_ = nullptr;  // the function's argument array: a pointer per value of args_
  std::vector<ValueId> args_;
  std::vector<llvm::Value*> ptrs_;
};

// The op families. Each checks what it supports first and returns an Error before emitting
// anything; otherwise it emits node n's loops between Emitter::begin and Emitter::end.
Status emitElementwise(Emitter& e, const Node& n);
Status emitTopK(Emitter& e, const Node& n);
Status emitReduce(Emitter& e, const Node& n);  // reduce_sum, reduce_mean, reduce_max, reduce_prod, softmax, log_softmax
Status emitNorm(Emitter& e, const Node& n);    // layer_norm, batch_norm
Status emitMovement(Emitter& e, const Node& n);
Status emitLinalg(Emitter& e, const Node& n);     // matmul, dense
Status emitConv(Emitter& e, const Node& n);       // conv2d, conv2d_grad_input, conv2d_grad_weight
Status emitPool(Emitter& e, const Node& n);       // max_pool2d, avg_pool2d, global_avg_pool and their gradients
// relu_grad, layer_norm_grad, softmax_cross_entropy, one_hot and the optimizer updates.
Status emitTrain(Emitter& e, const Node& n);
// allreduce_start and allreduce_wait: calls into the runtime (collective_calls.cpp).
Status emitCollective(Emitter& e, const Node& n);
// A fusion group (ir/fusion_group.h): one loop nest computing every member per element in
// registers, storing only the values that leave the group (codegen_fused.cpp).
Status emitFusedGroup(Emitter& e, const FusionGroup& group);

// The pieces of an elementwise op that a fused loop shares (codegen_elementwise.cpp): whether
// there is a kernel for n's dtypes; the check, before any loop, that an integer divisor in
// memory holds no zero; and n's scalar result from its operands' scalars.
Status checkElementwise(const Graph& g, const Node& n);
void emitDivisorCheck(Emitter& e, ValueId divisor);
llvm::Value* emitElementwiseScalar(Emitter& e, const Node& n, std::span<llvm::Value* const> x);

// A layer norm's (or its gradient's) rows: the trailing axes from `axis` on are one row.
struct NormRows {
  int64_t len = 1, rows = 0;
  NormRows(const TensorType& type, int64_t axisAttr) {
    for (int64_t d = *normalizeAxis(axisAttr, type.rank()); d < type.rank(); ++d) len *= type.shape[d];
    rows = len ? type.numel() / len : 0;
  }
};

// The scalar activation of a unary op or of a dense epilogue, on x of dtype t.
llvm::Value* emitActivation(Emitter& e, Activation a, double alpha, double beta, DType t, llvm::Value* x);
// exp, erf, tanh and the exact (erf) gelu of x (a scalar or a vector): inline polynomials for
// f32 (codegen_math.cpp), libm for f64.
llvm::Value* emitExp(Emitter& e, llvm::Value* x);
llvm::Value* emitErf(Emitter& e, llvm::Value* x);
llvm::Value* emitTanh(Emitter& e, llvm::Value* x);
llvm::Value* emitGelu(Emitter& e, llvm::Value* x);

// The symbol of the constants' address table that JIT code reads (EntryLayout::constants).
inline constexpr const char* kConstantTable = "graphc_constants";

// What the rest of the backend sees: the module with graphc_run, and the error messages.
struct GeneratedCode {
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
  std::vector<std::string> errors;
};
// Floating-point operations built in this scope may be reassociated (so that sums vectorize);
// nothing else is relaxed: no nnan or ninf, NaN and infinities keep their meaning.
struct Reassociate {
  llvm::IRBuilderBase::FastMathFlagGuard guard;
  explicit Reassociate(llvm::IRBuilderBase& b) : guard(b) {
    llvm::FastMathFlags flags;
    flags.setAllowReassoc();
    b.setFastMathFlags(flags);
  }
};

// Where each value's bytes are during a run, which the entry point turns into the calls'
// argument arrays.
struct EntryLayout {
  enum class Place : uint8_t { None, Input, Output, Arena, Const, State };
  struct Slot {
    Place place = Place::None;
    int64_t at = 0;  // Input/Output: the binding; Arena, State: the byte offset; Const: its index
  };
  // The constants' addresses, by a Const slot's index. JIT code reads them from the table
  // kConstantTable (defined when the code is loaded), so that no address is baked into the
  // code and its object file can be cached across processes.
  std::vector<const void*> constants;
  // An ahead-of-time bundle's entry: each constant becomes a read-only global of the module
  // (Const slots' addresses are then unused), and the entry checks the caller's buffers itself,
  // since no Executable::checkBuffers stands in front of it.
  bool selfContained = false;
  size_t arenaBytes = 0;  // the plan, then the argument arrays
  std::vector<Slot> slots;  // per ValueId
  // Outputs held by a value the run does not write in place (an input, a constant, or a value
  // an earlier output already holds): (output, value), copied after the nodes.
  std::vector<std::pair<uint32_t, ValueId>> copiedOutputs;
  // Where in the arena the run's CollectiveContext pointer is (0: the graph has no collectives).
  size_t contextOffset = 0;
  // Where the calls' argument arrays (CallPlan::argumentSlots pointers) live in the arena.
  size_t tableOffset = 0;
  // A training step's state block: each update target (a param or optimizer state) at its
  // offset. An update whose value is written straight over its target (runtime/state.h's
  // inPlaceUpdates) gives the value the target's slot; the others are copied in at the end,
  // after the outputs: (target, value).
  size_t stateBytes = 0;
  std::vector<std::pair<ValueId, ValueId>> stateCopies;
  int updatesInPlace = 0;
};

// The arena of g's intermediate values (planned once, 64-byte aligned offsets) followed by the
// calls' argument arrays, and where the entry finds every value (executable.cpp).
struct PlannedArena {
  EntryLayout layout;
  std::vector<BufferRequest> requests;
  MemoryPlan plan;
};
Result<PlannedArena> planArena(const Graph& g);

// Expands g's dense_grads (expand_dense_grad) and marks the nodes nothing needs dead, keeping
// every value id: what prepare and a bundle do to a graph before planning it (executable.cpp).
Status expandForLoops(Graph& g);

// Fails with one diagnostic per node it cannot lower, after a summary naming their ops.
// threads and target as in Emitter.
Result<GeneratedCode> generate(const Graph& g, int threads, const EntryLayout& layout, const CodeTarget& target = hostTarget());
// Adds graphc_run over the node functions (codegen_entry.cpp).
// `functions` has the function of each call of the plan.
void emitEntry(Emitter& e, const EntryLayout& layout, const CallPlan& plan, std::span<llvm::Function* const> functions);

}  // namespace graphc::llvmjit
