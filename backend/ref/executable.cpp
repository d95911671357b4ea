// The ref backend's Executable: the interpreter behind the common runtime interface.
#include "backend/ref/executable.h"

#include <cstring>

#include "ir/eval/interpreter.h"

namespace graphc::ref {
namespace {

// The params and state the graph updates, by ValueId: this context's copy of the weights.
struct RefContext final : ExecutionContext {
  std::vector<Tensor> state;
};

class RefExecutable final : public Executable {
 public:
  explicit RefExecutable(Graph g) : graph_(std::move(g)) {}
  const Graph& graph() const override { return graph_; }
  Result<std::unique_ptr<ExecutionContext>> createContext() const override {
    auto ctx = std::make_unique<RefContext>();
    ctx->state.resize(graph_.values.size());
    for (const Update& u : graph_.updates) ctx->state[u.target] = graph_.value(u.target).data.clone();
    return std::unique_ptr<ExecutionContext>(std::move(ctx));
  }
  Result<Tensor> readState(const ExecutionContext& ctx, ValueId v) const override {
    const auto* ref = dynamic_cast<const RefContext*>(&ctx);
    if (!ref) return Error("readState: the context was not made by this executable");
    if (v < ref->state.size() && !ref->state[v].empty()) return ref->state[v].clone();
    if (v < graph_.values.size() && (graph_.value(v).kind == ValueKind::Param || graph_.value(v).kind == ValueKind::State))
      return graph_.value(v).data.clone();  // never updated: still the initial data
    return Error("readState: not a param or state of the graph");
  }
  Status writeStateValue(ExecutionContext& ctx, ValueId v, ConstTensorView data) const override {
    auto* ref = dynamic_cast<RefContext*>(&ctx);
    if (!ref) return Error("writeState: the context was not made by this executable");
    if (v >= ref->state.size() || ref->state[v].empty()) return Error("writeState: not a param the training step updates");
    Tensor& t = ref->state[v];
    if (!data.hasType(t.type()))
      return Error(ErrorCode::Shape, "writeState: '" + graph_.value(v).name + "' is " + t.type().str() + ", not " + data.type().str());
    if (t.bytes()) std::memcpy(t.raw(), data.data, t.bytes());
    return ok();
  }

 protected:
  // The inputs are read where they are (borrowed tensors); the interpreter makes each result
  // afresh, so the outputs are copies of those.
  Status execute(ExecutionContext& ctx, const graphc_run_buffers& run) const override {
    auto* ref = dynamic_cast<RefContext*>(&ctx);
    if (!ref) return Error(ErrorCode::InvalidArgument, "run: the context was not made by this executable");
    try {  // the interpreter allocates every value
      std::vector<Tensor> borrowed;
      for (size_t i = 0; i < graph_.inputs.size(); ++i)
        borrowed.push_back(Tensor::borrowed(graph_.type(graph_.inputs[i]), const_cast<void*>(run.inputs[i])));
      // A training step's collectives go to the context's communicator, when it has one.
      Communicator* comm = ctx.communicator();
      eval::Collectives collectives{
          [comm](int64_t bucket, float* data, size_t count) { return comm->startMean(bucket, data, count); },
          [comm](int64_t bucket) { return comm->wait(bucket); }};
      GRAPHC_ASSIGN(std::vector<Tensor> results, eval::interpret(graph_, borrowed, ref->state, comm ? &collectives : nullptr));
      for (size_t i = 0; i < results.size() && i < run.num_outputs; ++i)
        if (results[i].bytes()) std::memcpy(run.outputs[i], results[i].raw(), results[i].bytes());
      return ok();
    } catch (const std::bad_alloc&) {
      return Error(ErrorCode::OutOfMemory, "out of memory while interpreting the graph");
    }
  }

 private:
  Graph graph_;
};

}  // namespace

Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions&) {
  return std::unique_ptr<Executable>(std::make_unique<RefExecutable>(g.clone()));
}

}  // namespace graphc::ref
