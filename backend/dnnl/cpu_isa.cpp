// Which instruction sets our own kernels may use: the CPU's, capped the way oneDNN's are.
#include <oneapi/dnnl/dnnl.hpp>

#include "backend/dnnl/kernels.h"

namespace graphc::dnnl {

// oneDNN's effective ISA is the CPU's, lowered by ONEDNN_MAX_CPU_ISA (e.g. AVX2) when set, so
// that one switch moves oneDNN and our kernels onto their AVX2 paths together (the suite runs
// that way too on an AVX-512 machine). Read once: oneDNN fixes its cap at first use.
bool avx512Kernels() {
  static const bool enabled = [] {
    auto isa = static_cast<unsigned>(::dnnl::get_effective_cpu_isa());
    auto avx512 = static_cast<unsigned>(::dnnl::cpu_isa::avx512_core);
    return __builtin_cpu_supports("avx512f") && (isa & avx512) == avx512;
  }();
  return enabled;
}

// oneDNN 2.6 multiplies bf16 on AVX512-BF16 (avx512_core_bf16) and on AMX tiles; below those,
// on plain AVX-512, it would emulate them, and below AVX-512 it has no bf16 kernel at all.
bool nativeBf16() {
  static const bool enabled = [] {
    auto isa = static_cast<unsigned>(::dnnl::get_effective_cpu_isa());
    auto bf16 = static_cast<unsigned>(::dnnl::cpu_isa::avx512_core_bf16);
    return (isa & bf16) == bf16;
  }();
  return enabled;
}

}  // namespace graphc::dnnl
