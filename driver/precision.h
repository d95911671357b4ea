// --precision f32|bf16|auto: which precision a backend computes products in on this CPU, said
// in words, and --compare f32: how far a bf16 run's outputs lie from the f32 run's.
#pragma once

#include <string>
#include <string_view>

#include "runtime/executable.h"

namespace graphc::driver {

// What `choice` (f32, bf16 or auto) means for `backend` here: auto picks bf16 only for the
// products the backend multiplies on a native unit of this CPU (AMX, AVX512-BF16). `note` says
// what was picked, on which CPU, and what is native, emulated or left f32; it is empty for f32
// by request. With `otherTarget` (code generated for a --target-cpu or --target-triple, not
// for this CPU), whether bf16 is native is the target's, which the driver cannot see: auto is
// then f32, and bf16 says so.
struct PrecisionChoice {
  Precision precision = Precision::f32;
  std::string note;
};
Result<PrecisionChoice> choosePrecision(std::string_view choice, std::string_view backend, bool otherTarget = false);

// Refuses bf16 where the backend cannot run it (dnnl on a CPU without a bf16 unit), saying what would.
Status checkPrecision(const CompileOptions& options);

// How far `got` (a bf16 run's output) lies from `reference` (the f32 run's). The relative error
// of element i is |got_i - ref_i| / max(|ref_i|, mean |ref|): relative where the values are of
// the output's usual size, and against that size near zero, where a plain ratio explodes. The
// norm-wise error ||got - ref||_2 / ||ref||_2 (over the finite elements) weighs each element by
// its size, as a deep network's logits near zero otherwise dominate the maximum.
struct OutputError {
  double maxRelative = 0, meanRelative = 0, normRelative = 0;
  int64_t elements = 0, nanMismatches = 0;
  // For outputs of shape [N, C] with C > 1 (logits, probabilities): rows whose arg-max agrees.
  int64_t rows = 0, top1Agree = 0;
};
Result<OutputError> compareOutput(const Tensor& got, const Tensor& reference);
std::string describe(const OutputError& e);  // "max rel 3.1e-03, mean rel 4.2e-04, top-1 64/64"

}  // namespace graphc::driver
