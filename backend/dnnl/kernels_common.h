// Internal to the dnnl backend: what our small-shape kernels (kernels_small.cpp) and training
// kernels (kernels_train.cpp) share: the CPU clones, the subnormal flush and the narrow GEMM.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "ir/clones.h"

namespace graphc::dnnl {

// The hot loops come in AVX-512 and AVX2 clones as well (ir/clones.h). `omp simd`: results may
// alias operands at the same index.

// Training drives gradients, and so Adam's moments, towards zero, where float arithmetic turns
// subnormal and runs tens of times slower (a step of the seed model took 3x as long after
// many steps on one batch). Our training kernels flush subnormals to zero while they run, as
// TensorFlow does for all of its CPU kernels; the thread's previous mode comes back after.
class FlushSubnormals {
 public:
  FlushSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040); }  // FTZ | DAZ
  ~FlushSubnormals() { _mm_setcsr(saved_); }
  FlushSubnormals(const FlushSubnormals&) = delete;
  FlushSubnormals& operator=(const FlushSubnormals&) = delete;

 private:
  unsigned saved_;
};

// Narrow GEMMs for the small path: y[r, :width] = init + sum_c a(r, c) * B[c, :width], with
// a(r, c) = a[r * ars + c * acs] (any strides, so a may be a transpose) and width <= 32, as one
// or two masked AVX-512 vectors per row, four rows at a time. False (nothing written) when the
// CPU lacks AVX-512 or the rows are wider; the loops below handle those.
struct NarrowGemm {
  const float* a;
  int64_t ars, acs;
  const float* b;
  int64_t ldb;
  float* y;
  int64_t ldy, rows, inner, width;
  const float* init;  // [width] added to every row, or null for zeros
  bool relu;
};

// False (nothing written) when the CPU lacks AVX-512 or the rows are wider than 32.
bool narrowGemm(const NarrowGemm& g);

}  // namespace graphc::dnnl
