// The ref backend's Executable: the interpreter behind the common runtime interface.
#include "backend/ref/executable.h"

#include "backend/ref/interpreter.h"

namespace graphc::ref {
namespace {

class RefExecutable final : public Executable {
 public:
  explicit RefExecutable(Graph g) : graph_(std::move(g)) {}
  const Graph& graph() const override { return graph_; }
  std::unique_ptr<ExecutionContext> createContext() const override { return std::make_unique<ExecutionContext>(); }
  Status run(ExecutionContext&, std::span<const Tensor> inputs, std::span<Tensor> outputs) const override {
    GRAPHC_TRY(checkInputs(inputs));
    GRAPHC_ASSIGN(std::vector<Tensor> results, interpret(graph_, inputs));
    for (size_t i = 0; i < results.size() && i < outputs.size(); ++i) {
      if (outputs[i].empty() || outputs[i].type() != results[i].type()) outputs[i] = Tensor(results[i].type());
      std::memcpy(outputs[i].raw(), results[i].raw(), results[i].bytes());
    }
    return ok();
  }

 private:
  Graph graph_;
};

}  // namespace

Result<std::unique_ptr<Executable>> prepare(const Graph& g, const CompileOptions&) {
  return std::unique_ptr<Executable>(std::make_unique<RefExecutable>(g.clone()));
}

}  // namespace graphc::ref
