// Internal to the dnnl backend: the Lowering builder that turns graph nodes into steps. It
// tracks each value's buffer and layout (plain or blocked), inserts reorders only where a
// consumer needs another layout, and records live ranges for the memory plan.
#pragma once

#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "backend/dnnl/program.h"
#include "ir/graph.h"
#include "runtime/executable.h"

namespace graphc::dnnl {

// The oneDNN view of a shape: a scalar becomes [1].
dn::memory::dims dimsOf(const Shape& s);
// Row-major descriptor; data_type::undef for dtypes oneDNN does not handle (f64, i64).
dn::memory::desc plainDesc(const Shape& s, DType t);

// layer_norm over axes [axis, rank) as oneDNN sees it: x as [rows, inner], normalizing the last
// axis. An empty normalized shape gives zero rows rather than a division by zero.
struct RowsView {
  int64_t rows, inner;
};
RowsView layerNormRows(const TensorType& t, int64_t axis);
dn::memory::data_type dnnlType(DType t);
// Row-major descriptor with explicit element strides.
dn::memory::desc stridedDesc(const dn::memory::dims& dims, dn::memory::data_type t, const dn::memory::dims& strides);

class Lowering {
 public:
  Lowering(const Graph& g, Program& p);

  const Graph& graph;
  dn::engine engine;

  const TensorType& type(ValueId v) const { return graph.type(v); }
  // Data known at prepare: a param or const that no update rewrites (so it may be packed or
  // folded into a primitive's attributes).
  bool isConstant(ValueId v) const { return graph.value(v).isConstant() && !updated_[v]; }
  const Tensor& constData(ValueId v) const { return graph.value(v).data; }
  // Whether anything reads v (a node; an output or update holds it); dense_grad skips an unread dx.
  bool isUsed(ValueId v) const { return held_[v] || !readers_[v].empty(); }
  // The live nodes that read v (each once), and whether a graph output or an update holds v.
  const std::vector<const Node*>& readers(ValueId v) const { return readers_[v]; }
  bool heldOutside(ValueId v) const { return held_[v]; }
  // The one node that reads v, when nothing else (no other node, no output or update) does.
  const Node* soleReader(ValueId v) const { return !held_[v] && readers_[v].size() == 1 ? readers_[v][0] : nullptr; }
  // Another node's step computes m's results too (a dense split by its column slices, a matmul
  // that takes over the scale or transpose after it), so m gets no step of its own.
  void takeOver(const Node& m) { takenOver_[&m - graph.nodes.data()] = true; }
  bool isTakenOver(const Node& n) const { return takenOver_[&n - graph.nodes.data()]; }

  // The value as it is stored now (maybe blocked).
  int bufferOf(ValueId v) const { return state_[v].buffer; }
  const dn::memory::desc& layoutOf(ValueId v) const { return state_[v].md; }
  bool isBlocked(ValueId v) const { return state_[v].blocked; }
  // A strided view of another value's buffer (a transpose only matmuls read): layoutOf() is the
  // strided descriptor, and plainBuffer() copies it to row-major for a reader that needs that.
  bool isView(ValueId v) const { return state_[v].view; }
  void viewResult(ValueId v, int buffer, const dn::memory::desc& md) { state_[v] = {buffer, md, true, -1, true}; }
  // The value in plain row-major layout; a reorder is inserted (once per value) if it is blocked.
  int plainBuffer(ValueId v);
  // A memref of v in layout `want`, reordering from the stored layout when they differ.
  int inLayout(ValueId v, const dn::memory::desc& want);

  // Gives v a buffer for layout md (plain when md is undef). A plain graph output is written
  // straight into the caller's output tensor.
  int defineResult(ValueId v, const dn::memory::desc& md = {});
  // v shares buffer (reshape views); md is v's plain descriptor.
  void aliasResult(ValueId v, int buffer);
  // Reorders a constant once, now, into layout `want`; returns a Const buffer.
  Result<int> prepackConstant(ValueId v, const dn::memory::desc& want);
  // The same for data made at prepare (a block of a constant's columns); `name` is for errors.
  Result<int> prepackTensor(Tensor data, const dn::memory::desc& want, const std::string& name);
  // A Const buffer holding data owned by the program.
  int addConstTensor(Tensor t);

  int memref(int buffer, const dn::memory::desc& md);
  dn::primitive_attr attr() const;  // scratchpad mode user

  // Zero-filled bytes each context keeps from run to run (a kernel's own state), in the state
  // block.
  int contextState(size_t bytes, std::string name) { return program_.addState(bytes, std::move(name), nullptr); }
  // A scratch buffer in the arena for a step's temporary (not a graph value).
  int tempBuffer(size_t bytes, std::string name) { return newBuffer(Storage::Arena, bytes, std::move(name)); }

