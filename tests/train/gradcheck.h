// Finite-difference checks of gradient rules in f64 on the reference interpreter.
#pragma once

#include <functional>

#include "ir/builder.h"

namespace graphc::test {

// Builds f(params) in a graph of f64 params; returns the value whose gradient is checked.
using BuildFn = std::function<ValueId(Builder& b, const std::vector<ValueId>& params)>;

struct GradCheck {
  double worst = 0;  // largest |analytic - numeric| / max(1, |numeric|)
  std::string where;
  std::string error;  // from autodiff or the interpreter
};

// loss = sum(f(params) * R) for a fixed random R; compares autodiff's gradient of every param
// with central differences (step h). Inputs: param tensors (f64).
GradCheck checkGradients(const std::vector<Tensor>& params, const BuildFn& f, double h = 1e-6);
// The same for a graph built elsewhere (an imported model): the gradient of sum(y * R) with
// respect to the params `ids`, whose data the check perturbs.
GradCheck checkGradientsOf(Graph g, ValueId y, const std::vector<ValueId>& ids, double h = 1e-6);

// checkGradients with doctest checks: no error, and the worst relative difference below tol.
void expectGrad(const std::vector<Tensor>& params, const BuildFn& f, double tol);

// Random f64 data in [lo, hi), every element at least `margin` away from each of `avoid`
// (kinks such as 0 for relu and abs).
Tensor randomF64(Shape shape, uint64_t seed, double lo = -1, double hi = 1, std::vector<double> avoid = {}, double margin = 0.05);

}  // namespace graphc::test
