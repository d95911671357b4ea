// Non-f32 nodes that have no primitive (f64/integer matmul, dense, conv, pools, norms,
// softmax, reductions) run on ir/eval's evalNode, the reference semantics. oneDNN is f32-centric,
// so this is for the non-f32 dtypes only; it copies operands into tensors on every run, so it
// allocates, which the f32 path never does.
#include <cstring>

#include "backend/dnnl/lowering.h"
#include "ir/eval/interpreter.h"

namespace graphc::dnnl {
namespace {

class Fallback final : public Kernel {
 public:
  Fallback(const Node& n, std::vector<TensorType> in, std::vector<TensorType> out, std::vector<int> ins, std::vector<int> outs)
      : node_(n), in_(std::move(in)), out_(std::move(out)), ins_(std::move(ins)), outs_(std::move(outs)) {}
  Status run(void* const* buf) const override {
    std::vector<Tensor> operands;
    for (size_t i = 0; i < in_.size(); ++i) {
      operands.emplace_back(in_[i]);
      if (in_[i].bytes()) std::memcpy(operands.back().raw(), buf[ins_[i]], in_[i].bytes());
    }
    GRAPHC_ASSIGN(std::vector<Tensor> results, eval::evalNode(node_, operands, out_));
    for (size_t i = 0; i < out_.size(); ++i)
      if (out_[i].bytes()) std::memcpy(buf[outs_[i]], results[i].raw(), out_[i].bytes());
    return ok();
  }

 private:
  Node node_;
  std::vector<TensorType> in_, out_;
  std::vector<int> ins_, outs_;
};

}  // namespace

Status lowerFallback(Lowering& L, const Node& n) {
  std::vector<TensorType> types, results;
  std::vector<int> ins, outs;
  for (ValueId v : n.operands) types.push_back(L.type(v)), ins.push_back(L.plainBuffer(v));
  for (ValueId r : n.results) results.push_back(L.type(r)), outs.push_back(L.defineResult(r));
  L.addKernel(std::make_unique<Fallback>(n, std::move(types), std::move(results), ins, outs), ins, outs,
              L.describe(n) + " (reference fallback)");
  return ok();
}

}  // namespace graphc::dnnl
