// conv2d (with its fused bias, activation and residual) and conv2d_grad_input as one direct
// convolution kernel: a register tile of output channels x vectors along an output row,
// accumulated by vector FMAs over the reduced channels and the kernel taps; no im2col.
#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>

#include "backend/llvm/codegen_window.h"

namespace graphc::llvmjit {
namespace {

using llvm::Value;
using Values = Emitter::Values;

// Where output position o with kernel tap k reads along one axis: t = o * mul + k * kmul + add,
// the position t / div of an input of `extent`, when t divides by div and lies in range. The
// forward convolution has div 1; its input gradient runs the map backwards with div = stride.
struct AxisMap {
  int64_t mul, kmul, add, div, extent;
  // Whether every output position in [lo, hi) and tap below `taps` reads inside.
  bool inside(int64_t lo, int64_t hi, int64_t taps) const {
    int64_t lowest = lo * mul + add + std::min<int64_t>(0, (taps - 1) * kmul);
    int64_t highest = (hi - 1) * mul + add + std::max<int64_t>(0, (taps - 1) * kmul);
    return div == 1 && lowest >= 0 && highest < extent;
  }
};

// out[n, g*outPerGroup + oc, y, x] = act(bias + sum over rc, kh, kw of
//   w[g*wGroup + oc*wOut + rc*wReduced + kh*kw' + kw] * in[n, g*reducedPerGroup + rc, rows(y, kh), cols(x, kw)]) [+ residual]
struct DirectConv {
  ValueId in, w, out;
  int64_t batch, groups, outPerGroup, reducedPerGroup;
  int64_t inH, inW, outH, outW, kh, kw;
  int64_t wGroup, wOut, wReduced;
  AxisMap rows, cols;
  std::optional<ValueId> bias, residual;
  Activation act = Activation::None;
  double alpha = 0, beta = 0;
};

// The register tile: `channels` output channels x `vectors` vectors along the row, at most 12
// accumulators (of AVX2's 16 registers, leaving room for the input vectors and a weight), and
// whether the checked vectors at the row's ends widen to whole vectors (RowPlan).
struct Tile {
  int64_t channels, vectors;
  bool widenChecked = false;
};

// How an output row runs: checked vectors over [0, lo), whole unchecked chunks of the tile's
// width from lo, then `rest` columns unchecked with fewer vectors (the last masked), then
// checked vectors over [hi, outW). [lo, hi) are the columns whose every tap reads inside.
struct RowPlan {
  int64_t lo, hi, wholeChunks, rest;
};

int64_t vectorsFor(int64_t columns, int64_t lanes) { return (columns + lanes - 1) / lanes; }

// With `widen`, the checked vectors at either end take whole vectors' worth of columns: the
// same work covers more of the row and leaves less to the unchecked chunks (which wins when
// it saves a whole chunk).
RowPlan planRow(int64_t lo, int64_t hi, int64_t outW, int64_t width, int64_t lanes, bool widen) {
  int64_t right = outW - hi;
  if (widen) {
    lo = std::min(hi, vectorsFor(lo, lanes) * lanes);
    hi = std::max(lo, outW - vectorsFor(right, lanes) * lanes);
  }
  RowPlan p{lo, hi, (hi - lo) / width, (hi - lo) % width};
  // The rest goes to the checked vectors at the right end when that costs less: a checked
  // vector costs about two unchecked ones (its FMAs are not shared by a second vector).
  right = outW - hi;
  if (p.rest && right && 2 * vectorsFor(p.rest + right, lanes) < vectorsFor(p.rest, lanes) + 2 * vectorsFor(right, lanes))
    p.hi -= p.rest, p.rest = 0;
  return p;
}

// The tile that needs the fewest cycles over a row of every channel, counting per step of the
// reduction max(FMAs, loads) / 2 (two FMA and two load ports) for the row's plan, lanes past
// the row end included. An input vector load counts three (unaligned, often split over two
// cache lines, often from L2: measured on Zen 3, 6x2 beats 4x3 and 12x1 by 7 and 14 %); one
// of a strided row `stride` loads and as many shuffles; a checked vector twice an unchecked
// one, and the rest of the interior as much as a whole chunk.
Tile chooseTile(int64_t channels, int64_t colLo, int64_t colHi, int64_t outW, int64_t lanes, int64_t stride) {
  Tile best{1, 1};
  int64_t bestCost = INT64_MAX;
  for (bool widen : {false, true})
    for (int64_t vectors = 1; vectors <= 4; ++vectors) {
      int64_t rows = std::min<int64_t>(12 / vectors, channels);
      auto step = [&](int64_t v) { return std::max(rows * v, rows + 3 * v * (stride == 1 ? 1 : 2 * stride)); };
      RowPlan p = planRow(colLo, colHi, outW, vectors * lanes, lanes, widen);
      int64_t row = (p.wholeChunks + (p.rest ? 1 : 0)) * step(vectors) +
                    2 * step(1) * (vectorsFor(p.lo, lanes) + vectorsFor(outW - p.hi, lanes));
      int64_t cost = (channels + rows - 1) / rows * row;
      if (cost < bestCost) best = {rows, vectors, widen}, bestCost = cost;
    }
  return best;
}

// Output columns [lo, hi) whose every tap reads inside the input (both 0 when none do).
std::pair<int64_t, int64_t> insideColumns(const DirectConv& c) {
  int64_t lo = 0, hi = 0;
  while (lo < c.outW && !c.cols.inside(lo, lo + 1, c.kw)) ++lo;
  for (hi = lo; hi < c.outW && c.cols.inside(hi, hi + 1, c.kw);) ++hi;
  return lo < hi ? std::pair{lo, hi} : std::pair{c.outW, c.outW};
}

// The input row a tap reads, and whether it is inside (null: always).
struct Row {
  Value *at, *inside;
};

Row inputRow(Emitter& e, const AxisMap& m, bool alwaysInside, Value* y, Value* k) {
  auto& b = e.b;
  Value* t = b.CreateAdd(b.CreateAdd(b.CreateMul(y, e.index(m.mul)), b.CreateMul(k, e.index(m.kmul))), e.index(m.add));
  if (alwaysInside) return {t, nullptr};
  Value* inside = b.CreateAnd(b.CreateICmpSGE(t, e.index(0)), b.CreateICmpSLT(t, e.index(m.extent * m.div)));
  if (m.div > 1) inside = b.CreateAnd(inside, b.CreateICmpEQ(b.CreateSRem(t, e.index(m.div)), e.index(0)));
  Value* at = m.div > 1 ? b.CreateSDiv(t, e.index(m.div)) : t;
  return {b.CreateSelect(inside, at, e.index(0)), inside};  // a row outside is read at row 0, then dropped
}

// Output row y of channels [oc0, oc0 + tile.channels) of group g of image n, in chunks of
// tile.vectors vectors; rowInside says that every tap of the row reads a row of the input.
void convRow(Emitter& e, const DirectConv& c, RowVectors& vec, Value* n, Value* g, Value* oc0, Tile tile, Value* y, bool rowInside) {
  auto& b = e.b;
  int64_t lanes = vec.lanes, width = tile.vectors * lanes;
  bool contiguous = c.cols.mul == 1 && c.cols.div == 1;
  auto [colLo, colHi] = insideColumns(c);
  RowPlan plan = planRow(colLo, colHi, c.outW, width, lanes, tile.widenChecked);
  int64_t inPlane = c.inH * c.inW, outPlane = c.outH * c.outW;
  Value* inBase = b.CreateMul(b.CreateAdd(b.CreateMul(n, e.index(c.groups * c.reducedPerGroup)),
                                          b.CreateMul(g, e.index(c.reducedPerGroup))), e.index(inPlane));
  Value* wBase = b.CreateAdd(b.CreateMul(g, e.index(c.wGroup)), b.CreateMul(oc0, e.index(c.wOut)));
  Value* outChannel = b.CreateAdd(b.CreateMul(g, e.index(c.outPerGroup)), oc0);
  Value* outBase = b.CreateMul(b.CreateAdd(b.CreateMul(n, e.index(c.groups * c.outPerGroup)), outChannel), e.index(outPlane));
  // Accumulators start at the bias: `vectors` per channel.
  auto start = [&](int64_t vectors) {
    Values init;
    for (int64_t r = 0; r < tile.channels; ++r) {
      Value* bias = c.bias ? vec.splat(e.load(*c.bias, b.CreateAdd(outChannel, e.index(r)))) : vec.zero();
      init.insert(init.end(), (size_t)vectors, bias);
    }
    return init;
  };
  // A chunk in the interior (every tap of every lane inside the input) of `vectors` vectors, of
  // which the last has only its first `lastLanes` lanes in the interior (the others are read
  // under a constant mask and never stored). Reduced channel outermost, so that the few input
  // rows a channel contributes are reused across the taps while in L1.
  auto interiorSums = [&](Value* y, Value* x0, int64_t vectors, int64_t lastLanes) {
    Value* lastMask = lastLanes < lanes ? vec.lanesBelow(e.index(lastLanes)) : nullptr;
    return reduceSteps(e, c.reducedPerGroup, start(vectors), [&](Value* rc, const Values& before) {
      Value* plane = b.CreateAdd(inBase, b.CreateMul(rc, e.index(inPlane)));
      Value* wChannel = b.CreateAdd(wBase, b.CreateMul(rc, e.index(c.wReduced)));
      return reduceSteps(e, c.kh, before, [&](Value* kh, const Values& prior) {
        Value* rowBase = b.CreateAdd(plane, b.CreateMul(inputRow(e, c.rows, true, y, kh).at, e.index(c.inW)));
        return reduceSteps(e, c.kw, prior, [&](Value* kw, const Values& in) {
          Value* first = b.CreateAdd(b.CreateAdd(b.CreateMul(x0, e.index(c.cols.mul)), b.CreateMul(kw, e.index(c.cols.kmul))), e.index(c.cols.add));
          Values xs, out = in;
          for (int64_t v = 0; v < vectors; ++v) {
            Value* at = b.CreateAdd(first, e.index(v * lanes * c.cols.mul));
            Value* mask = v + 1 == vectors ? lastMask : nullptr;
            xs.push_back(c.cols.div == 1 ? vec.loadStrided(c.in, b.CreateAdd(rowBase, at), c.cols.mul, mask)
                                         : vec.gather(c.in, rowBase, b.CreateAdd(vec.splat(at), vec.laneOffsets(c.cols.mul)), mask));
          }
          Value* wAt = b.CreateAdd(wChannel, b.CreateAdd(b.CreateMul(kh, e.index(c.kw)), kw));
          for (int64_t r = 0; r < tile.channels; ++r) {
            Value* weight = vec.splat(e.load(c.w, b.CreateAdd(wAt, e.index(r * c.wOut))));
            for (int64_t v = 0; v < vectors; ++v)
              out[r * vectors + v] = e.intrinsic(llvm::Intrinsic::fma, {weight, xs[v], in[r * vectors + v]});
          }
          return out;
        });
      });
    });
  };
  // A vector at either end of the row, in the padding: taps outermost,
  // so that the mask of a tap's lanes is computed once for all reduced channels, and every tap
  // outside the input is dropped.
  auto checkedSums = [&](Value* y, Value* x0, Value* tail, bool rowKnownInside) {
    return reduceSteps(e, c.kh, start(1), [&](Value* kh, const Values& before) {
      Row row = inputRow(e, c.rows, rowKnownInside, y, kh);
      Value* rowBase = b.CreateAdd(inBase, b.CreateMul(row.at, e.index(c.inW)));
      Values after = reduceSteps(e, c.kw, before, [&](Value* kw, const Values& prior) {
        // The input columns of the lanes, and which of them to read.
        Value* colStart = b.CreateAdd(b.CreateAdd(b.CreateMul(x0, e.index(c.cols.mul)), b.CreateMul(kw, e.index(c.cols.kmul))),
                                      e.index(c.cols.add));
        Value* cols = b.CreateAdd(vec.splat(colStart), vec.laneOffsets(c.cols.mul));
        Value* mask = b.CreateAnd(b.CreateICmpSGE(cols, vec.splat(e.index(0))), b.CreateICmpSLT(cols, vec.splat(e.index(c.cols.extent * c.cols.div))));
        if (c.cols.div > 1)
          mask = b.CreateAnd(mask, b.CreateICmpEQ(b.CreateSRem(cols, vec.splat(e.index(c.cols.div))), vec.splat(e.index(0))));
        mask = b.CreateAnd(mask, vec.lanesBelow(tail));
        Value* columns = c.cols.div > 1 ? b.CreateSDiv(cols, vec.splat(e.index(c.cols.div))) : cols;
        Values sums = reduceSteps(e, c.reducedPerGroup, prior, [&](Value* rc, const Values& in) {
          Value* plane = b.CreateAdd(rowBase, b.CreateMul(rc, e.index(inPlane)));
          Values out = in;
          Value* xv = contiguous ? vec.load(c.in, b.CreateAdd(plane, colStart), mask) : vec.gather(c.in, plane, columns, mask);
          Value* wAt = b.CreateAdd(b.CreateAdd(wBase, b.CreateMul(rc, e.index(c.wReduced))), b.CreateAdd(b.CreateMul(kh, e.index(c.kw)), kw));
          for (int64_t r = 0; r < tile.channels; ++r) {
            Value* weight = vec.splat(e.load(c.w, b.CreateAdd(wAt, e.index(r * c.wOut))));
            out[r] = e.intrinsic(llvm::Intrinsic::fma, {weight, xv, in[r]});
          }
          return out;
        });
        // A tap outside the input adds nothing, as in the interpreter, which never reads it
        // (so an infinite weight there makes no NaN).
        for (size_t k = 0; k < sums.size(); ++k) sums[k] = vec.select(mask, sums[k], prior[k]);
        return sums;
      });
      if (row.inside)
        for (size_t k = 0; k < after.size(); ++k) after[k] = b.CreateSelect(row.inside, after[k], before[k]);
      return after;
    });
  };
  // The epilogue on the tile in registers: activation, residual, then the store (only the
  // lanes below `tail`, when given).
  auto finish = [&](Value* y, Value* x0, const Values& acc, Value* tail) {
    int64_t vectors = (int64_t)acc.size() / tile.channels;
    for (int64_t v = 0; v < vectors; ++v) {
      Value* mask = tail ? vec.lanesBelow(b.CreateSub(tail, e.index(v * lanes))) : nullptr;
      Value* col = b.CreateAdd(b.CreateAdd(b.CreateMul(y, e.index(c.outW)), x0), e.index(v * lanes));
      for (int64_t r = 0; r < tile.channels; ++r) {
        Value* at = b.CreateAdd(outBase, b.CreateAdd(col, e.index(r * outPlane)));
        Value* value = emitActivation(e, c.act, c.alpha, c.beta, vec.t, acc[r * vectors + v]);
        if (c.residual) value = b.CreateFAdd(value, vec.load(*c.residual, at, mask));
        vec.store(c.out, at, value, mask);
      }
    }
  };
  // The output columns [lo, hi) of row y: interior chunks, or checked vectors (the last one
  // masked when short).
  auto checked = [&](int64_t lo, int64_t hi, bool rowKnownInside) {
    if (lo >= hi) return;
    e.loop((hi - lo + lanes - 1) / lanes, [&](Value* chunk) {
      Value* x0 = b.CreateAdd(e.index(lo), b.CreateMul(chunk, e.index(lanes)));
      Value* tail = b.CreateSub(e.index(hi), x0);  // the lanes left in [lo, hi)
      finish(y, x0, checkedSums(y, x0, tail, rowKnownInside), tail);
    });
  };
  if (!rowInside) return checked(0, c.outW, false);
  checked(0, plan.lo, true);
  e.loop(plan.wholeChunks, [&](Value* chunk) {
    Value* x0 = b.CreateAdd(e.index(plan.lo), b.CreateMul(chunk, e.index(width)));
    finish(y, x0, interiorSums(y, x0, tile.vectors, lanes), nullptr);
  });
  if (plan.rest) {
    Value* x0 = e.index(plan.lo + plan.wholeChunks * width);
    int64_t vectors = vectorsFor(plan.rest, lanes);
    finish(y, x0, interiorSums(y, x0, vectors, plan.rest - (vectors - 1) * lanes), e.index(plan.rest));
  }
  checked(plan.hi, c.outW, true);
}

// Output rows per item of work: a few, so that a team shares one image's rows evenly.
constexpr int64_t kRowsPerItem = 4;

// The whole convolution: items (image, group, a few output rows), on a team when it pays. Per
// row every block of output channels runs while the input rows it reads are still in cache;
// a block past the last full tile gets a tile of the remaining channels.
void emitDirectConv(Emitter& e, const DirectConv& c, DType t) {
  auto& b = e.b;
  Emitter::KeepRolled rolled(e);  // the tile is the unrolling; rolled loops keep JIT time down
  RowVectors vec(e, t);
  auto [colLo, colHi] = insideColumns(c);
  Tile tile = chooseTile(c.outPerGroup, colLo, colHi, c.outW, vec.lanes, c.cols.mul * c.cols.div);
  int64_t full = c.outPerGroup / tile.channels, rest = c.outPerGroup % tile.channels;
  int64_t rowBlocks = (c.outH + kRowsPerItem - 1) / kRowsPerItem;
  // Rows [rowLo, rowHi) read only rows inside the input at every tap.
  int64_t rowLo = 0, rowHi = 0;
  while (rowLo < c.outH && !c.rows.inside(rowLo, rowLo + 1, c.kh)) ++rowLo;
  for (rowHi = rowLo; rowHi < c.outH && c.rows.inside(rowHi, rowHi + 1, c.kh);) ++rowHi;
  int64_t work = c.batch * c.groups * c.outPerGroup * c.outH * c.outW * c.reducedPerGroup * c.kh * c.kw;
  forEachItem(e, c.batch * c.groups * rowBlocks, work, [&](Value* item) {
    Value* n = b.CreateSDiv(item, e.index(c.groups * rowBlocks));
    Value* g = b.CreateSRem(b.CreateSDiv(item, e.index(rowBlocks)), e.index(c.groups));
    Value* y0 = b.CreateMul(b.CreateSRem(item, e.index(rowBlocks)), e.index(kRowsPerItem));
    Value* y1 = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, b.CreateAdd(y0, e.index(kRowsPerItem)), e.index(c.outH));
    e.loopRange(y0, y1, [&](Value* y) {
      auto blocks = [&](bool rowInside) {
        e.loop(full, [&](Value* block) { convRow(e, c, vec, n, g, b.CreateMul(block, e.index(tile.channels)), tile, y, rowInside); });
        if (rest) convRow(e, c, vec, n, g, e.index(full * tile.channels), {rest, tile.vectors, tile.widenChecked}, y, rowInside);
      };
      if (rowLo == 0 && rowHi == c.outH) return blocks(true);
      if (rowLo == rowHi) return blocks(false);
      e.ifThenElse(b.CreateAnd(b.CreateICmpSGE(y, e.index(rowLo)), b.CreateICmpSLT(y, e.index(rowHi))), [&] { blocks(true); },
                   [&] { blocks(false); });
    });
  });
}

Status emitConv2d(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  OpCtx c{n.info(), {}, n.attrs};
  std::optional<Activation> act = parseActivation(c.s("activation"));
  if (!act) return Error(fmt::format("unknown activation '{}'", c.s("activation")));
  const Shape &x = g.type(n.operands[0]).shape, &w = g.type(n.operands[1]).shape, &y = g.type(n.results[0]).shape;
  const auto &s = c.ints("strides"), &p = c.ints("pads"), &d = c.ints("dilations");
  int64_t groups = c.i("group");
  DirectConv conv{n.operands[0], n.operands[1], n.results[0], x[0], groups, w[0] / groups, w[1],
                  x[2], x[3], y[2], y[3], w[2], w[3],
                  w[0] / groups * w[1] * w[2] * w[3], w[1] * w[2] * w[3], w[2] * w[3],
                  {s[0], d[0], -p[0], 1, x[2]}, {s[1], d[1], -p[1], 1, x[3]},
                  n.operands[2], std::nullopt, *act, c.f("alpha"), c.f("beta")};
  if (n.operands.size() == 4) conv.residual = n.operands[3];
  emitDirectConv(e, conv, g.type(n.results[0]).dtype);
  return ok();
}

// dx[n, c, yi, xi] = sum over the taps (o, kh, kw) whose output (oh, ow) reads x there of
// w[o, c, kh, kw] * dy[n, o, oh, ow]: the forward map run backwards, oh = (yi + pt - kh*dh) / sh.
Status emitConv2dGradInput(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  OpCtx c{n.info(), {}, n.attrs};
  const Shape &dy = g.type(n.operands[0]).shape, &w = g.type(n.operands[1]).shape, &dx = g.type(n.results[0]).shape;
  const auto &s = c.ints("strides"), &p = c.ints("pads"), &d = c.ints("dilations");
  int64_t groups = c.i("group"), outPerGroup = w[0] / groups;
  DirectConv conv{n.operands[0], n.operands[1], n.results[0], dx[0], groups, w[1], outPerGroup,
                  dy[2], dy[3], dx[2], dx[3], w[2], w[3],
                  outPerGroup * w[1] * w[2] * w[3], w[2] * w[3], w[1] * w[2] * w[3],
                  {1, -d[0], p[0], s[0], dy[2]}, {1, -d[1], p[1], s[1], dy[3]}, std::nullopt, std::nullopt};
  emitDirectConv(e, conv, g.type(n.results[0]).dtype);
  return ok();
}

}  // namespace

Status emitConvGradWeight(Emitter& e, const Node& n);  // codegen_conv_grad.cpp

Status emitConv(Emitter& e, const Node& n) {
  switch (n.op) {
    case OpKind::Conv2d: return emitConv2d(e, n);
    case OpKind::Conv2dGradInput: return emitConv2dGradInput(e, n);
    default: return emitConvGradWeight(e, n);
  }
}

}  // namespace graphc::llvmjit