  // Appends a primitive; DNNL_ARG_DST* args count as writes, the rest as reads.
  void addPrimitive(const dn::primitive_desc_base& pd, std::vector<std::pair<int, int>> args, std::string what);
  void addKernel(std::unique_ptr<Kernel> k, const std::vector<int>& reads, const std::vector<int>& writes, std::string what);
  // The kernel of the last step (nullptr for a primitive), and the buffers that step reads and
  // writes when a kernel takes on more work (the optimizer joins updates into one step).
  Kernel* lastKernel() const { return program_.steps.empty() ? nullptr : program_.steps.back().kernel.get(); }
  void touchLastStep(const std::vector<int>& reads, const std::vector<int>& writes);
  // Reorder src memref into dst memref (a step).
  Status addReorder(int src, int dst, std::string what);
  // Result 0 of n (buffer out) may take the place of n's operand `operand` (buffer in) at the
  // step just added, if the op table allows it (mayOverwrite) and in dies there (decided after
  // lowering, by planArena).
  void allowInPlace(const Node& n, size_t operand, int in, int out) {
    if (mayOverwrite(n.info(), 0, operand)) allowReuse(in, out);
  }
  // The step just added copies in to out as it is (copyKernel): out may take in's buffer, making
  // the copy nothing, if in dies there (decided by planArena).
  void allowReuse(int in, int out) { inPlace_.push_back({(int)program_.steps.size() - 1, in, out}); }
  // Records a failure of a builder that returns a buffer id (which stays usable); prepare checks
  // takeFailure() after every node and fails with the first.
  void fail(Error e) {
    if (!failure_) failure_ = std::move(e);
  }
  Status takeFailure() {
    if (!failure_) return ok();
    Error e = std::move(*failure_);
    failure_.reset();
    return e;
  }

  // Live ranges, output copies, memory plan and scratchpad: call once after the last node.
  Status finish();

  std::string describe(const Node& n) const;

 private:
  struct ValueState {
    int buffer = -1;
    dn::memory::desc md;
    bool blocked = false;
    int plain = -1;  // plain copy of a blocked value
    bool view = false;  // md is a strided view of another value's buffer (see viewResult)
  };
  int newBuffer(Storage s, size_t bytes, std::string name, int binding = -1, const void* data = nullptr);
  void touch(int buffer, bool write);  // extends the buffer's live range to the last step

  Program& program_;
  std::vector<ValueState> state_;
  std::vector<int> outIndex_;      // first output index of each value, -1 if none
  std::vector<bool> outClaimed_;   // output buffer already written by its value
  std::vector<InPlaceRequest> inPlace_;
  std::optional<Error> failure_;
  // Indexes that keep lookups constant-time, so that wide graphs lower in linear time:
  std::unordered_multimap<ValueId, int> reordered_;  // value -> memrefs of reorders made by inLayout
  std::unordered_multimap<size_t, int> memrefsOf_;   // hash of (buffer, desc) -> memrefs
  int scratch_ = -1;
  std::vector<bool> updated_;  // update targets
  std::vector<ValueId> inPlaceTarget_;  // per value: the state it is written over, or kNoTarget
  std::vector<std::vector<const Node*>> readers_;  // per value
  std::vector<bool> held_;        // per value: an output or an update's value or target
  std::vector<bool> takenOver_;   // per node
};

// Per op family; each appends the steps of one node. Errors name the node.
Status lowerElementwise(Lowering& L, const Node& n);
Status lowerMovement(Lowering& L, const Node& n);
Status lowerNorm(Lowering& L, const Node& n);
Status lowerLinalg(Lowering& L, const Node& n);
Status lowerConv(Lowering& L, const Node& n);
// The fused activation of dense/conv2d as an eltwise post-op (nothing for "none").
void appendActivation(dn::post_ops& ops, const OpCtx& c);
// Below this many multiply-adds a GEMM runs in our loops: oneDNN's per-primitive overhead
// (1-3 us per execute) is then most of the time (the seed model's train step: 10x20 and 20x5).
constexpr int64_t kSmallGemm = 1 << 15;
// A tiny f32 dense (relu or no activation) or last-axis softmax on our own loop instead of a
// primitive, whose overhead would dominate; false when it does not apply (lower_small.cpp).
Result<bool> lowerSmallOp(Lowering& L, const Node& n);
// Whether a dense runs on the matrix-vector kernel (kernels_gemv.cpp): one row, constant
// weights and bias, relu or no activation, an AVX-512 CPU.
bool runsOnGemv(const Lowering& L, const Node& n);
// pad and pad_grad on our kernels (lower_pad.cpp).
Status lowerPad(Lowering& L, const Node& n);
// Training ops: gradients (oneDNN backward primitives where it has them) and optimizer updates.
Status lowerTraining(Lowering& L, const Node& n);

// oneDNN derives a window op's output size from the padding, so with ceil_mode (or a floor that
// drops input) the end padding becomes what gives the IR's output size.
int64_t padEnd(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe, int64_t out);
// The strided view a slice reads from x: element strides (step times x's strides), the offset of
// its first element, and whether every step is positive.
struct SliceView {
  std::vector<int64_t> strides;
  int64_t offset = 0;
  bool positive = true;
};
SliceView sliceView(const Shape& x, const OpCtx& c);

// Runs the node on ir/eval's kernels (non-f32 dtypes only).
Status lowerFallback(Lowering& L, const Node& n);

// Wraps a oneDNN call: a dnnl::error (unimplemented, invalid arguments) becomes an Error.
template <class F>
auto dnnlTry(const std::string& what, F&& f) -> Result<decltype(f())> {
  try {
    return f();
  } catch (const dn::error& e) {
    return Error(fmt::format("{}: oneDNN: {}", what, e.what()));
  }
}

}  // namespace graphc::dnnl
