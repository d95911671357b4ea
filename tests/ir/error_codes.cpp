// Error codes: each one comes from a real failing input.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "frontend/text/parser.h"
#include "ir/builder.h"
#include "ir/npy.h"
#include "ir/verifier.h"

namespace graphc::test {
namespace {

template <class T>
ErrorCode codeOf(const Result<T>& r) {
  REQUIRE_FALSE(r.ok());
  return r.error().code;
}

TEST_CASE("every error code has its own name") {
  CHECK(errorCodeName(ErrorCode::InvalidArgument) == "invalid argument");
  CHECK(errorCodeName(ErrorCode::Parse) == "parse");
  CHECK(errorCodeName(ErrorCode::Unsupported) == "unsupported");
  CHECK(errorCodeName(ErrorCode::Shape) == "shape");
  CHECK(errorCodeName(ErrorCode::IO) == "I/O");
  CHECK(errorCodeName(ErrorCode::OutOfMemory) == "out of memory");
  CHECK(errorCodeName(ErrorCode::Internal) == "internal");
  CHECK(Error("plain").code == ErrorCode::InvalidArgument);
}

TEST_CASE("prefixed keeps the code and prefixes every diagnostic") {
  Error e(ErrorCode::IO, "a");
  e.diags.push_back({{}, "b", {}});
  Error p = std::move(e).prefixed("f: ");
  CHECK(p.code == ErrorCode::IO);
  CHECK(p.diags[0].message == "f: a");
  CHECK(p.diags[1].message == "f: b");
}

TEST_CASE("the text parser gives parse errors") {
  CHECK(codeOf(parseGraph("graph g { %x = ", "bad.graph")) == ErrorCode::Parse);
  std::string broadcast = "graph g {\n  input %x : f32[2,3]\n  input %v : f32[4]\n  %y = add(%x, %v) : f32[2,3]\n  output y = %y\n}\n";
  CHECK(codeOf(parseGraph(broadcast, "s.graph")) == ErrorCode::Parse);  // reported at its line, as the parser's
}

TEST_CASE("shape inference and the verifier give shape errors") {
  TensorType a{DType::f32, {2, 3}}, b{DType::f32, {4}};
  std::vector<TensorType> operands{a, b};
  CHECK(codeOf(inferTypes(OpKind::Add, operands, {})) == ErrorCode::Shape);
  Graph g;
  ValueId x = g.addInput("x", a), y = g.addInput("y", b);
  NodeId n = g.addNode(OpKind::Add, {x, y}, {}, {a}, {"z"});  // as a buggy pass might add it
  g.addOutput("z", g.node(n).results[0]);
  CHECK(codeOf(verify(g)) == ErrorCode::Shape);
}

TEST_CASE("files: a missing one is I/O, a malformed .npy parse, an unknown dtype unsupported") {
  namespace fs = std::filesystem;
  CHECK(codeOf(readNpy("/nonexistent-dir/x.npy")) == ErrorCode::IO);
  CHECK(codeOf(readFile("/nonexistent-dir/model.graph")) == ErrorCode::IO);
  CHECK(codeOf(writeNpy("/nonexistent-dir/x.npy", Tensor::scalar(DType::f32, 1))) == ErrorCode::IO);
  std::string good = encodeNpy(Tensor::scalar(DType::f32, 1));
  CHECK(codeOf(parseNpy(std::span<const char>(good.data(), 8), "cut.npy")) == ErrorCode::Parse);
  std::string u2 = good;
  u2.replace(u2.find("<f4"), 3, "<U2");
  CHECK(codeOf(parseNpy(std::span<const char>(u2.data(), u2.size()), "u2.npy")) == ErrorCode::Unsupported);
}

}  // namespace
}  // namespace graphc::test
