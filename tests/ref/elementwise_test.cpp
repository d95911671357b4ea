// Elementwise ops against NumPy: unary, binary with broadcasting, comparisons, where, cast.
#include <doctest/doctest.h>

#include "tests/ref/cases.h"

using namespace graphc;
using namespace graphc::test;

TEST_CASE("unary ops, f32 and f64") {
  const std::pair<const char*, OpKind> ops[] = {
      {"neg", OpKind::Neg},     {"abs", OpKind::Abs},         {"sqrt", OpKind::Sqrt},
      {"exp", OpKind::Exp},     {"log", OpKind::Log},         {"erf", OpKind::Erf},
      {"reciprocal", OpKind::Reciprocal}, {"relu", OpKind::Relu}, {"sigmoid", OpKind::Sigmoid},
      {"tanh", OpKind::Tanh},   {"gelu", OpKind::Gelu}};
  for (const char* dt : {"f32", "f64"}) {
    for (auto [name, op] : ops) checkCase(std::string(name) + "_" + dt, op);
    checkCase(std::string("leaky_relu_") + dt, OpKind::LeakyRelu, attrs({{"alpha", 0.1}}));
    checkCase(std::string("elu_") + dt, OpKind::Elu, attrs({{"alpha", 0.7}}));
    checkCase(std::string("clip_") + dt, OpKind::Clip, attrs({{"min", -0.5}, {"max", 0.3}}));
  }
}

TEST_CASE("unary ops on integers") {
  for (const char* dt : {"i32", "i64"}) {
    checkCase(std::string("neg_") + dt, OpKind::Neg);
    checkCase(std::string("abs_") + dt, OpKind::Abs);
    checkCase(std::string("relu_") + dt, OpKind::Relu);
    checkCase(std::string("clip_") + dt, OpKind::Clip, attrs({{"min", -3.0}, {"max", 4.0}}));
  }
}

TEST_CASE("binary ops with broadcasting, f32 and f64") {
  const std::pair<const char*, OpKind> ops[] = {{"add", OpKind::Add}, {"sub", OpKind::Sub}, {"mul", OpKind::Mul},
                                                {"div", OpKind::Div}, {"pow", OpKind::Pow}, {"min", OpKind::Min},
                                                {"max", OpKind::Max}};
  for (auto [name, op] : ops)
    for (const char* shapes : {"col_row", "vec", "scalar", "same"})
      for (const char* dt : {"f32", "f64"}) checkCase(fmt::format("{}_{}_{}", name, shapes, dt), op);
}

TEST_CASE("binary ops on integers (division truncates toward zero)") {
  const std::pair<const char*, OpKind> ops[] = {{"add", OpKind::Add}, {"sub", OpKind::Sub}, {"mul", OpKind::Mul},
                                                {"div", OpKind::Div}, {"min", OpKind::Min}, {"max", OpKind::Max}};
  for (auto [name, op] : ops)
    for (const char* dt : {"i32", "i64"}) checkCase(fmt::format("{}_col_row_{}", name, dt), op);
}

TEST_CASE("comparisons and where") {
  const std::pair<const char*, OpKind> ops[] = {{"equal", OpKind::Equal}, {"less", OpKind::Less}, {"greater", OpKind::Greater}};
  for (auto [name, op] : ops)
    for (const char* dt : {"f32", "f64", "i32", "i64"}) checkCase(fmt::format("{}_{}", name, dt), op);
  checkCase("equal_bool", OpKind::Equal);
  for (const char* dt : {"f32", "i64", "bool"}) checkCase(fmt::format("where_{}", dt), OpKind::Where);
}

TEST_CASE("cast among dtypes") {
  for (auto [from, to] : {std::pair{"f32", "i32"}, {"f64", "i64"}, {"f32", "bool"}, {"i64", "f64"}, {"bool", "f32"},
                          {"f64", "f32"}, {"i32", "i64"}, {"i64", "i32"}, {"f32", "f64"}, {"i32", "bool"}})
    checkCase(fmt::format("cast_{}_{}", from, to), OpKind::Cast, attrs({{"to", std::string(to)}}));
}
