// Internal to the dnnl backend: our own OpenMP kernels for what oneDNN has no primitive for
// (gather, where, comparisons, cast, erf, general pow, strided copies) and for dtypes oneDNN
// does not handle (f64, i32/i64 arithmetic). They share oneDNN's OpenMP runtime, so the two
// never oversubscribe the cores.
#pragma once

#include "backend/dnnl/program.h"
#include "ir/op.h"

namespace graphc::dnnl {

// Elementwise unary (every unary op in ops.def); nullptr when the dtype has no such op.
std::unique_ptr<Kernel> unaryKernel(OpKind op, DType t, double alpha, double beta, int64_t n, int in, int out);
// Binary arithmetic, min/max, pow and comparisons with NumPy broadcasting; a and b may differ
// in rank. Integer division by zero is a run-time Error.
std::unique_ptr<Kernel> binaryKernel(OpKind op, DType t, const Shape& a, const Shape& b, const Shape& out, int ia, int ib,
                                     int io);
std::unique_ptr<Kernel> whereKernel(DType t, const Shape& c, const Shape& a, const Shape& b, const Shape& out, int ic,
                                    int ia, int ib, int io);
std::unique_ptr<Kernel> castKernel(DType from, DType to, int64_t n, int in, int out);
// Max pooling over [n, channelBlocks, ih, iw, block] (block 1: plain NCHW; 8 or 16: oneDNN's
// nChw8c/nChw16c) into [n, channelBlocks, oh, ow, block], keeping NaN and -inf.
struct PoolGeometry {
  int64_t n, channels, block, ih, iw, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl;
  int64_t channelBlocks() const { return (channels + block - 1) / block; }
};
std::unique_ptr<Kernel> maxPoolKernel(const PoolGeometry& g, int in, int out);
// Its gradient over plain NCHW (block 1): dx from dy and the forward input x.
std::unique_ptr<Kernel> maxPoolGradKernel(const PoolGeometry& g, int dy, int x, int dx);
// out[i0..ik] = src[offset + sum(i_d * strides[d])] elementwise, bytewise for any dtype:
// transpose, slice (negative steps too) and expand (stride 0).
std::unique_ptr<Kernel> stridedCopyKernel(size_t elemSize, const Shape& outShape, const std::vector<int64_t>& strides,
                                          int64_t offset, int in, int out);
// NumPy broadcasting strides of `in` read at the positions of `out` (0 on broadcast axes).
std::vector<int64_t> broadcastStrides(const Shape& in, const Shape& out);
// out = in, bytewise (a residual into a convolution's output, an output's copy); nothing when the
// memory plan made them one buffer (Lowering::allowReuse).
std::unique_ptr<Kernel> copyKernel(size_t bytes, int in, int out);
std::unique_ptr<Kernel> concatKernel(size_t elemSize, int64_t outer, const std::vector<int64_t>& inner, const std::vector<int>& ins,
                                     int out);
// y = act(x . W + b) for a single row x, act relu or none (kernels_gemv.cpp). W [k, n] is
// packed by packGemvWeights and b padded by padGemvBias, once, at prepare.
// Only on CPUs with AVX-512 (gemvAvailable); elsewhere oneDNN's matmul is the faster one.
bool gemvAvailable();
// Our AVX-512 kernels (gemv, the narrow GEMMs of training) may run: the CPU has AVX-512 and
// ONEDNN_MAX_CPU_ISA does not cap oneDNN below it (cpu_isa.cpp).
bool avx512Kernels();
// Whether oneDNN's bf16 matmul and convolution run natively here (--precision bf16).
bool nativeBf16();
Tensor packGemvWeights(const Tensor& w);
Tensor padGemvBias(const Tensor& bias);
// Buffer ids; `runs` is a uint64_t of the context's state: how many runs it has made, whose
// parity picks the panel order.
struct GemvBuffers {
  int x, w, bias, y, runs;
};
std::unique_ptr<Kernel> gemvKernel(bool relu, int64_t k, int64_t n, const GemvBuffers& b);
std::unique_ptr<Kernel> gatherKernel(size_t elemSize, DType indexType, int64_t outer, int64_t dim, int64_t inner,
                                     int64_t count, int data, int index, int out);

}  // namespace graphc::dnnl

namespace graphc::dnnl {

// Training: f32 optimizer updates (operands and results in ops.def order, then optionally a
// bf16 buffer that gets the new weight rounded; adam reads its step count at run time), one_hot
// (any output dtype), gather_grad (f32), slice_grad (bytewise; dy written through strides/offset
// in elements of the output).
std::unique_ptr<Kernel> optimizerKernel(OpKind op, const OpCtx& c, DType stepType, int64_t n, std::vector<int> ins,
                                        std::vector<int> outs);
// Adds one more tensor to the optimizer kernel k when k updates with the same op,
// hyperparameters and step count; false (and nothing changes) otherwise.
bool joinOptimizerKernel(Kernel* k, OpKind op, const OpCtx& c, DType stepType, int64_t n, std::vector<int> ins,
                         std::vector<int> outs);
// dense_grad with a relu (or no) activation: dz (relu only) and db in one pass; with `gemms`
// also dx and dw (for shapes too small for oneDNN's per-primitive overhead). Buffer ids.
struct DenseGradBuffers {
  int dy, x, w, y, dz, dx, dw, db;
  int scratch = -1;  // k x n floats, with gemms
};
struct DenseGradMode {
  bool relu = false;    // dz = dy where y > 0; otherwise dz = dy
  bool gemms = false;   // also dx and dw, in f32 (small shapes)
  bool bf16Dz = false;  // write dz in bf16 for bf16 products (never with gemms)
};
std::unique_ptr<Kernel> denseGradKernel(const DenseGradBuffers& b, DenseGradMode mode, int64_t m, int64_t k, int64_t n);
// y[m, n] = act(x[m, k] . w[k, n] + b), act relu or none, single-threaded (small shapes).
std::unique_ptr<Kernel> smallDenseKernel(bool relu, int64_t m, int64_t k, int64_t n, int x, int w, int bias, int y);
// softmax_cross_entropy over [rows, cols] f32: the scalar loss and the logits' gradient.
std::unique_ptr<Kernel> softmaxCrossEntropyKernel(int64_t rows, int64_t cols, int z, int t, int loss, int dz);
// softmax over the last axis of [rows, cols] f32, single-threaded (small shapes).
std::unique_ptr<Kernel> smallSoftmaxKernel(int64_t rows, int64_t cols, int x, int y);
std::unique_ptr<Kernel> oneHotKernel(DType labels, DType out, int64_t count, int64_t depth, int in, int o);
std::unique_ptr<Kernel> gatherGradKernel(DType indexType, int64_t outer, int64_t dim, int64_t inner, int64_t count, int dy,
                                         int idx, int out);
// allreduce_start (gradients `ins`, counts[i] floats each, packed into `buffer`) and
// allreduce_wait (`buffer` unpacked into `outs`) of bucket `bucket`, on the run's communicator.
std::unique_ptr<Kernel> allreduceStartKernel(int64_t bucket, std::vector<int64_t> counts, std::vector<int> ins, int buffer);
std::unique_ptr<Kernel> allreduceWaitKernel(int64_t bucket, std::vector<int64_t> counts, int buffer, std::vector<int> outs);
std::unique_ptr<Kernel> sliceGradKernel(size_t es, size_t outBytes, const Shape& dyShape, const std::vector<int64_t>& strides,
                                        int64_t offset, int dy, int out);

}  // namespace graphc::dnnl
