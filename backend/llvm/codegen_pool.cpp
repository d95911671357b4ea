// Pooling and its gradients: max_pool2d (NaN wins, as in the interpreter), avg_pool2d (the
// real taps or, with count_include_pad, the window clipped to the padded input), global_avg_pool,
// max_pool2d_grad and avg_pool2d_grad. Each window's taps inside the input form a range, so
// padded positions are never visited.
#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>

#include <limits>

#include "backend/llvm/codegen_window.h"

namespace graphc::llvmjit {
namespace {

using llvm::Value;
using Values = Emitter::Values;

struct Pool {
  int64_t planes, ih, iw, oh, ow, kh, kw, sh, sw, pt, pl, pb, pr, dh = 1, dw = 1;
  bool includePad = false;

  static Pool of(const Node& n, const Shape& in, const Shape& out) {
    OpCtx c{n.info(), {}, n.attrs};
    const auto &k = c.ints("kernel"), &s = c.ints("strides"), &p = c.ints("pads");
    Pool pool{in[0] * in[1], in[2], in[3], out[2], out[3], k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3]};
    if (n.op == OpKind::MaxPool2d || n.op == OpKind::MaxPool2dGrad)
      pool.dh = c.ints("dilations")[0], pool.dw = c.ints("dilations")[1];
    else pool.includePad = c.i("count_include_pad") != 0;
    return pool;
  }
};

// The window of output (y0, x0): where it starts, and its taps inside the input.
struct Window {
  Value *ys, *xs;
  TapRange rows, cols;
};

Window windowAt(Emitter& e, const Pool& p, Value* y0, Value* x0) {
  auto& b = e.b;
  Value* ys = b.CreateSub(b.CreateMul(y0, e.index(p.sh)), e.index(p.pt));
  Value* xs = b.CreateSub(b.CreateMul(x0, e.index(p.sw)), e.index(p.pl));
  return {ys, xs, tapsInside(e, ys, p.dh, p.kh, p.ih), tapsInside(e, xs, p.dw, p.kw, p.iw)};
}

// For every window of every plane: body(plane, y0, x0, its window), planes split over a team.
void forEachWindow(Emitter& e, const Pool& p, const std::function<void(Value*, Value*, Value*, const Window&)>& body,
                   const std::function<void(Value*)>& beforePlane = nullptr) {
  forEachItem(e, p.planes, p.planes * p.oh * p.ow * p.kh * p.kw, [&](Value* plane) {
    if (beforePlane) beforePlane(plane);
    e.loop(p.oh, [&](Value* y0) {
      e.loop(p.ow, [&](Value* x0) { body(plane, y0, x0, windowAt(e, p, y0, x0)); });
    });
  });
}

// Visits the taps of window w in row-major order: state = body(offset in the plane, state).
Values overTaps(Emitter& e, const Pool& p, const Window& w, Values init, const std::function<Values(Value*, const Values&)>& body) {
  auto& b = e.b;
  return reduceRange(e, w.rows.lo, w.rows.hi, std::move(init), [&](Value* r, const Values& outer) {
    Value* row = b.CreateMul(b.CreateAdd(w.ys, b.CreateMul(r, e.index(p.dh))), e.index(p.iw));
    return reduceRange(e, w.cols.lo, w.cols.hi, outer, [&](Value* q, const Values& inner) {
      return body(b.CreateAdd(row, b.CreateAdd(w.xs, b.CreateMul(q, e.index(p.dw)))), inner);
    });
  });
}

// An average's divisor: the real taps, or the window clipped to the padded input.
Value* divisor(Emitter& e, const Pool& p, const Window& w) {
  auto& b = e.b;
  auto extent = [&](TapRange r) { return b.CreateSub(r.hi, r.lo); };
  if (!p.includePad) return b.CreateMul(extent(w.rows), extent(w.cols));
  auto clipped = [&](Value* start, int64_t k, int64_t padded) {
    return b.CreateSub(b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, b.CreateAdd(start, e.index(k)), e.index(padded)), start);
  };
  return b.CreateMul(clipped(w.ys, p.kh, p.ih + p.pb), clipped(w.xs, p.kw, p.iw + p.pr));
}

// The interpreter's running maximum: a NaN wins and then stays.
Value* maximum(Emitter& e, Value* best, Value* v) {
  auto& b = e.b;
  return b.CreateSelect(b.CreateFCmpUNO(best, best), best, b.CreateSelect(b.CreateFCmpULT(best, v), v, best));
}

