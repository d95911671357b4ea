// CPUID reads for bf16 support (Intel SDM vol. 2, CPUID leaf 7: sub-leaf 0 EDX bit 22 is
// AMX-BF16 and bit 24 AMX-TILE; sub-leaf 1 EAX bit 5 is AVX512-BF16), and the OS check that
// the wide register state is enabled (XGETBV: AVX-512 needs XCR0 bits 5-7, AMX bits 17-18).
#include "runtime/cpu_features.h"

#include <cpuid.h>

#include <cstdint>
#include <cstring>

namespace graphc {
namespace {

uint64_t enabledStates() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;  // no OSXSAVE: no XGETBV
  uint32_t lo, hi;
  __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t)hi << 32 | lo;
}

struct Bf16Features {
  bool amx = false, avx512bf16 = false;
};

Bf16Features detect() {
  unsigned a, b, c, d;
  Bf16Features f;
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  uint64_t xcr0 = enabledStates();
  __cpuid_count(7, 0, a, b, c, d);
  f.amx = (d & (1u << 22)) && (d & (1u << 24)) && (xcr0 & (3ull << 17)) == (3ull << 17);
  bool avx512 = (b & (1u << 16)) && (xcr0 & 0xe6) == 0xe6;  // AVX512F, and ZMM/opmask state on
  __cpuid_count(7, 1, a, b, c, d);
  f.avx512bf16 = avx512 && (a & (1u << 5));
  return f;
}

const Bf16Features& hostFeatures() {
  static const Bf16Features features = detect();
  return features;
}

}  // namespace

Bf16Unit hostBf16Unit() {
  const Bf16Features& f = hostFeatures();
  return f.amx ? Bf16Unit::amx : f.avx512bf16 ? Bf16Unit::avx512bf16 : Bf16Unit::none;
}

bool hostHasAvx512Bf16() { return hostFeatures().avx512bf16; }

std::string_view bf16UnitName(Bf16Unit unit) {
  switch (unit) {
    case Bf16Unit::amx: return "AMX";
    case Bf16Unit::avx512bf16: return "AVX512-BF16";
    case Bf16Unit::none: break;
  }
  return "none";
}

std::string hostCpuName() {
  unsigned regs[12];
  if (__get_cpuid_max(0x80000000, nullptr) < 0x80000004) return "unknown CPU";
  for (unsigned leaf = 0; leaf < 3; ++leaf)
    __cpuid(0x80000002 + leaf, regs[leaf * 4], regs[leaf * 4 + 1], regs[leaf * 4 + 2], regs[leaf * 4 + 3]);
  char name[49] = {};
  std::memcpy(name, regs, 48);
  std::string s(name);
  s.erase(0, s.find_first_not_of(' '));
  s.erase(s.find_last_not_of(' ') + 1);
  return s.empty() ? "unknown CPU" : s;
}

}  // namespace graphc
