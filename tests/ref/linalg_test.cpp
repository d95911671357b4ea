// MatMul, Dense, convolution and pooling against NumPy.
#include <doctest/doctest.h>

#include "tests/ref/cases.h"

using namespace graphc;
using namespace graphc::test;

TEST_CASE("matmul: 1-D, 2-D and batched with broadcasting") {
  for (const char* tag : {"vv", "vm", "mv", "mm", "batched", "bcast_mat"})
    for (const char* dt : {"f32", "f64"}) checkCase(fmt::format("matmul_{}_{}", tag, dt), OpKind::MatMul);
}

TEST_CASE("dense with each activation") {
  checkCase("dense_none", OpKind::Dense);
  checkCase("dense_relu", OpKind::Dense, attrs({{"activation", std::string("relu")}}));
  checkCase("dense_leaky_relu", OpKind::Dense, attrs({{"activation", std::string("leaky_relu")}, {"alpha", 0.1}}));
  checkCase("dense_gelu", OpKind::Dense, attrs({{"activation", std::string("gelu")}}));
  checkCase("dense_sigmoid", OpKind::Dense, attrs({{"activation", std::string("sigmoid")}}));
  checkCase("dense_tanh", OpKind::Dense, attrs({{"activation", std::string("tanh")}}));
  checkCase("dense_clip", OpKind::Dense, attrs({{"activation", std::string("clip")}, {"alpha", -0.2}, {"beta", 0.5}}));
  checkCase("dense_elu", OpKind::Dense, attrs({{"activation", std::string("elu")}, {"alpha", 0.8}}));
}

TEST_CASE("dense with a residual") {
  checkCase("dense_residual_f64", OpKind::Dense, attrs({{"activation", std::string("relu")}}));
  checkCase("dense_residual_vec", OpKind::Dense, attrs({{"activation", std::string("tanh")}}));
}
