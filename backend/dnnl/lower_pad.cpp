// pad and pad_grad on our kernels: pad copies rows (memcpy for the interior of the last axis)
// and fills the rest, bytewise for every dtype; pad_grad sums dy back along the same map.
#include <algorithm>
#include <cstring>

#include "backend/dnnl/kernels.h"
#include "backend/dnnl/lowering.h"
#include "ir/pad.h"

namespace graphc::dnnl {
namespace {

constexpr int64_t kParallelMin = 1 << 15;

// Pad's index rule split into rows: the input row each output row reads (-1: all fill) and,
// along the last axis, the input column each output column reads (-1: fill).
struct PadRows {
  std::vector<int64_t> rowSource, colSource;
  int64_t inCols = 1, begin = 0, dim = 1;  // the last axis: [begin, begin + dim) is a plain copy

  PadRows(const Shape& in, const std::vector<int64_t>& pads, PadMode mode) {
    size_t rank = in.size();
    if (rank == 0) {
      rowSource = {0}, colSource = {0};
      return;
    }
    std::vector<std::vector<int64_t>> maps(rank);
    for (size_t d = 0; d < rank; ++d) maps[d] = padSourceMap(mode, pads[d], in[d], pads[d + rank]);
    colSource = maps[rank - 1];
    inCols = in[rank - 1], begin = pads[rank - 1], dim = in[rank - 1];
    rowSource = {0};  // rows of the leading axes, built axis by axis in row-major order
    int64_t inRows = 1;
    for (size_t d = rank - 1; d-- > 0;) inRows *= in[d];
    int64_t stride = inRows;  // input rows per step of axis d
    for (size_t d = 0; d + 1 < rank; ++d) {
      stride /= in[d] ? in[d] : 1;
      std::vector<int64_t> next;
      next.reserve(rowSource.size() * maps[d].size());
      for (int64_t r : rowSource)
        for (int64_t s : maps[d]) next.push_back(r < 0 || s < 0 ? -1 : r + s * stride);
      rowSource = std::move(next);
    }
  }
};

class Pad final : public Kernel {
 public:
  Pad(size_t es, PadRows rows, const Tensor& fill, int in, int out) : es_(es), rows_(std::move(rows)), in_(in), out_(out) {
    std::memcpy(fill_, fill.raw(), es);
  }
  Status run(void* const* buf) const override {
    const char* src = static_cast<const char*>(buf[in_]);
    char* dst = static_cast<char*>(buf[out_]);
    int64_t nRows = (int64_t)rows_.rowSource.size(), cols = (int64_t)rows_.colSource.size();
    size_t rowBytes = (size_t)cols * es_;
#pragma omp parallel for if (nRows * cols > kParallelMin) schedule(static)
    for (int64_t r = 0; r < nRows; ++r) {
      char* y = dst + (size_t)r * rowBytes;
      int64_t s = rows_.rowSource[r];
      const char* x = s < 0 ? nullptr : src + (size_t)(s * rows_.inCols) * es_;
      for (int64_t j = 0; j < cols; ++j) {
        if (x && j == rows_.begin && rows_.dim > 0) {  // the interior: one copy
          std::memcpy(y + (size_t)j * es_, x, (size_t)rows_.dim * es_);
          j += rows_.dim - 1;
          continue;
        }
        int64_t c = rows_.colSource[j];
        std::memcpy(y + (size_t)j * es_, x && c >= 0 ? x + (size_t)c * es_ : fill_, es_);
      }
    }
    return ok();
  }

 private:
  size_t es_;
  PadRows rows_;
  char fill_[8] = {};
  int in_, out_;
};

// dx = 0, then dx[source] += dy along pad's map; serial, since reflect and edge map several dy
// elements onto one dx element.
template <class T>
class PadGrad final : public Kernel {
 public:
  PadGrad(PadRows rows, int64_t outNumel, int dy, int dx) : rows_(std::move(rows)), n_(outNumel), dy_(dy), dx_(dx) {}
  Status run(void* const* buf) const override {
    const T* dy = static_cast<const T*>(buf[dy_]);
    T* dx = static_cast<T*>(buf[dx_]);
    std::fill(dx, dx + n_, T(0));
    int64_t cols = (int64_t)rows_.colSource.size();
    for (size_t r = 0; r < rows_.rowSource.size(); ++r) {
      int64_t s = rows_.rowSource[r];
      if (s < 0) continue;
      T* x = dx + s * rows_.inCols;
      const T* g = dy + (int64_t)r * cols;
      for (int64_t j = 0; j < cols; ++j)
        if (int64_t c = rows_.colSource[j]; c >= 0) x[c] += g[j];
    }
    return ok();
  }

 private:
  PadRows rows_;
  int64_t n_;
  int dy_, dx_;
};

}  // namespace

Status lowerPad(Lowering& L, const Node& n) {
  std::vector<TensorType> types = L.graph.types(n.operands);
  OpCtx c{n.info(), types, n.attrs};
  const TensorType& out = L.type(n.results[0]);
  PadMode mode = *parsePadMode(c.s("mode"));
  int in = L.plainBuffer(n.operands[0]), o = L.defineResult(n.results[0]);
  if (n.op == OpKind::Pad) {
    PadRows rows(types[0].shape, c.ints("pads"), mode);
    L.addKernel(std::make_unique<Pad>(dtypeSize(out.dtype), std::move(rows), Tensor::scalar(out.dtype, c.f("value")), in, o),
                {in}, {o}, L.describe(n));
    return ok();
  }
  PadRows rows(out.shape, c.ints("pads"), mode);
  std::unique_ptr<Kernel> k;
  switch (out.dtype) {
    case DType::f32: k = std::make_unique<PadGrad<float>>(std::move(rows), out.numel(), in, o); break;
    case DType::f64: k = std::make_unique<PadGrad<double>>(std::move(rows), out.numel(), in, o); break;
    case DType::i32: k = std::make_unique<PadGrad<int32_t>>(std::move(rows), out.numel(), in, o); break;
    case DType::i64: k = std::make_unique<PadGrad<int64_t>>(std::move(rows), out.numel(), in, o); break;
    default: return Error(fmt::format("no kernel for {}", out.str()));
  }
  L.addKernel(std::move(k), {in}, {o}, L.describe(n));
  return ok();
}

}  // namespace graphc::dnnl
