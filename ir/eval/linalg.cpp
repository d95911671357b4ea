// MatMul (NumPy semantics, batched with broadcasting) and the fused Dense op.
#include <fmt/format.h>

#include <algorithm>

#include "ir/convert.h"
#include "ir/eval/kernels.h"

namespace graphc::eval {

Epilogue Epilogue::of(const OpCtx& c) { return {*parseActivation(c.s("activation")), c.f("alpha"), c.f("beta")}; }

double Epilogue::operator()(double x) const {
  switch (act) {
    case Activation::None: return x;
    case Activation::Relu: return relu(x);
    case Activation::LeakyRelu: return leakyRelu(x, alpha);
    case Activation::Gelu: return gelu(x);
    case Activation::Sigmoid: return sigmoid(x);
    case Activation::Tanh: return std::tanh(x);
    case Activation::Clip: return clip(x, alpha, beta);
    case Activation::Elu: return elu(x, alpha);
    case Activation::Silu: return silu(x);
  }
  return x;
}

double Epilogue::derivativeFromOutput(double y) const {
  switch (act) {
    case Activation::None: return 1;
    case Activation::Relu: return y > 0 ? 1 : 0;
    case Activation::LeakyRelu: return y > 0 ? 1 : alpha;
    case Activation::Sigmoid: return y * (1 - y);
    case Activation::Tanh: return 1 - y * y;
    case Activation::Clip: return y > alpha && y < beta ? 1 : 0;
    case Activation::Elu: return y > 0 ? 1 : y + alpha;
    case Activation::Gelu: case Activation::Silu: return NAN;
  }
  return NAN;
}

// c[M,N] = a[M,K] . b[K,N], row-major, accumulating in Acc<T>. The k-then-n loop order keeps
// the inner loop contiguous in b and c.
template <class T>
static void gemm(const T* a, const T* b, Acc<T>* c, int64_t m, int64_t k, int64_t n) {
  for (int64_t i = 0; i < m; ++i) {
    Acc<T>* row = c + i * n;
    for (int64_t j = 0; j < n; ++j) row[j] = 0;
    for (int64_t p = 0; p < k; ++p) {
      Acc<T> av = a[i * k + p];
      const T* brow = b + p * n;
      for (int64_t j = 0; j < n; ++j) row[j] += av * (Acc<T>)brow[j];
    }
  }
}

template <class T>
static Tensor matmulTyped(const Tensor& a, const Tensor& b, const TensorType& out) {
  // Promote 1-D operands as NumPy does; the output type already has the promoted axes removed.
  Shape sa = a.shape(), sb = b.shape();
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
  Shape ba(sa.begin(), sa.end() - 2), bb(sb.begin(), sb.end() - 2);
  Shape batch = *broadcastShapes(ba, bb);
  auto ia = broadcastIndex(ba, batch), ib = broadcastIndex(bb, batch);
  Tensor y(out);
  T* dst = y.data<T>();
  std::vector<Acc<T>> acc((size_t)(m * n));
  for (size_t bi = 0; bi < ia.size(); ++bi) {
    gemm(a.data<T>() + ia[bi] * m * k, b.data<T>() + ib[bi] * k * n, acc.data(), m, k, n);
    for (int64_t i = 0; i < m * n; ++i) dst[(int64_t)bi * m * n + i] = (T)acc[i];
  }
  return y;
}

Result<Tensor> evalMatMul(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return matmulTyped<double>(in[0], in[1], out);
  return matmulTyped<float>(in[0], in[1], out);
}

// dense(x, w, b[, residual]) = act(x.w + b) [+ residual]; x is [..., K], w is [K, N].
// The epilogue runs in the accumulation type, so a fused op rounds once.
template <class T>
static Tensor denseTyped(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  const Tensor &x = in[0], &w = in[1], &b = in[2];
  int64_t k = w.shape()[0], n = w.shape()[1], m = k ? x.numel() / k : out.numel() / std::max<int64_t>(n, 1);
  Epilogue epi = Epilogue::of(c);
  const T* res = in.size() == 4 ? in[3].data<T>() : nullptr;
  std::vector<Acc<T>> acc((size_t)(m * n));
  gemm(x.data<T>(), w.data<T>(), acc.data(), m, k, n);
  Tensor y(out);
  T* dst = y.data<T>();
  const T* bias = b.data<T>();
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      Acc<T> v = (Acc<T>)epi((double)(acc[i * n + j] + (Acc<T>)bias[j]));
      dst[i * n + j] = (T)(res ? v + (Acc<T>)res[i * n + j] : v);
    }
  return y;
}

Result<Tensor> evalDense(const OpCtx& c, std::span<const Tensor> in, const TensorType& out) {
  if (in[0].dtype() == DType::f64) return denseTyped<double>(c, in, out);
  return denseTyped<float>(c, in, out);
}

}  // namespace graphc::eval

namespace graphc::eval {

// dense_grad(dy, x, w, y) -> (dx, dw, db): dz = dy * act'(z) (from y) is formed row by row and
// fed straight to both GEMMs, dx = dz.w^T and dw = x^T.dz; db sums dz over the rows.
template <class T>
static std::vector<Tensor> denseGradTyped(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out) {
  const Tensor &dy = in[0], &x = in[1], &w = in[2], &y = in[3];
  int64_t k = w.shape()[0], n = w.shape()[1], m = n ? dy.numel() / n : 0;
  Epilogue epi = Epilogue::of(c);
  // bf16 x and w: the GEMMs read dz rounded to bf16, and db sums it unrounded, in f32.
  bool bf16 = c.operands[1].dtype == DType::bf16;
  const T *dys = dy.data<T>(), *xs = x.data<T>(), *ws = w.data<T>(), *ys = y.data<T>();
  std::vector<Acc<T>> dz((size_t)n), dw((size_t)(k * n), 0), db((size_t)n, 0);
  Tensor dxT(out[0]), dwT(out[1]), dbT(out[2]);
  T* dx = dxT.data<T>();
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      dz[j] = (Acc<T>)dys[i * n + j];
      if (epi.act != Activation::None) dz[j] *= (Acc<T>)epi.derivativeFromOutput((double)ys[i * n + j]);
      db[j] += dz[j];
      if (bf16) dz[j] = (Acc<T>)roundedToBf16((float)dz[j]);
    }
    for (int64_t p = 0; p < k; ++p) {
      Acc<T> sum = 0, xv = xs[i * k + p];
      const T* wrow = ws + p * n;
      Acc<T>* dwrow = dw.data() + p * n;
      for (int64_t j = 0; j < n; ++j) {
        sum += dz[j] * (Acc<T>)wrow[j];
        dwrow[j] += xv * dz[j];
      }
      dx[i * k + p] = (T)sum;
    }
  }
  for (int64_t i = 0; i < k * n; ++i) dwT.data<T>()[i] = (T)dw[i];
  for (int64_t j = 0; j < n; ++j) dbT.data<T>()[j] = (T)db[j];
  return {dxT, dwT, dbT};
}

Result<std::vector<Tensor>> evalDenseGrad(const OpCtx& c, std::span<const Tensor> in, std::span<const TensorType> out) {
  if (Activation act = *parseActivation(c.s("activation")); derivativeNeedsInput(act))
    return kernelError(c, fmt::format("a {} derivative needs the pre-activation; autodiff folds it into dy first", activationName(act)));
  if (in[0].dtype() == DType::f64) return denseGradTyped<double>(c, in, out);
  return denseGradTyped<float>(c, in, out);
}

}  // namespace graphc::eval
