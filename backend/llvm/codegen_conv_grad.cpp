// conv2d_grad_weight: per weight element, a dot product of a strided input plane with dy over
// the batch and the output rows, vectorized along the output row for a tile of output channels.
#include <llvm/IR/Intrinsics.h>

#include "backend/llvm/codegen_window.h"

namespace graphc::llvmjit {

using llvm::Value;
using Values = Emitter::Values;

// dw[o, ci, kh, kw] = sum over n, oh, ow of x[n, g*cg + ci, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw]
// * dy[n, o, oh, ow] (o in group g), over the taps inside x, as the interpreter sums them.
Status emitConvGradWeight(Emitter& e, const Node& node) {
  const Graph& graph = e.graph;
  OpCtx c{node.info(), {}, node.attrs};
  ValueId dy = node.operands[0], x = node.operands[1], dw = node.results[0];
  const Shape &ys = graph.type(dy).shape, &xs = graph.type(x).shape, &ws = graph.type(dw).shape;
  const auto &s = c.ints("strides"), &p = c.ints("pads"), &d = c.ints("dilations");
  int64_t groups = c.i("group"), batch = xs[0], h = xs[2], w = xs[3], oh = ys[2], ow = ys[3];
  int64_t outPerGroup = ws[0] / groups, cg = ws[1], kh = ws[2], kw = ws[3];
  auto& b = e.b;
  Emitter::KeepRolled rolled(e);
  RowVectors vec(e, graph.type(dw).dtype);
  int64_t lanes = vec.lanes;
  // Up to 8 output channels x up to 2 vectors: each step loads one input vector per vector and
  // a dy vector per accumulator.
  int64_t vectors = std::min<int64_t>(2, (ow + lanes - 1) / lanes), channels = std::min<int64_t>(8 / vectors, outPerGroup);
  int64_t width = vectors * lanes, chunks = (ow + width - 1) / width;
  int64_t full = outPerGroup / channels, rest = outPerGroup % channels, blocks = full + (rest ? 1 : 0);
  bool rowTail = ow % width != 0, contiguous = s[1] == 1;
  // Columns always inside x: no left padding and the last tap of the last output inside.
  bool colsInside = p[1] == 0 && (ow - 1) * s[1] + (kw - 1) * d[1] < w;
  int64_t taps = kh * kw;
  // One item: the weights [oc0, oc0 + rows) x (ci, r, q) of group g.
  auto tile = [&](Value* g, Value* oc0, Value* ci, Value* r, Value* q, int64_t rows) {
    Value* rowStart = b.CreateSub(b.CreateMul(r, e.index(d[0])), e.index(p[0]));
    TapRange outRows = tapsInside(e, rowStart, s[0], oh, h);  // the output rows whose tap r is inside x
    Value* xChannel = b.CreateAdd(b.CreateMul(g, e.index(cg)), ci);
    Value* dyChannel = b.CreateAdd(b.CreateMul(g, e.index(outPerGroup)), oc0);
    Values acc(rows * vectors, vec.zero());
    acc = reduceSteps(e, chunks, acc, [&](Value* chunk, const Values& prior) {
      Value* x0 = b.CreateMul(chunk, e.index(width));
      Value* colStart = b.CreateSub(b.CreateAdd(b.CreateMul(x0, e.index(s[1])), b.CreateMul(q, e.index(d[1]))), e.index(p[1]));
      Values tails, masks, starts, columns;
      for (int64_t v = 0; v < vectors; ++v) {
        Value* first = b.CreateAdd(colStart, e.index(v * lanes * s[1]));
        Value* cols = b.CreateAdd(vec.splat(first), vec.laneOffsets(s[1]));
        Value* tail = rowTail ? vec.lanesBelow(b.CreateSub(e.index(ow - v * lanes), x0)) : nullptr;
        Value* inside = colsInside ? nullptr
                                   : b.CreateAnd(b.CreateICmpSGE(cols, vec.splat(e.index(0))), b.CreateICmpSLT(cols, vec.splat(e.index(w))));
        tails.push_back(tail), masks.push_back(both(e, tail, inside)), starts.push_back(first), columns.push_back(cols);
      }
      Values sums = reduceSteps(e, batch, prior, [&](Value* n, const Values& before) {
        Value* xPlane = b.CreateMul(b.CreateAdd(b.CreateMul(n, e.index(xs[1])), xChannel), e.index(h));
        Value* dyPlane = b.CreateMul(b.CreateAdd(b.CreateMul(n, e.index(ys[1])), dyChannel), e.index(oh));
        return reduceRange(e, outRows.lo, outRows.hi, before, [&](Value* y, const Values& in) {
          Value* xRow = b.CreateMul(b.CreateAdd(xPlane, b.CreateAdd(b.CreateMul(y, e.index(s[0])), rowStart)), e.index(w));
          Value* dyRow = b.CreateAdd(b.CreateMul(b.CreateAdd(dyPlane, y), e.index(ow)), x0);
          Values out = in;
          for (int64_t v = 0; v < vectors; ++v) {
            Value* xv = contiguous ? vec.load(x, b.CreateAdd(xRow, starts[v]), masks[v]) : vec.gather(x, xRow, columns[v], masks[v]);
            for (int64_t k = 0; k < rows; ++k) {
              Value* at = b.CreateAdd(dyRow, e.index(k * oh * ow + v * lanes));
              out[k * vectors + v] = e.intrinsic(llvm::Intrinsic::fma, {xv, vec.load(dy, at, tails[v]), in[k * vectors + v]});
            }
          }
          return out;
        });
      });
      // Taps in the padding add nothing (the interpreter never reads them, so dy's infinities
      // there make no NaN).
      if (!colsInside)
        for (size_t k = 0; k < sums.size(); ++k) sums[k] = vec.select(masks[k % vectors], sums[k], prior[k]);
      return sums;
    });
    Value* wAt = b.CreateAdd(b.CreateMul(b.CreateAdd(b.CreateMul(dyChannel, e.index(cg)), ci), e.index(taps)),
                             b.CreateAdd(b.CreateMul(r, e.index(kw)), q));
    for (int64_t k = 0; k < rows; ++k) {
      Value* total = acc[k * vectors];
      for (int64_t v = 1; v < vectors; ++v) total = b.CreateFAdd(total, acc[k * vectors + v]);
      e.store(dw, b.CreateAdd(wAt, e.index(k * cg * taps)), vec.sum(total));
    }
  };
  int64_t items = groups * blocks * cg * taps;
  forEachItem(e, items, batch * ws[0] * cg * taps * oh * ow, [&](Value* item) {
    Value* q = b.CreateSRem(item, e.index(kw));
    Value* r = b.CreateSRem(b.CreateSDiv(item, e.index(kw)), e.index(kh));
    Value* ci = b.CreateSRem(b.CreateSDiv(item, e.index(taps)), e.index(cg));
    Value* block = b.CreateSRem(b.CreateSDiv(item, e.index(taps * cg)), e.index(blocks));
    Value* g = b.CreateSDiv(item, e.index(taps * cg * blocks));
    Value* oc0 = b.CreateMul(block, e.index(channels));
    if (!rest) return tile(g, oc0, ci, r, q, channels);
    e.ifThenElse(b.CreateICmpSLT(block, e.index(full)), [&] { tile(g, oc0, ci, r, q, channels); },
                 [&] { tile(g, oc0, ci, r, q, rest); });
  });
  return ok();
}

}  // namespace graphc::llvmjit
