// The backend conformance cases: small graphs, each run on a backend and on the interpreter
// with the same random inputs, named "<op>/<variant>" so that a failure names the op.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "ir/builder.h"
#include "tests/support.h"

namespace graphc::test {

struct OpCase {
  std::string name;  // "<op>/<variant>": the op's name in ops.def, then what varies
  OpKind op;         // the op under test (the coverage check counts these)
  Graph graph;
  double lo = -1, hi = 1;  // inputs drawn uniformly from [lo, hi) (integers: floored)
  double tol = 1e-5;       // relative to max(1, |ref|); integer and bool results are exact
  uint64_t seed = 1;
};

// Every conformance case, built once (cases_*.cpp, one file per group of ops).
const std::vector<OpCase>& opCases();
void addElementwiseCases(std::vector<OpCase>& out);
void addMovementCases(std::vector<OpCase>& out);
void addNormCases(std::vector<OpCase>& out);
void addLinalgCases(std::vector<OpCase>& out);
void addConvCases(std::vector<OpCase>& out);
void addTrainOpCases(std::vector<OpCase>& out);
void addBf16Cases(std::vector<OpCase>& out);

// A run that must fail on every backend, with a message containing `error`.
struct ErrorCase {
  std::string name;
  Graph graph;
  std::vector<Tensor> inputs;
  std::string error;
};
std::vector<ErrorCase> errorCases();

using Ints = std::vector<int64_t>;

inline std::string dims(const Shape& s) { return "[" + shapeStr(s) + "]"; }

inline Tensor randomF32(Shape s, uint64_t seed, double lo = -1, double hi = 1) {
  return randomTensor({DType::f32, std::move(s)}, seed, lo, hi);
}

// The activations a fused dense or conv2d takes, and their attributes (alpha, beta where used).
inline constexpr const char* kActivations[] = {"none", "relu", "leaky_relu", "gelu", "sigmoid", "tanh", "clip", "elu", "silu"};
AttrMap activationAttrs(const std::string& activation);

// One node of op over graph inputs x0, x1, ... of the given types, where `consts[i]` (when
// given and not empty) makes operand i a constant instead; every result is an output.
Graph oneOpGraph(OpKind op, const std::vector<TensorType>& inputs, AttrMap a = {}, const std::vector<Tensor>& consts = {});

}  // namespace graphc::test
