// What the host CPU offers for bf16 products, read once from CPUID: AMX tiles, AVX512-BF16 dot
// products, or neither. --precision auto and the dnnl backend decide by it.
#pragma once

#include <string>
#include <string_view>

namespace graphc {

enum class Bf16Unit { none, avx512bf16, amx };

Bf16Unit hostBf16Unit();  // the faster unit where the CPU has both
// Whether vdpbf16ps runs here (what llvm's GEMM uses; AMX machines have it too).
bool hostHasAvx512Bf16();
std::string_view bf16UnitName(Bf16Unit unit);  // "AMX", "AVX512-BF16", "none"
// The CPU's brand string ("AMD EPYC 7B13 64-Core Processor"), or "unknown CPU".
std::string hostCpuName();

}  // namespace graphc
