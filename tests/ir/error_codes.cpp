// Error codes: each one comes from a real failing input, and the Builder reports an ill-typed op
// as a value (status()) instead of throwing.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "frontend/text/parser.h"
#include "ir/builder.h"
#include "frontend/npy/npy.h"
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

TEST_CASE("Builder::create reports an ill-typed op as a value, naming the op and the reason") {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {2, 3}}), y = b.input("y", {DType::f32, {4}});
  CHECK(b.status().ok());
  ValueId bad = b.create(OpKind::Add, {x, y});
  ValueId after = b.create(OpKind::Relu, {bad});  // the chain goes on over the stand-in
  CHECK(g.type(after) == g.type(x));
  ValueId second = b.create(OpKind::MatMul, {x, x});  // a second failure does not replace the first
  (void)second;
  Status s = b.status();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::Shape);
  CHECK(s.error().message() == "cannot build 'add': operand shapes f32[2,3] and f32[4] do not broadcast");
}

}  // namespace
}  // namespace graphc::test
