// Helpers shared by the doctest suites: test data paths, random tensors, comparisons.
#pragma once

#include <string>

#include "ir/tensor.h"

namespace graphc::test {

std::string dataPath(const std::string& relative);  // tests/data/<relative>

// tests/data/onnx/<model>_b<batch>_<kind>.npy (kind "in" or "out"): the peers' reference cases.
// Throws (so the test fails with the reason) when the file is missing or malformed.
Tensor referenceCase(const std::string& model, int batch, const std::string& kind);

// Uniform in [lo, hi) from a fixed seed, whatever the dtype.
Tensor randomTensor(const TensorType& type, uint64_t seed, double lo = -1.0, double hi = 1.0);

// Largest |a - b| / max(1, |b|) over all elements; +inf when the types differ.
double maxRelDiff(const Tensor& a, const Tensor& b);
double maxAbsDiff(const Tensor& a, const Tensor& b);

}  // namespace graphc::test
