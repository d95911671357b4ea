// Small ops of inference and training graphs alike (a classifier's softmax, a narrow dense) go to
// our single-threaded kernels (kernels_small.cpp) instead of a oneDNN primitive.
#include "backend/dnnl/kernels.h"
#include "backend/dnnl/lowering.h"

namespace graphc::dnnl {

Result<bool> lowerSmallOp(Lowering& L, const Node& n) {
  if (L.type(n.operands[0]).dtype != DType::f32) return false;
  if (n.op == OpKind::Softmax) {
    // A classifier's probabilities, or the prediction a loss reads: a oneDNN primitive (and its
    // OpenMP region) costs more than the work below a few thousand elements (W1's 10 classes at
    // batch 1: 2.5 us).
    const TensorType& t = L.type(n.operands[0]);
    std::vector<TensorType> types{t};
    if (t.rank() < 1 || normalizeAxis(OpCtx{n.info(), types, n.attrs}.i("axis"), t.rank()) != t.rank() - 1 ||
        t.numel() > kSmallGemm / 4)
      return false;
    int x = L.plainBuffer(n.operands[0]), y = L.defineResult(n.results[0]);
    L.addKernel(smallSoftmaxKernel(t.numel() / t.shape.back(), t.shape.back(), x, y), {x}, {y}, L.describe(n) + " (small)");
    return true;
  }
  if (n.op != OpKind::Dense || n.operands.size() != 3) return false;
  const Shape& ws = L.type(n.operands[1]).shape;
  int64_t k = ws[0], nn = ws[1], m = L.type(n.results[0]).numel() / nn;
  std::vector<TensorType> types = L.graph.types(n.operands);
  auto act = parseActivation(OpCtx{n.info(), types, n.attrs}.s("activation"));
  if (!act || (*act != Activation::Relu && *act != Activation::None) || m * k * nn > kSmallGemm) return false;
  // The matrix-vector kernel reads any width as fast (LeNet's 256x120 at batch 1: 2.7 us here,
  // 1.0 there).
  if (runsOnGemv(L, n)) return false;
  int x = L.plainBuffer(n.operands[0]), w = L.plainBuffer(n.operands[1]), b = L.plainBuffer(n.operands[2]);
  int y = L.defineResult(n.results[0]);
  L.addKernel(smallDenseKernel(*act == Activation::Relu, m, k, nn, x, w, b, y), {x, w, b}, {y}, L.describe(n) + " (small)");
  return true;
}

}  // namespace graphc::dnnl