Status emitPoolForward(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId x = n.operands[0], y = n.results[0];
  DType t = g.type(y).dtype;
  Pool p = Pool::of(n, g.type(x).shape, g.type(y).shape);
  bool isMax = n.op == OpKind::MaxPool2d;
  auto& b = e.b;
  // Sums run in double, as the interpreter's do.
  llvm::Type* wide = b.getDoubleTy();
  forEachWindow(e, p, [&](Value* plane, Value* y0, Value* x0, const Window& w) {
    Value* in = b.CreateMul(plane, e.index(p.ih * p.iw));
    Value* at = b.CreateAdd(b.CreateMul(b.CreateAdd(b.CreateMul(plane, e.index(p.oh)), y0), e.index(p.ow)), x0);
    if (isMax) {
      Value* lowest = e.constant(t, -std::numeric_limits<double>::infinity());
      Values best = overTaps(e, p, w, {lowest}, [&](Value* tap, const Values& s) {
        return Values{maximum(e, s[0], e.load(x, b.CreateAdd(in, tap)))};
      });
      e.store(y, at, best[0]);
      return;
    }
    Values sum = overTaps(e, p, w, {llvm::ConstantFP::get(wide, 0.0)}, [&](Value* tap, const Values& s) {
      return Values{b.CreateFAdd(s[0], b.CreateFPExt(e.load(x, b.CreateAdd(in, tap)), wide))};
    });
    Value* mean = b.CreateFDiv(sum[0], b.CreateSIToFP(divisor(e, p, w), wide));
    e.store(y, at, b.CreateFPTrunc(mean, e.type(t)));
  });
  return ok();
}

Status emitGlobalAvgPool(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId x = n.operands[0], y = n.results[0];
  const Shape& s = g.type(x).shape;
  int64_t planes = s[0] * s[1], area = s[2] * s[3];
  auto& b = e.b;
  llvm::Type* wide = b.getDoubleTy();
  forEachItem(e, planes, planes * area, [&](Value* plane) {
    Value* base = b.CreateMul(plane, e.index(area));
    Value* sum = e.reduce(area, llvm::ConstantFP::get(wide, 0.0), [&](Value* i, Value* acc) {
      Reassociate fast(b);  // vectorizes; the sum is in double, as the interpreter's
      return b.CreateFAdd(acc, b.CreateFPExt(e.load(x, b.CreateAdd(base, i)), wide));
    });
    e.store(y, plane, b.CreateFPTrunc(b.CreateFDiv(sum, llvm::ConstantFP::get(wide, (double)area)), e.type(g.type(y).dtype)));
  });
  return ok();
}

// dx: max sends each dy to its window's first maximum (the first NaN if any, the element the
// forward pass picked); avg spreads dy / divisor over the window's taps inside the input.
Status emitPoolGrad(Emitter& e, const Node& n) {
  const Graph& g = e.graph;
  ValueId dy = n.operands[0], dx = n.results[0];
  DType t = g.type(dx).dtype;
  Pool p = Pool::of(n, g.type(dx).shape, g.type(dy).shape);
  bool isMax = n.op == OpKind::MaxPool2dGrad;
  auto& b = e.b;
  int64_t area = p.ih * p.iw;
  auto zeroPlane = [&](Value* plane) {
    Value* base = b.CreateMul(plane, e.index(area));
    e.loop(area, [&](Value* i) { e.store(dx, b.CreateAdd(base, i), e.constant(t, 0)); }, true);
  };
  forEachWindow(e, p, [&](Value* plane, Value* y0, Value* x0, const Window& w) {
    Value* in = b.CreateMul(plane, e.index(area));
    Value* grad = e.load(dy, b.CreateAdd(b.CreateMul(b.CreateAdd(b.CreateMul(plane, e.index(p.oh)), y0), e.index(p.ow)), x0));
    auto addAt = [&](Value* tap, Value* v) {
      Value* at = b.CreateAdd(in, tap);
      e.store(dx, at, b.CreateFAdd(e.load(dx, at), v));
    };
    if (isMax) {
      ValueId x = n.operands[1];
      Value* none = e.index(-1);
      Values found = overTaps(e, p, w, {e.constant(t, -std::numeric_limits<double>::infinity()), none},
                              [&](Value* tap, const Values& s) {
        Value* v = e.load(x, b.CreateAdd(in, tap));
        Value* take = b.CreateAnd(b.CreateFCmpORD(s[0], s[0]), b.CreateOr(b.CreateFCmpULT(s[0], v), b.CreateICmpSLT(s[1], e.index(0))));
        return Values{b.CreateSelect(take, v, s[0]), b.CreateSelect(take, tap, s[1])};
      });
      e.ifThenElse(b.CreateICmpSGE(found[1], e.index(0)), [&] { addAt(found[1], grad); }, [] {});
      return;
    }
    Value* share = b.CreateFDiv(grad, b.CreateSIToFP(divisor(e, p, w), e.type(t)));
    overTaps(e, p, w, {}, [&](Value* tap, const Values&) {
      addAt(tap, share);
      return Values{};
    });
  }, zeroPlane);
  return ok();
}

}  // namespace

Status emitPool(Emitter& e, const Node& n) {
  switch (n.op) {
    case OpKind::MaxPool2d: case OpKind::AvgPool2d: return emitPoolForward(e, n);
    case OpKind::GlobalAvgPool: return emitGlobalAvgPool(e, n);
    default: return emitPoolGrad(e, n);
  }
}

}  // namespace graphc::llvmjit
