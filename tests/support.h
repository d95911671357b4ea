// Helpers shared by the doctest suites: test data paths, random tensors, comparisons.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "ir/attr.h"
#include "ir/tensor.h"

namespace graphc::test {

// An attribute map written inline: attrs({{"axis", int64_t{1}}, {"activation", std::string("relu")}}).
inline AttrMap attrs(std::initializer_list<std::pair<std::string, Attr>> list) {
  AttrMap m;
  for (auto& [k, v] : list) m.set(k, v);
  return m;
}

std::string dataPath(const std::string& relative);  // tests/data/<relative>

// tests/data/onnx/<model>_b<batch>_<kind>.npy (kind "in" or "out"): the peers' reference cases.
// Throws (so the test fails with the reason) when the file is missing or malformed.
Tensor referenceCase(const std::string& model, int batch, const std::string& kind);

// The per-op ONNX cases made by tests/data/onnx/gen_op_models.py, sorted by name: each model
// (tests/data/onnx/ops/<name>.onnx) with its inputs <name>.inK.npy and NumPy's expected outputs
// <name>.outK.npy. Throws when a file is malformed.
struct OnnxOpCase {
  std::string name, model;
  std::vector<Tensor> inputs, expected;
};
std::vector<OnnxOpCase> onnxOpCases();

// Uniform in [lo, hi) from a fixed seed, whatever the dtype.
Tensor randomTensor(const TensorType& type, uint64_t seed, double lo = -1.0, double hi = 1.0);

// Whether this CPU has an x86 feature ("avx2", "fma", "avx512f", "avx512bw", "avx512bf16",
// "amx-tile", ...): tests of paths that only some CPUs take assert what the CPU selects.
// Throws on a name it does not know, so a typo cannot silently read as "absent".
bool cpuHas(std::string_view feature);

// Largest |a - b| / max(1, |b|) over all elements; +inf when the types differ.
double maxRelDiff(const Tensor& a, const Tensor& b);
double maxAbsDiff(const Tensor& a, const Tensor& b);

}  // namespace graphc::test
