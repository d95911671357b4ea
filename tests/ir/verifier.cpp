// Shape inference and the verifier: each kind of malformed graph is rejected with a precise message.
#include <doctest/doctest.h>

#include "ir/builder.h"
#include "ir/verifier.h"

namespace graphc::test {
namespace {

AttrMap attrs(std::initializer_list<std::pair<const char*, Attr>> list) {
  AttrMap m;
  for (auto& [k, v] : list) m.set(k, v);
  return m;
}

// A graph with one node added without inference (as a buggy pass might), checked by verify().
std::string verifyOne(OpKind op, std::vector<TensorType> operandTypes, AttrMap a, TensorType result) {
  Graph g;
  std::vector<ValueId> operands;
  for (size_t i = 0; i < operandTypes.size(); ++i) operands.push_back(g.addInput("x" + std::to_string(i), operandTypes[i]));
  NodeId n = g.addNode(op, operands, std::move(a), {std::move(result)}, {"y"});
  g.addOutput("y", g.node(n).results[0]);
  auto s = verify(g);
  return s.ok() ? "ok" : s.error().message();
}

const TensorType f23{DType::f32, {2, 3}};

TEST_CASE("verify: operand count, dtype and broadcasting") {
  CHECK(verifyOne(OpKind::Add, {f23}, {}, f23) == "'add' node defining %y: 'add' takes 2 operand(s), got 1");
  CHECK(verifyOne(OpKind::Dense, {f23}, {}, f23) == "'dense' node defining %y: 'dense' takes 3 to 4 operand(s), got 1");
  CHECK(verifyOne(OpKind::Sqrt, {{DType::i64, {2}}}, {}, {DType::i64, {2}}) ==
        "'sqrt' node defining %y: 'sqrt' needs floating-point operands, operand #0 is i64[2]");
  CHECK(verifyOne(OpKind::Add, {f23, {DType::f64, {2, 3}}}, {}, f23) ==
        "'add' node defining %y: operand dtypes differ: f32[2,3] and f64[2,3]");
  CHECK(verifyOne(OpKind::Add, {f23, {DType::f32, {4}}}, {}, f23) ==
        "'add' node defining %y: operand shapes f32[2,3] and f32[4] do not broadcast");
  CHECK(verifyOne(OpKind::Where, {f23, f23, f23}, {}, f23) ==
        "'where' node defining %y: condition must be bool, got f32[2,3]");
}

TEST_CASE("verify: movement ops") {
  CHECK(verifyOne(OpKind::Reshape, {f23}, attrs({{"shape", std::vector<int64_t>{4}}}), {DType::f32, {4}}) ==
        "'reshape' node defining %y: cannot reshape f32[2,3] (6 elements) to [4] (4 elements)");
  CHECK(verifyOne(OpKind::Reshape, {f23}, attrs({{"shape", std::vector<int64_t>{-1, 3}}}), f23) ==
        "'reshape' node defining %y: reshape target [-1x3] has a negative dimension (graphc shapes are static)");
  CHECK(verifyOne(OpKind::Transpose, {f23}, attrs({{"perm", std::vector<int64_t>{0, 0}}}), f23) ==
        "'transpose' node defining %y: perm is not a permutation of 0..1");
  CHECK(verifyOne(OpKind::Transpose, {f23}, attrs({{"perm", std::vector<int64_t>{0}}}), f23) ==
        "'transpose' node defining %y: perm has 1 entries for a rank-2 operand");
  CHECK(verifyOne(OpKind::Concat, {f23, {DType::f32, {3, 3}}}, attrs({{"axis", int64_t{1}}}), f23) ==
        "'concat' node defining %y: operand #1 is f32[3,3]: dimension 0 differs from f32[2,3]");
  CHECK(verifyOne(OpKind::Gather, {f23, {DType::f32, {2}}}, {}, f23) ==
        "'gather' node defining %y: indices must be i32 or i64, got f32[2]");
  CHECK(verifyOne(OpKind::Cast, {f23}, attrs({{"to", std::string("f8")}}), f23) ==
        "'cast' node defining %y: cannot cast to 'f8'");
}

TEST_CASE("verify: matmul, dense and conv") {
  CHECK(verifyOne(OpKind::MatMul, {f23, {DType::f32, {4, 5}}}, {}, {DType::f32, {2, 5}}) ==
        "'matmul' node defining %y: contraction sizes differ: f32[2,3] and f32[4,5]");
  CHECK(verifyOne(OpKind::Dense, {f23, {DType::f32, {3, 4}}, {DType::f32, {5}}}, {}, {DType::f32, {2, 4}}) ==
        "'dense' node defining %y: bias must be [4], got f32[5]");
  CHECK(verifyOne(OpKind::Dense, {f23, {DType::f32, {3, 4}}, {DType::f32, {4}}}, attrs({{"activation", std::string("swish")}}),
                  {DType::f32, {2, 4}}) == "'dense' node defining %y: unknown activation 'swish'");
  TensorType img{DType::f32, {1, 4, 5, 5}}, w{DType::f32, {6, 2, 3, 3}}, b{DType::f32, {6}};
  CHECK(verifyOne(OpKind::Conv2d, {img, w, b}, attrs({{"group", int64_t{3}}}), img) ==
        "'conv2d' node defining %y: group 3 does not divide the channels of f32[1,4,5,5] and f32[6,2,3,3]");
  CHECK(verifyOne(OpKind::Conv2d, {img, w, b}, {}, img) ==
        "'conv2d' node defining %y: weights f32[6,2,3,3] expect 2 input channels, input f32[1,4,5,5] has 4");
  CHECK(verifyOne(OpKind::MaxPool2d, {img}, attrs({{"kernel", std::vector<int64_t>{9, 9}}}), img) ==
        "'max_pool2d' node defining %y: kernel 9x9 does not fit the padded input f32[1,4,5,5]");
}

TEST_CASE("verify: attributes") {
  CHECK(verifyOne(OpKind::Reshape, {f23}, {}, f23) == "'reshape' node defining %y: 'reshape' requires attribute 'shape'");
  CHECK(verifyOne(OpKind::Relu, {f23}, attrs({{"alpha", 0.1}}), f23) == "'relu' node defining %y: 'relu' has no attribute 'alpha'");
  CHECK(verifyOne(OpKind::Softmax, {f23}, attrs({{"axis", 1.0}}), f23) ==
        "'softmax' node defining %y: attribute 'axis' of 'softmax' must be int, got float");
  CHECK(verifyOne(OpKind::Softmax, {f23}, attrs({{"axis", int64_t{2}}}), f23) ==
        "'softmax' node defining %y: axis 2 is out of range for f32[2,3]");
  CHECK(verifyOne(OpKind::ReduceSum, {f23}, attrs({{"axes", std::vector<int64_t>{1, -1}}}), f23) ==
        "'reduce_sum' node defining %y: reduction axis -1 appears twice");
}

TEST_CASE("verify: result types must match inference") {
  CHECK(verifyOne(OpKind::Relu, {f23}, {}, {DType::f32, {6}}) ==
        "'relu' node defining %y: result type f32[6] does not match the inferred type f32[2,3]");
  CHECK(verifyOne(OpKind::Relu, {f23}, {}, f23) == "ok");
}

TEST_CASE("verify: structure") {
  SUBCASE("use before def; finalize puts the nodes in order") {
    Graph g;
    ValueId x = g.addInput("x", f23);
    // %a uses %b, which is defined after it.
    NodeId a = g.addNode(OpKind::Relu, {x + 2}, {}, {f23}, {"a"});
    g.addNode(OpKind::Neg, {x}, {}, {f23}, {"b"});
    g.addOutput("y", g.node(a).results[0]);
    auto s = verify(g);
    REQUIRE(!s.ok());
    CHECK(s.error().message() == "'relu' node defining %a: operand #0 is used before it is defined");
    REQUIRE(g.finalize().ok());
    CHECK(verify(g).ok());
    CHECK(g.value(g.nodes[0].results[0]).name == "b");
  }
  SUBCASE("a cycle is an error from finalize") {
    Graph g;
    ValueId x = g.addInput("x", f23);
    NodeId a = g.addNode(OpKind::Add, {x, x + 2}, {}, {f23}, {"a"});
    g.addNode(OpKind::Neg, {x + 1}, {}, {f23}, {"b"});
    g.addOutput("y", g.node(a).results[0]);
    auto s = g.finalize();
    REQUIRE(!s.ok());
    CHECK(s.error().message() == "graph has a cycle (or uses an undefined value) at the node defining '%a'");
  }
  SUBCASE("outputs, params and empty graphs") {
    Graph g;
    ValueId x = g.addInput("x", f23);
    g.addOutput("y", x + 5);
    g.addConstant("p", Tensor(TensorType{DType::i64, {2}}), ValueKind::Param);
    auto s = verify(g);
    REQUIRE(!s.ok());
    REQUIRE(s.error().diags.size() == 2);
    CHECK(s.error().diags[0].message == "parameter '%p' must be floating-point, got i64[2]");
    CHECK(s.error().diags[1].message == "output 'y' refers to an undefined value");
    Graph empty;
    CHECK(verify(empty).error().message() == "graph 'main' has no outputs");
  }
}

TEST_CASE("shape inference on valid corner cases") {
  auto infer = [](OpKind op, std::vector<TensorType> in, AttrMap a = {}) {
    auto r = inferTypes(op, in, a);
    return r.ok() ? r->front().str() : r.error().message();
  };
  CHECK(infer(OpKind::MatMul, {{DType::f32, {3}}, {DType::f32, {2, 3, 4}}}) == "f32[2,4]");
  CHECK(infer(OpKind::Slice, {f23}, attrs({{"starts", std::vector<int64_t>{-1}}, {"ends", std::vector<int64_t>{-10}},
                                           {"axes", std::vector<int64_t>{1}}, {"steps", std::vector<int64_t>{-1}}})) ==
        "f32[2,3]");
  CHECK(infer(OpKind::Gather, {f23, {DType::i32, {4, 5}}}, attrs({{"axis", int64_t{-1}}})) == "f32[2,4,5]");
  CHECK(infer(OpKind::Expand, {{DType::f32, {3, 1}}}, attrs({{"shape", std::vector<int64_t>{2, 1, 4}}})) == "f32[2,3,4]");
  CHECK(infer(OpKind::ReduceMax, {f23}, attrs({{"keepdims", int64_t{0}}})) == "f32[]");
  CHECK(infer(OpKind::Less, {f23, {DType::f32, {}}}) == "bool[2,3]");
}

}  // namespace
}  // namespace graphc::test
