// llvm backend: reshape, transpose, slice, concat, expand and gather against the interpreter on
// every dtype, odd and empty shapes; out-of-range gather indices are an error at run time.
#include "tests/llvm/check.h"

namespace graphc::test {

using Ints = std::vector<int64_t>;
static const DType kAll[] = {DType::f32, DType::f64, DType::i32, DType::i64, DType::boolean};

TEST_CASE("llvm: reshape, transpose and expand on every dtype") {
  for (DType t : kAll) {
    INFO(dtypeName(t));
    checkAgainstRef(opGraph(OpKind::Reshape, {{t, {3, 5, 17}}}, attrs({{"shape", Ints{17, 15}}})), 0, 1, -9, 9, true);
    checkAgainstRef(opGraph(OpKind::Reshape, {{t, {0, 4}}}, attrs({{"shape", Ints{4, 0}}})), 0, 1);
    for (const Ints& perm : {Ints{2, 0, 1}, Ints{1, 0, 2}, Ints{0, 2, 1}, Ints{2, 1, 0}})
      checkAgainstRef(opGraph(OpKind::Transpose, {{t, {3, 5, 17}}}, attrs({{"perm", perm}})), 0, 2, -9, 9, true);
    checkAgainstRef(opGraph(OpKind::Transpose, {{t, {1023, 1}}}, attrs({{"perm", Ints{1, 0}}})), 0, 2, -9, 9);
    checkAgainstRef(opGraph(OpKind::Expand, {{t, {3, 1, 17}}}, attrs({{"shape", Ints{2, 3, 5, 17}}})), 0, 3, -9, 9, true);
    checkAgainstRef(opGraph(OpKind::Expand, {{t, {}}}, attrs({{"shape", Ints{7, 1}}})), 0, 3, -9, 9);
    checkAgainstRef(opGraph(OpKind::Expand, {{t, {1, 5}}}, attrs({{"shape", Ints{0, 5}}})), 0, 3, -9, 9);
  }
}

TEST_CASE("llvm: contiguous runs are copied by memcpy, strided ones by a loop") {
  auto reshape = llvmjit::optimizedIR(opGraph(OpKind::Reshape, {{DType::f32, {3, 5, 17}}}, attrs({{"shape", Ints{17, 15}}})));
  auto transpose = llvmjit::optimizedIR(opGraph(OpKind::Transpose, {{DType::f32, {3, 5, 17}}}, attrs({{"perm", Ints{2, 0, 1}}})));
  REQUIRE((reshape.ok() && transpose.ok()));
  CHECK(reshape->find("memcpy") != std::string::npos);
  CHECK(transpose->find("memcpy") == std::string::npos);
}

TEST_CASE("llvm: slice with steps, negative indices and clamping") {
  struct Case { Ints starts, ends, axes, steps; };
  const Case cases[] = {{{1}, {4}, {0}, {}},
                        {{0, 2}, {3, 17}, {1, 2}, {2, 3}},
                        {{-1}, {-100}, {2}, {-2}},
                        {{10}, {100}, {0}, {}},
                        {{4, -3}, {0, -100}, {1, 2}, {-1, -5}}};
  for (DType t : kAll)
    for (const Case& c : cases) {
      INFO(dtypeName(t), " starts ", shapeStr(c.starts), " steps ", shapeStr(c.steps));
      AttrMap a = attrs({{"starts", c.starts}, {"ends", c.ends}, {"axes", c.axes}, {"steps", c.steps}});
      checkAgainstRef(opGraph(OpKind::Slice, {{t, {3, 5, 17}}}, a), 0, 4, -9, 9, true);
    }
}

TEST_CASE("llvm: concat along every axis, with empty parts") {
  for (DType t : kAll)
    for (int64_t axis : {0, 1, 2, -1}) {
      INFO(dtypeName(t), " axis ", axis);
      Shape a{3, 5, 17}, b{3, 5, 17}, c{3, 5, 17};
      size_t d = (size_t)(axis < 0 ? axis + 3 : axis);
      b[d] = 1, c[d] = 0;
      checkAgainstRef(opGraph(OpKind::Concat, {{t, a}, {t, b}, {t, c}, {t, a}}, attrs({{"axis", axis}})), 0, 5, -9, 9, true);
    }
}

TEST_CASE("llvm: gather with i32 and i64 indices, negative ones counting from the end") {
  for (DType t : kAll)
    for (DType it : {DType::i32, DType::i64})
      for (int64_t axis : {0, 1, 2}) {
        INFO(dtypeName(t), " indices ", dtypeName(it), " axis ", axis);
        Graph g = opGraph(OpKind::Gather, {{t, {3, 5, 17}}, {it, {2, 4}}}, attrs({{"axis", axis}}));
        std::vector<Tensor> in = makeInputs(g, 6, -3, 3, true);
        checkAgainstRef(g, in, 0);
      }
  Graph g = opGraph(OpKind::Gather, {{DType::f32, {3, 5}}, {DType::i64, {2}}}, attrs({{"axis", 1}}));
  auto exe = llvmjit::prepare(g, {});
  REQUIRE(exe.ok());
  auto ctx = contextOf(**exe);
  std::vector<Tensor> out = (*exe)->makeOutputs();
  std::vector<Tensor> in = {randomTensor({DType::f32, {3, 5}}, 1), Tensor::fromVector<double>(DType::i64, {2}, {1, 5})};
  Status st = (*exe)->run(*ctx, in, out);
  REQUIRE(!st.ok());
  CHECK(st.error().message() == "gather: an index is out of range for axis 1 of size 5");
}

}  // namespace graphc::test
