// --precision and --compare: the choice of precision per backend and CPU, and the error report.
#include "driver/precision.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "runtime/cpu_features.h"

namespace graphc::driver {

// What this CPU has for bf16, in words: "AMD EPYC (no AMX, no AVX512-BF16)".
static std::string cpuInWords() {
  Bf16Unit unit = hostBf16Unit();
  return fmt::format("{} ({})", hostCpuName(), unit == Bf16Unit::none ? "no AMX, no AVX512-BF16" : "with " + std::string(bf16UnitName(unit)));
}

// The products (ops with kBf16Operands) a backend multiplies on a native bf16 unit here, and
// those it would widen to f32, by name: "matmul, dense, dense_grad".
struct ProductSplit {
  std::vector<std::string_view> native, emulated;
};
static ProductSplit splitProducts(const BackendInfo& b) {
  ProductSplit split;
  for (const OpInfo& info : allOps())
    if (info.has(kBf16Operands)) (b.multipliesBf16Natively(info.kind) ? split.native : split.emulated).push_back(info.name);
  return split;
}

// Which kernels multiply bf16 natively on a backend: oneDNN's own on dnnl, llvm's GEMM kernel.
static std::string nativeKernels(std::string_view backend) {
  return backend == "dnnl" ? "oneDNN's bf16 kernels" : "vdpbf16ps (AVX512-BF16) in its GEMM kernel";
}

Result<PrecisionChoice> choosePrecision(std::string_view choice, std::string_view backend, bool otherTarget) {
  if (choice == "f32") return PrecisionChoice{Precision::f32, ""};
  if (choice != "bf16" && choice != "auto") return Error(fmt::format("unknown precision '{}' (f32, bf16 or auto)", choice));
  const BackendInfo* b = findBackend(backend);
  if (!b) return Error(fmt::format("unknown backend '{}'", backend));
  if (otherTarget && choice == "auto")
    return PrecisionChoice{Precision::f32, fmt::format("precision auto: f32 on {}: the code is for another CPU (--target-cpu or "
                                                       "--target-triple), whose bf16 units this CPU cannot tell; ask for "
                                                       "--precision bf16 to use them", backend)};
  if (otherTarget)
    return PrecisionChoice{Precision::bf16, fmt::format("precision bf16 on {} for the target CPU: products on vdpbf16ps where "
                                                        "the target has AVX512-BF16, emulated (rounded to bf16, multiplied in "
                                                        "f32) where it has not", backend)};
  ProductSplit split = splitProducts(*b);
  std::string natively = fmt::format("{} in bf16 with f32 accumulation on {}", fmt::join(split.native, ", "), nativeKernels(backend));
  if (choice == "auto") {
    if (split.native.empty())
      return PrecisionChoice{Precision::f32, fmt::format("precision auto: f32 on {}, CPU {}: bf16 would be emulated there, "
                                                         "which is no faster than f32", backend, cpuInWords())};
    std::string rest = split.emulated.empty() ? "" : fmt::format("; {} stay f32 (emulated bf16 is no faster)", fmt::join(split.emulated, ", "));
    return PrecisionChoice{Precision::bf16Native, fmt::format("precision auto: bf16 on {}, CPU {}: {}{}", backend, cpuInWords(), natively, rest)};
  }
  if (backend == "dnnl" && split.native.empty()) return PrecisionChoice{Precision::bf16, ""};  // checkPrecision refuses it, saying why
  if (split.native.empty())
    return PrecisionChoice{Precision::bf16, fmt::format("precision bf16 is emulated on backend {} (CPU {}): operands are rounded "
                                                        "to bf16 and multiplied in f32, for the accuracy, not the speed, of bf16",
                                                        backend, cpuInWords())};
  std::string rest;
  if (!split.emulated.empty()) rest = fmt::format("; {} emulated (rounded to bf16, multiplied in f32)", fmt::join(split.emulated, ", "));
  return PrecisionChoice{Precision::bf16, fmt::format("precision bf16 on {}, CPU {}: {}{}", backend, cpuInWords(), natively, rest)};
}

Status checkPrecision(const CompileOptions& options) {
  const BackendInfo* b = findBackend(options.backend);
  if (options.precision == Precision::f32 || options.backend != "dnnl" || !b || !splitProducts(*b).native.empty()) return ok();
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
  double sum = 0, diff2 = 0, ref2 = 0;
  for (int64_t i = 0; i < e.elements; ++i) {
    double x = got.at(i), r = reference.at(i);
    if (std::isnan(x) != std::isnan(r)) ++e.nanMismatches;
    if (std::isfinite(x) && std::isfinite(r)) diff2 += (x - r) * (x - r), ref2 += r * r;
    if (std::isnan(x) || std::isnan(r) || x == r) continue;  // equal infinities too
    double rel = std::fabs(x - r) / std::max({std::fabs(r), scale, 1e-30});
    e.maxRelative = std::max(e.maxRelative, rel);
    sum += rel;
  }
  e.meanRelative = e.elements ? sum / (double)e.elements : 0;
  e.normRelative = ref2 > 0 ? std::sqrt(diff2 / ref2) : diff2 > 0 ? INFINITY : 0;
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
  std::string s = fmt::format("max rel {:.2e}, mean rel {:.2e}, norm rel {:.2e} over {} elements", e.maxRelative, e.meanRelative,
                              e.normRelative, e.elements);
  if (e.rows) s += fmt::format(", top-1 agrees on {}/{} rows ({:.1f}%)", e.top1Agree, e.rows, 100.0 * (double)e.top1Agree / (double)e.rows);
  if (e.nanMismatches) s += fmt::format(", {} NaN where the other has a number", e.nanMismatches);
  return s;
}

}  // namespace graphc::driver
