// --precision and --compare: the choice of precision per backend and CPU, and the error report.
#include "driver/precision.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "runtime/cpu_features.h"

namespace graphc::driver {

// What this CPU has for bf16, in words: "AMD EPYC (no AMX, no AVX512-BF16)".
static std::string cpuInWords() {
  Bf16Unit unit = hostBf16Unit();
  return fmt::format("{} ({})", hostCpuName(), unit == Bf16Unit::none ? "no AMX, no AVX512-BF16" : "with " + std::string(bf16UnitName(unit)));
}

// dnnl multiplies bf16 on oneDNN's native kernels where the CPU has AVX512-BF16 or AMX (its
// registry entry says so); llvm and ref widen bf16 to f32 and multiply in f32 (the rounding of
// the operands, none of the speed). So auto is bf16 on dnnl on such a CPU, and f32 elsewhere.
static bool nativeBf16On(std::string_view backend) {
  const BackendInfo* b = findBackend(backend);
  return backend == "dnnl" && b && b->isOpSupported(OpKind::Dense, DType::bf16);
}

Result<PrecisionChoice> choosePrecision(std::string_view choice, std::string_view backend) {
  if (choice == "f32") return PrecisionChoice{Precision::f32, ""};
  if (choice != "bf16" && choice != "auto") return Error(fmt::format("unknown precision '{}' (f32, bf16 or auto)", choice));
  bool native = nativeBf16On(backend);
  if (native)
    return PrecisionChoice{Precision::bf16, fmt::format("precision {}: bf16 on {} with oneDNN's bf16 kernels, CPU {}: products of the "
                                                        "forward pass and of dense gradients in bf16 with f32 accumulation; convolution gradients stay f32",
                                                        choice, backend, cpuInWords())};
  if (choice == "auto")
    return PrecisionChoice{Precision::f32, fmt::format("precision auto: f32 on {}, CPU {}: bf16 would be emulated there, "
                                                       "which is no faster than f32", backend, cpuInWords())};
  if (backend == "dnnl") return PrecisionChoice{Precision::bf16, ""};  // checkPrecision refuses it, saying why
  return PrecisionChoice{Precision::bf16, fmt::format("precision bf16 is emulated on backend {} (CPU {}): operands are rounded "
                                                      "to bf16 and multiplied in f32, for the accuracy, not the speed, of bf16",
                                                      backend, cpuInWords())};
}

Status checkPrecision(const CompileOptions& options) {
  if (options.precision != Precision::bf16 || options.backend != "dnnl" || nativeBf16On(options.backend)) return ok();
  return Error(ErrorCode::Unsupported,
               fmt::format("--precision bf16 is not supported on dnnl on this CPU ({}): oneDNN's bf16 kernels need AVX512-BF16 or "
                           "AMX. --backend llvm or ref run bf16 emulated, for accuracy checks",
                           cpuInWords()));
}

Result<OutputError> compareOutput(const Tensor& got, const Tensor& reference) {
  if (got.shape() != reference.shape())
    return Error(fmt::format("shapes differ: {} against {}", got.type().str(), reference.type().str()));
  OutputError e;
  e.elements = got.numel();
  if (!isFloat(reference.dtype())) {  // integer outputs (arg-max, indices) compare exactly
    for (int64_t i = 0; i < e.elements; ++i) e.maxRelative = std::max(e.maxRelative, got.at(i) == reference.at(i) ? 0.0 : 1.0);
    return e;
  }
  double scale = 0;
  int64_t finite = 0;
  for (int64_t i = 0; i < e.elements; ++i)
    if (std::isfinite(reference.at(i))) scale += std::fabs(reference.at(i)), ++finite;
  scale = finite ? scale / (double)finite : 0;
  double sum = 0;
  for (int64_t i = 0; i < e.elements; ++i) {
    double x = got.at(i), r = reference.at(i);
    if (std::isnan(x) != std::isnan(r)) ++e.nanMismatches;
    if (std::isnan(x) || std::isnan(r) || x == r) continue;  // equal infinities too
    double rel = std::fabs(x - r) / std::max({std::fabs(r), scale, 1e-30});
    e.maxRelative = std::max(e.maxRelative, rel);
    sum += rel;
  }
  e.meanRelative = e.elements ? sum / (double)e.elements : 0;
  if (reference.shape().size() == 2 && reference.shape()[1] > 1) {
    int64_t n = reference.shape()[0], c = reference.shape()[1];
    auto argmax = [c](const Tensor& t, int64_t row) {
      int64_t best = 0;
      for (int64_t j = 1; j < c; ++j)
        if (t.at(row * c + j) > t.at(row * c + best)) best = j;
      return best;
    };
    e.rows = n;
    for (int64_t row = 0; row < n; ++row) e.top1Agree += argmax(got, row) == argmax(reference, row);
  }
  return e;
}

std::string describe(const OutputError& e) {
  std::string s = fmt::format("max rel {:.2e}, mean rel {:.2e} over {} elements", e.maxRelative, e.meanRelative, e.elements);
  if (e.rows) s += fmt::format(", top-1 agrees on {}/{} rows ({:.1f}%)", e.top1Agree, e.rows, 100.0 * (double)e.top1Agree / (double)e.rows);
  if (e.nanMismatches) s += fmt::format(", {} NaN where the other has a number", e.nanMismatches);
  return s;
}

}  // namespace graphc::driver
