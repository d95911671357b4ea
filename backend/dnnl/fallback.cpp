// Non-f32 nodes that have no primitive (f64/integer matmul, dense, conv, pools, norms,
// softmax, reductions) run on the reference interpreter's evalNode. oneDNN is f32-centric,
// so this is for the non-f32 dtypes only; it copies operands into tensors on every run, so it
// allocates, which the f32 path never does.
#include <cstring>

#include "backend/dnnl/lowering.h"

#ifdef GRAPHC_DNNL_HAVE_REF
#include "backend/ref/interpreter.h"
#endif

namespace graphc::dnnl {

#ifdef GRAPHC_DNNL_HAVE_REF
namespace {

class Fallback final : public Kernel {
 public:
  Fallback(const Node& n, std::vector<TensorType> in, TensorType out, std::vector<int> ins, int dst)
      : node_(n), in_(std::move(in)), out_(std::move(out)), ins_(std::move(ins)), dst_(dst) {}
  Status run(void* const* buf) const override {
    std::vector<Tensor> operands;
    for (size_t i = 0; i < in_.size(); ++i) {
      operands.emplace_back(in_[i]);
      if (in_[i].bytes()) std::memcpy(operands.back().raw(), buf[ins_[i]], in_[i].bytes());
    }
    GRAPHC_ASSIGN(std::vector<Tensor> results, ref::evalNode(node_, operands, std::span<const TensorType>(&out_, 1)));
    if (out_.bytes()) std::memcpy(buf[dst_], results[0].raw(), out_.bytes());
    return ok();
  }

 private:
  Node node_;
  std::vector<TensorType> in_;
  TensorType out_;
  std::vector<int> ins_;
  int dst_;
};

}  // namespace

Status lowerFallback(Lowering& L, const Node& n) {
  std::vector<TensorType> types;
  std::vector<int> ins;
  for (ValueId v : n.operands) types.push_back(L.type(v)), ins.push_back(L.plainBuffer(v));
  if (n.results.size() != 1) return Error("dnnl: the fallback handles single-result ops only");
  int dst = L.defineResult(n.results[0]);
  L.addKernel(std::make_unique<Fallback>(n, std::move(types), L.type(n.results[0]), ins, dst), ins, {dst},
              L.describe(n) + " (reference fallback)");
  return ok();
}

#else

Status lowerFallback(Lowering& L, const Node& n) {
  return Error(fmt::format("dnnl: {} needs the reference interpreter for dtype {}, which this build lacks", L.describe(n),
                           dtypeName(L.type(n.operands[0]).dtype)));
}

#endif

}  // namespace graphc::dnnl
