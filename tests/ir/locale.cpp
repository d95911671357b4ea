// Numbers in the op table's defaults and in the textual IR read and print the same under a
// comma-decimal locale: a host program that calls setlocale must not change what graphc parses.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "ir/attr_spec.h"
#include "tests/comma_locale.h"
#include "tests/ir/text_util.h"

using namespace graphc;
using namespace graphc::test;

namespace {

// The locale really reads "0.5" differently, so the checks below could fail.
void checkTheLocaleBites(const CommaDecimalLocale& comma) {
  if (comma.cLibrary()) {
    CHECK(std::strtod("0.5", nullptr) == 0.0);  // stops at the '.'
  } else {
    MESSAGE("no comma-decimal C locale installed: checking against a C++ numpunct only");
    std::ostringstream os;
    os << 0.5;
    CHECK(os.str() == "0,5");
  }
}

}  // namespace

TEST_CASE("attribute defaults parse the same under a comma-decimal locale") {
  CommaDecimalLocale comma;
  checkTheLocaleBites(comma);
  auto specs = parseAttrSpecs("alpha:float=0.01;lo:float=-inf;hi:float=inf;q:float=nan;eps:float=1e-05;"
                              "k:int=-1;w:floats=[0.5, 2.25];s:ints=[1, 2]");
  REQUIRE(specs.size() == 8);
  CHECK(std::get<double>(*specs[0].defaultValue) == 0.01);
  CHECK(std::get<double>(*specs[1].defaultValue) == -INFINITY);
  CHECK(std::get<double>(*specs[2].defaultValue) == INFINITY);
  CHECK(std::isnan(std::get<double>(*specs[3].defaultValue)));
  CHECK(std::get<double>(*specs[4].defaultValue) == 1e-05);
  CHECK(std::get<int64_t>(*specs[5].defaultValue) == -1);
  CHECK(std::get<std::vector<double>>(*specs[6].defaultValue) == std::vector<double>{0.5, 2.25});
  CHECK(std::get<std::vector<int64_t>>(*specs[7].defaultValue) == std::vector<int64_t>{1, 2});
  CHECK_THROWS_AS(parseAttrSpecs("alpha:float=0,01"), std::logic_error);
  // The op table itself, built on first use (in this process, under this locale).
  CHECK(std::get<double>(*opInfo(OpKind::LeakyRelu).findAttr("alpha")->defaultValue) == 0.01);
  CHECK(std::get<double>(*opInfo(OpKind::Clip).findAttr("min")->defaultValue) == -INFINITY);
}

TEST_CASE("the textual IR prints and parses floats the same under a comma-decimal locale") {
  CommaDecimalLocale comma;
  checkTheLocaleBites(comma);
  Graph g = parseOk(R"(graph m {
  input %x : f32[2]
  const %c : f32[2] = [1.5, -0.25]
  const %d : f64[2] = [0.1, 2.5]
  %y = leaky_relu(%x) {alpha = 0.125} : f32[2]
  %z = add(%y, %c) : f32[2]
  %w = cast(%d) {to = "f32"} : f32[2]
  %v = add(%z, %w) : f32[2]
  output v = %v
}
)");
  const Tensor& c = g.value(g.findValue("c")).data;
  CHECK(c.at(0) == 1.5);
  CHECK(c.at(1) == -0.25);
  CHECK(g.value(g.findValue("d")).data.at(0) == 0.1);
  std::string text = printGraph(g);
  CHECK(text.find("[1.5, -0.25]") != std::string::npos);
  CHECK(text.find("[0.10000000000000001, 2.5]") != std::string::npos);
  CHECK(text.find("alpha = 0.125") != std::string::npos);
  CHECK(printGraph(parseOk(text)) == text);
}
