// Helpers of the ref tests: running a generated NumPy case.
#pragma once

#include <fmt/format.h>

#include <initializer_list>
#include <string>

#include "ir/graph.h"
#include "tests/support.h"

namespace graphc::test {

using Ints = std::vector<int64_t>;

// Loads tests/data/ref/<name>.in<i>.npy, builds the one-node graph `op(x0, x1, ...) {attrs}`
// (the same graph as <name>.graph), interprets it and checks the result against
// <name>.out.npy: exactly for ints and bool, within 1e-5 (f32) or 1e-12 (f64) relative.
void checkCase(const std::string& name, OpKind op, const AttrMap& attrs = {});

// The tolerance check alone, for tests that compute their own expected tensor.
void checkClose(const Tensor& got, const Tensor& want, const std::string& what);

}  // namespace graphc::test
