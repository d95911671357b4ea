// Tensor storage helpers: the transpose importers use for W^T and allocation without a zero fill.
#include <doctest/doctest.h>

#include "ir/tensor.h"

namespace graphc::test {
namespace {

template <class Word>
void checkTranspose(DType dtype, int64_t rows, int64_t cols) {
  Tensor t = Tensor::uninitialized(TensorType{dtype, {rows, cols}});
  for (int64_t i = 0; i < rows * cols; ++i) t.data<Word>()[i] = Word(i * 7 + 3);
  Tensor u = t.transposed2d();
  REQUIRE(u.shape() == Shape{cols, rows});
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) REQUIRE(u.data<Word>()[c * rows + r] == t.data<Word>()[r * cols + c]);
}

TEST_CASE("transposed2d moves every element, at tile edges and for each element size") {
  for (auto [rows, cols] : {std::pair<int64_t, int64_t>{1, 1}, {1, 40}, {40, 1}, {16, 16}, {17, 33}, {512, 10}, {37, 512}}) {
    CAPTURE(rows);
    CAPTURE(cols);
    checkTranspose<uint8_t>(DType::boolean, rows, cols);
    checkTranspose<uint32_t>(DType::f32, rows, cols);
    checkTranspose<uint64_t>(DType::i64, rows, cols);
  }
}

TEST_CASE("a zero-filled tensor stays zero-filled; an uninitialized one has the asked type") {
  Tensor z(TensorType{DType::f32, {3, 5}});
  for (int64_t i = 0; i < z.numel(); ++i) CHECK(z.at(i) == 0.0);
  Tensor u = Tensor::uninitialized(TensorType{DType::f32, {3, 5}});
  CHECK(u.type() == z.type());
  CHECK(!u.empty());
}

}  // namespace
}  // namespace graphc::test
