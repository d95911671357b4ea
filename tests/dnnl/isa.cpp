// The instruction sets the dnnl tests expect the backend to pick: the CPU's, under oneDNN's cap.
#include <oneapi/dnnl/dnnl.hpp>

#include "tests/dnnl/check.h"

namespace graphc::test {

bool avx512Kernels() {
  auto isa = static_cast<unsigned>(::dnnl::get_effective_cpu_isa());
  auto avx512 = static_cast<unsigned>(::dnnl::cpu_isa::avx512_core);
  return cpuHas("avx512f") && (isa & avx512) == avx512;
}

}  // namespace graphc::test
