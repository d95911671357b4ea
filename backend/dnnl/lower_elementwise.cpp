// Elementwise ops: oneDNN eltwise and binary primitives for f32 (keeping blocked layouts),
// our kernels for erf, sin ... sign, general pow, where, cast, the broadcasts oneDNN cannot
// express and every other dtype.
#include <cmath>

#include "backend/dnnl/kernels.h"
#include "backend/dnnl/lowering.h"

namespace graphc::dnnl {
namespace {

using alg = dn::algorithm;

struct Eltwise {
  alg a;
  float alpha = 0, beta = 0;
};

// The oneDNN eltwise algorithm of a unary op, if it has one.
std::optional<Eltwise> eltwiseOf(const Node& n, const OpCtx& c) {
  switch (n.op) {
    case OpKind::Neg: return Eltwise{alg::eltwise_linear, -1.f, 0.f};
    case OpKind::Abs: return Eltwise{alg::eltwise_abs};
    case OpKind::Sqrt: return Eltwise{alg::eltwise_sqrt};
    case OpKind::Reciprocal: return Eltwise{alg::eltwise_pow, 1.f, -1.f};
    case OpKind::LeakyRelu: return Eltwise{alg::eltwise_relu, (float)c.f("alpha")};
    case OpKind::Elu: return Eltwise{alg::eltwise_elu, (float)c.f("alpha")};
    case OpKind::Sigmoid: return Eltwise{alg::eltwise_logistic};
    case OpKind::Tanh: return Eltwise{alg::eltwise_tanh};
    case OpKind::Gelu: return Eltwise{alg::eltwise_gelu_erf};
    case OpKind::Silu: return Eltwise{alg::eltwise_swish, 1.f};
    case OpKind::HardSwish: return Eltwise{alg::eltwise_hardswish};
    case OpKind::Round: return Eltwise{alg::eltwise_round};  // halves to even, as ONNX's Round
    // relu, clip and exp: oneDNN 2.6 turns NaN into a number (relu and clip compare with max and
    // min against the bound, exp clamps its argument first): ours keep NaN, as the interpreter,
    // NumPy and PyTorch do. (A relu or clip fused into a matmul or convolution is oneDNN's.)
    // hard_sigmoid: oneDNN 2.6 has no such algorithm (its hardsigmoid arrived in 3.0): ours.
    // The trigonometric and hyperbolic functions, floor, ceil and sign: oneDNN 2.6 has none.
    // erf: oneDNN has gelu_erf but no bare erf. log: oneDNN 2.6's is off by 1.4e-6 at log(1) = 0
    // (ONNX's test_log_example), so ours computes it.
    default: return std::nullopt;
  }
}

// min and max are ours: oneDNN's binary_min and binary_max drop a NaN in either operand. So are
// the comparisons: oneDNN 2.6's broadcasting binary_gt and binary_lt answer true for a NaN.
std::optional<alg> binaryOf(OpKind op) {
  switch (op) {
    case OpKind::Add: return alg::binary_add;
    case OpKind::Sub: return alg::binary_sub;
    case OpKind::Mul: return alg::binary_mul;
    case OpKind::Div: return alg::binary_div;
    default: return std::nullopt;
  }
}

// Whether our elementwise kernels may run over x's elements as they are stored: blocked (a
// convolution's output), with no padding, and not a strided view. An element's position does
// not matter to them, so the result keeps x's layout, and x is not read back to plain first.
bool inOwnLayout(Lowering& L, ValueId x) {
  return L.isBlocked(x) && !L.isView(x) && L.layoutOf(x).get_size() == L.type(x).bytes();
}

// An eltwise primitive over x (in its current layout, blocked or not), viewed with out's dims.
Status eltwise(Lowering& L, const Node& n, ValueId x, Eltwise e) {
  ValueId y = n.results[0];
  dn::memory::desc md = L.layoutOf(x);
  int src = L.bufferOf(x);
  if (L.type(x).shape != L.type(y).shape) {  // a scalar pow exponent may add unit axes
    src = L.plainBuffer(x);
    md = plainDesc(L.type(y).shape, DType::f32);
  }
  auto pd = dnnlTry(L.describe(n), [&] {
    return dn::eltwise_forward::primitive_desc(
        dn::eltwise_forward::desc(dn::prop_kind::forward_inference, e.a, md, e.alpha, e.beta), L.attr(), L.engine);
  });
  if (!pd) return pd.takeError();
  int dst = L.defineResult(y, md);
  L.addPrimitive(*pd, {{DNNL_ARG_SRC, L.memref(src, md)}, {DNNL_ARG_DST, L.memref(dst, md)}}, L.describe(n));
  L.allowInPlace(n, 0, src, dst);
  return ok();
}

// A binary primitive when src0 has the output's shape (oneDNN broadcasts src1 only).
bool tryBinary(Lowering& L, const Node& n) {
  if (!binaryOf(n.op)) return false;
  ValueId a = n.operands[0], b = n.operands[1], y = n.results[0];
  const Shape& out = L.type(y).shape;
  OpKind op = n.op;
  size_t first = 0;  // the operand src0 reads
  if (L.type(a).shape != out) {
    if (L.type(b).shape != out || !opInfo(op).has(kCommutative)) return false;
    std::swap(a, b);
    first = 1;
  }
  dn::memory::desc md0, md1, mdy;
  int src0, src1;
  if (L.type(a).shape == L.type(b).shape && L.layoutOf(a) == L.layoutOf(b)) {
    md0 = md1 = mdy = L.layoutOf(a);  // both in the same (maybe blocked) layout: keep it
    src0 = L.bufferOf(a), src1 = L.bufferOf(b);
  } else {
    md0 = plainDesc(out, DType::f32);
    Shape padded(out.size() - L.type(b).shape.size(), 1);
    padded.insert(padded.end(), L.type(b).shape.begin(), L.type(b).shape.end());
    md1 = plainDesc(padded, DType::f32);
    mdy = plainDesc(out, L.type(y).dtype);
    src0 = L.plainBuffer(a), src1 = L.plainBuffer(b);
  }
  auto pd = dnnlTry(L.describe(n), [&] {
    return dn::binary::primitive_desc(dn::binary::desc(*binaryOf(op), md0, md1, mdy), L.attr(), L.engine);
  });
  if (!pd) return false;
  int dst = L.defineResult(y, mdy);
  L.addPrimitive(*pd, {{DNNL_ARG_SRC_0, L.memref(src0, md0)}, {DNNL_ARG_SRC_1, L.memref(src1, md1)}, {DNNL_ARG_DST, L.memref(dst, mdy)}},
                 L.describe(n));
  L.allowInPlace(n, first, src0, dst);  // oneDNN's binary runs in place over src0 only
  return true;
}

Status ownBinary(Lowering& L, const Node& n) {
  ValueId a = n.operands[0], b = n.operands[1], y = n.results[0];
  const TensorType &ta = L.type(a), &ty = L.type(y);
  int ia = L.plainBuffer(a), ib = L.plainBuffer(b), io = L.defineResult(y);
  auto k = binaryKernel(n.op, ta.dtype, ta.shape, L.type(b).shape, ty.shape, ia, ib, io);
  if (!k) return Error(fmt::format("no kernel for {}", ta.str()));  // prepare fails as a whole
  L.addKernel(std::move(k), {ia, ib}, {io}, L.describe(n));
  if (ta.shape == ty.shape && ta.dtype == ty.dtype) L.allowInPlace(n, 0, ia, io);
  return ok();
}

}  // namespace

Status lowerElementwise(Lowering& L, const Node& n) {
  std::vector<TensorType> types = L.graph.types(n.operands);
  OpCtx c{n.info(), types, n.attrs};
  ValueId y = n.results[0];
  const TensorType& ty = L.type(y);
  DType dt = types[0].dtype;

  if (n.op == OpKind::Where) {
    int ic = L.plainBuffer(n.operands[0]), ia = L.plainBuffer(n.operands[1]), ib = L.plainBuffer(n.operands[2]);
    int io = L.defineResult(y);
    L.addKernel(whereKernel(ty.dtype, types[0].shape, types[1].shape, types[2].shape, ty.shape, ic, ia, ib, io),
                {ic, ia, ib}, {io}, L.describe(n));
    return ok();
  }
  if (n.op == OpKind::Cast) {
    if (inOwnLayout(L, n.operands[0]) && dnnlType(ty.dtype) != dn::memory::data_type::undef) {
      dn::memory::desc out = L.layoutOf(n.operands[0]);
      out.data.data_type = static_cast<dnnl_data_type_t>(dnnlType(ty.dtype));  // strides count elements, not bytes
      int in = L.bufferOf(n.operands[0]), io = L.defineResult(y, out);
      L.addKernel(castKernel(dt, ty.dtype, ty.numel(), in, io), {in}, {io}, L.describe(n));
      return ok();
    }
    int in = L.plainBuffer(n.operands[0]);
    int io = L.defineResult(y);
    L.addKernel(castKernel(dt, ty.dtype, ty.numel(), in, io), {in}, {io}, L.describe(n));
    return ok();
  }

  if (n.info().has(kUnary)) {
    if (dt == DType::f32)
      if (auto e = eltwiseOf(n, c)) return eltwise(L, n, n.operands[0], *e);
    bool own = inOwnLayout(L, n.operands[0]) && ty.dtype == dt;
    int in = own ? L.bufferOf(n.operands[0]) : L.plainBuffer(n.operands[0]);
    double alpha = n.op == OpKind::Clip ? c.f("min") : n.op == OpKind::LeakyRelu || n.op == OpKind::Elu ? c.f("alpha") : 0;
    double beta = n.op == OpKind::Clip ? c.f("max") : 0;
    if (n.op == OpKind::HardSigmoid) alpha = c.f("alpha"), beta = c.f("beta");
    int io = own ? L.defineResult(y, L.layoutOf(n.operands[0])) : L.defineResult(y);
    auto k = unaryKernel(n.op, dt, alpha, beta, ty.numel(), in, io);
    if (!k) return Error(fmt::format("no kernel for {}", types[0].str()));
    L.addKernel(std::move(k), {in}, {io}, L.describe(n));
    L.allowInPlace(n, 0, in, io);
    return ok();
  }

  if (dt == DType::f32) {
    // pow with a constant integer exponent is eltwise_pow; a tensor exponent needs our kernel,
    // and so does a fractional one: oneDNN takes x^0.5 as sqrt(x), NaN at -inf where C's pow
    // (NumPy's and PyTorch's rule) gives +inf.
    if (n.op == OpKind::Pow) {
      ValueId e = n.operands[1];
      double exponent = L.isConstant(e) && types[1].numel() == 1 ? L.constData(e).at(0) : 0.5;
      if (exponent == std::nearbyint(exponent) && std::fabs(exponent) < 64 && types[0].numel() == ty.numel())
        return eltwise(L, n, n.operands[0], {alg::eltwise_pow, 1.f, (float)exponent});
    } else if (tryBinary(L, n)) {
      return ok();
    }
  }
  return ownBinary(L, n);
}

}  // namespace graphc::dnnl
