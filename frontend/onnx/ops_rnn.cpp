// Importers of the recurrent ONNX ops LSTM, GRU and RNN: shapes are static, so each is unrolled
// over its sequence into matmul, slice and elementwise IR ops (and so gets gradients for free).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

enum class Cell { Lstm, Gru, Rnn };

// Gate blocks per direction in W and R (in units of hidden_size), and the default activations
// (f, g, h) of one direction, as the ONNX spec lists them.
int64_t gateCount(Cell k) { return k == Cell::Lstm ? 4 : k == Cell::Gru ? 3 : 1; }
std::vector<std::string> defaultActivations(Cell k) {
  if (k == Cell::Lstm) return {"Sigmoid", "Tanh", "Tanh"};
  if (k == Cell::Gru) return {"Sigmoid", "Tanh"};
  return {"Tanh"};
}

// The node's attributes and operand shapes, checked.
struct Spec {
  Cell cell = Cell::Lstm;
  int64_t seq = 0, batch = 0, input = 0, hidden = 0, dirs = 1, gates = 1;
  bool reverse = false;      // direction="reverse": the one direction runs from the end
  bool batchFirst = false;   // layout=1: X and Y batch-major, the states [batch, dirs, hidden]
  bool linearBeforeReset = false;
  DType dtype = DType::f32;
  std::vector<OpKind> activations;  // gateCount-many per direction, forward direction first
  // sequence_lens: none (every sequence is full) or the input to mask the steps with.
  std::optional<ValueId> lengths;
};

Result<std::vector<OpKind>> readActivations(ImportCtx& c, Cell cell, int64_t dirs) {
  std::vector<std::string> defaults = defaultActivations(cell);
  GRAPHC_ASSIGN(std::vector<std::string> names, c.attrStrs("activations", defaults));
  size_t perDirection = defaults.size();
  if (dirs == 2 && names.size() == perDirection) {  // one list for both directions, as ONNX Runtime reads it
    std::vector<std::string> forward = names;
    names.insert(names.end(), forward.begin(), forward.end());
  }
  if (names.size() != perDirection * dirs)
    return c.malformed(fmt::format("'activations' lists {} function(s); {} takes {} per direction, and has {}",
                                   names.size(), c.node().opType, perDirection, dirs == 2 ? "two directions" : "one"));
  std::vector<OpKind> kinds;
  std::vector<std::string> unknown;
  for (const std::string& name : names) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return (char)std::tolower(ch); });
    if (lower == "sigmoid") kinds.push_back(OpKind::Sigmoid);
    else if (lower == "tanh") kinds.push_back(OpKind::Tanh);
    else if (lower == "relu") kinds.push_back(OpKind::Relu);
    else if (std::find(unknown.begin(), unknown.end(), "'" + name + "'") == unknown.end()) unknown.push_back("'" + name + "'");
  }
  if (!unknown.empty())
    return c.unsupported(fmt::format("activation function(s) {} (supported: Sigmoid, Tanh, Relu)", fmt::join(unknown, ", ")));
  return kinds;
}

// sequence_lens: an integer [batch]. A constant one is checked; when every length is the full
// sequence no masking is needed.
Result<std::optional<ValueId>> readLengths(ImportCtx& c, const Spec& s) {
  if (!c.hasInput(4)) return std::optional<ValueId>();
  const TensorType lens = c.type(4);
  if (!isInteger(lens.dtype) || lens.shape != Shape{s.batch})
    return c.malformed(fmt::format("sequence_lens must be integers of shape [{}] (the batch), got {}", s.batch, lens.str()));
  if (c.constIn(4)) {
    GRAPHC_ASSIGN(std::vector<int64_t> values, c.intsIn(4, "sequence_lens"));
    bool full = true;
    for (size_t b = 0; b < values.size(); ++b) {
      if (values[b] < 0 || values[b] > s.seq)
        return c.malformed(fmt::format("sequence_lens[{}] = {} is outside [0, {}] (the sequence length)", b, values[b], s.seq));
      full = full && values[b] == s.seq;
    }
    if (full) return std::optional<ValueId>();
  }
  return std::optional<ValueId>(c.in(4));
}

Status expectShape(ImportCtx& c, size_t input, const char* name, const Shape& want) {
  const TensorType& got = c.type(input);
  if (got.shape != want) return c.malformed(fmt::format("{} must be {}, got {}", name, TensorType{got.dtype, want}.str(), got.str()));
  return ok();
}

Result<Spec> readSpec(ImportCtx& c, Cell cell) {
  Spec s;
  s.cell = cell;
  s.gates = gateCount(cell);
  GRAPHC_ASSIGN(std::string direction, c.attrStr("direction", "forward"));
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    return c.malformed(fmt::format("direction '{}' is not forward, reverse or bidirectional", direction));
  s.dirs = direction == "bidirectional" ? 2 : 1;
  s.reverse = direction == "reverse";
  GRAPHC_ASSIGN(int64_t layout, c.attrInt("layout", 0));
  if (layout != 0 && layout != 1) return c.malformed(fmt::format("layout {} is not 0 or 1", layout));
  s.batchFirst = layout == 1;
  GRAPHC_ASSIGN(int64_t inputForget, c.attrInt("input_forget", 0));
  if (inputForget != 0) return c.unsupported("input_forget=1 (input and forget gates coupled)");
  if (c.hasAttr("clip")) return c.unsupported("the 'clip' attribute (cell clipping)");
  GRAPHC_ASSIGN(int64_t linearBeforeReset, c.attrInt("linear_before_reset", 0));
  s.linearBeforeReset = linearBeforeReset != 0;

  const TensorType x = c.type(0), w = c.type(1), r = c.type(2);
  if (x.dtype != DType::f32 && x.dtype != DType::f64)
    return c.unsupported(fmt::format("{} on {} (only f32 and f64)", c.node().opType, x.str()));
  if (w.dtype != x.dtype || r.dtype != x.dtype)
    return c.malformed(fmt::format("X, W and R must share a dtype, got {}, {} and {}", x.str(), w.str(), r.str()));
  if (x.rank() != 3)
    return c.malformed(fmt::format("X must be 3-D ([{}, input]), got {}", s.batchFirst ? "batch, seq" : "seq, batch", x.str()));
  s.seq = x.shape[s.batchFirst ? 1 : 0];
  s.batch = x.shape[s.batchFirst ? 0 : 1];
  s.input = x.shape[2];
  if (s.seq < 1) return c.unsupported(fmt::format("an empty sequence (X is {})", x.str()));
  // Each step becomes a dozen or more nodes: a few bytes of ONNX declaring 10^8 steps hung the
  // importer while it grew by gigabytes. Longer sequences than this are refused.
  constexpr int64_t kMaxUnrolledSteps = 8192;
  if (s.seq > kMaxUnrolledSteps)
    return c.unsupported(fmt::format("a sequence of {} steps (X is {}); the importer unrolls at most {}", s.seq, x.str(),
                                     kMaxUnrolledSteps));
  if (r.rank() != 3) return c.malformed(fmt::format("R must be 3-D, got {}", r.str()));
  GRAPHC_ASSIGN(s.hidden, c.attrInt("hidden_size", r.shape[2]));
  if (s.hidden != r.shape[2]) return c.malformed(fmt::format("hidden_size {} disagrees with R {}", s.hidden, r.str()));
  if (s.hidden < 1) return c.malformed(fmt::format("hidden_size {} is not positive", s.hidden));
  int64_t rows = s.gates * s.hidden;
  GRAPHC_TRY(expectShape(c, 1, "W", {s.dirs, rows, s.input}));
  GRAPHC_TRY(expectShape(c, 2, "R", {s.dirs, rows, s.hidden}));
  if (c.hasInput(3)) GRAPHC_TRY(expectShape(c, 3, "B", {s.dirs, 2 * rows}));
  Shape state = s.batchFirst ? Shape{s.batch, s.dirs, s.hidden} : Shape{s.dirs, s.batch, s.hidden};
  if (c.hasInput(5)) GRAPHC_TRY(expectShape(c, 5, "initial_h", state));
  if (c.hasInput(6)) GRAPHC_TRY(expectShape(c, 6, "initial_c", state));
  if (c.hasInput(7)) GRAPHC_TRY(expectShape(c, 7, "P", {s.dirs, 3 * s.hidden}));
  for (size_t i : {3, 5, 6, 7})
    if (c.hasInput(i) && c.type(i).dtype != x.dtype)
      return c.malformed(fmt::format("input #{} must be {} like X, got {}", i, dtypeName(x.dtype), c.type(i).str()));
  s.dtype = x.dtype;
  GRAPHC_ASSIGN(s.activations, readActivations(c, cell, s.dirs));
  GRAPHC_ASSIGN(s.lengths, readLengths(c, s));
  return s;
}

// One direction's weights, cut out of the node's inputs and laid out for x.w products.
struct Weights {
  ValueId inputProjection = 0;   // X.W^T + the biases that do not multiply by a gate: [seq, batch, gates*hidden]
  ValueId recurrent = 0;         // R^T [hidden, gates*hidden] (GRU: the z and r columns only)
  ValueId recurrentHidden = 0;   // GRU: R_h^T [hidden, hidden]
  std::optional<ValueId> recurrentHiddenBias;  // GRU: Rb_h, which the reset gate multiplies
  std::optional<ValueId> peepInput, peepOutput, peepForget;  // LSTM: P_i, P_o, P_f [hidden]
  std::optional<ValueId> h, c;   // initial states [batch, hidden]; none means zeros
};

// Emits the unrolled ops of one node; every helper names its results after the node's outputs.
class Unroller {
 public:
  Unroller(ImportCtx& c, Spec s) : c_(c), s_(std::move(s)) {
    for (size_t i = 0; i < c.node().outputs.size() && hint_.empty(); ++i) hint_ = c.outName(i);
    if (hint_.empty()) hint_ = "rnn";
  }

  Status run() {
    int64_t rows = s_.gates * s_.hidden;
    ValueId x = c_.in(0);
    if (s_.batchFirst) {
      GRAPHC_ASSIGN(x, transpose(x, {1, 0, 2}));
    }
    GRAPHC_ASSIGN(ValueId x2d, reshape(x, {s_.seq * s_.batch, s_.input}));
    std::vector<std::vector<ValueId>> ys(s_.dirs);
    std::vector<ValueId> hs, cs;
    for (int64_t d = 0; d < s_.dirs; ++d) {
      GRAPHC_ASSIGN(Weights w, weights(d, x2d, rows));
      GRAPHC_TRY(unroll(d, w, ys[d]));
      hs.push_back(*w.h);
      if (w.c) cs.push_back(*w.c);
    }
    if (c_.outputUsed(0)) {
      std::vector<ValueId> perDirection;
      for (int64_t d = 0; d < s_.dirs; ++d) {
        GRAPHC_ASSIGN(ValueId steps, stack(ys[d], {1, 1, s_.batch, s_.hidden}, 0));
        perDirection.push_back(steps);
      }
      GRAPHC_ASSIGN(ValueId y, concat(perDirection, 1));  // [seq, dirs, batch, hidden]
      if (s_.batchFirst) {
        GRAPHC_ASSIGN(y, transpose(y, {2, 0, 1, 3}));
      }
      c_.setOut(0, y);
    }
    if (c_.outputUsed(1)) GRAPHC_TRY(setState(1, hs));
    if (c_.outputUsed(2)) {
      if (s_.cell != Cell::Lstm) return c_.malformed(fmt::format("{} has no output #2", c_.node().opType));
      GRAPHC_TRY(setState(2, cs));
    }
    return ok();
  }

 private:
  Result<ValueId> op(OpKind k, std::vector<ValueId> operands, AttrMap a = {}) { return c_.emit(k, std::move(operands), std::move(a), hint_); }
  Result<ValueId> binary(OpKind k, ValueId a, ValueId b) { return op(k, {a, b}); }
  Result<ValueId> slice(ValueId v, int64_t axis, int64_t start, int64_t end) {
    AttrMap a;
    a.set("starts", std::vector<int64_t>{start});
    a.set("ends", std::vector<int64_t>{end});
    a.set("axes", std::vector<int64_t>{axis});
    return op(OpKind::Slice, {v}, std::move(a));
  }
  // Block `index` of size hidden along `axis`.
  Result<ValueId> block(ValueId v, int64_t axis, int64_t index, int64_t count = 1) {
    return slice(v, axis, index * s_.hidden, (index + count) * s_.hidden);
  }
  Result<ValueId> reshape(ValueId v, Shape shape) {
    AttrMap a;
    a.set("shape", std::move(shape));
    return op(OpKind::Reshape, {v}, std::move(a));
  }
  Result<ValueId> transpose(ValueId v, std::vector<int64_t> perm) {
    AttrMap a;
    a.set("perm", std::move(perm));
    return op(OpKind::Transpose, {v}, std::move(a));
  }
  Result<ValueId> concat(const std::vector<ValueId>& parts, int64_t axis) {
    if (parts.size() == 1) return parts[0];
    AttrMap a;
    a.set("axis", axis);
    return op(OpKind::Concat, parts, std::move(a));
  }
  // Each of parts reshaped to `shape`, concatenated along `axis`.
  Result<ValueId> stack(const std::vector<ValueId>& parts, const Shape& shape, int64_t axis) {
    std::vector<ValueId> shaped;
    for (ValueId v : parts) {
      GRAPHC_ASSIGN(ValueId r, reshape(v, shape));
      shaped.push_back(r);
    }
    return concat(shaped, axis);
  }
  ValueId zero() {
    if (!zero_) zero_ = c_.constant(Tensor::scalar(s_.dtype, 0), hint_ + ".zero");
    return *zero_;
  }
  // x.w, plus a bias [n] when there is one.
  Result<ValueId> product(ValueId x, ValueId w, std::optional<ValueId> bias) {
    if (bias) return op(OpKind::Dense, {x, w, *bias});
    return op(OpKind::MatMul, {x, w});
  }
  // Direction d's slice of a [dirs, ...] input as the given shape.
  Result<ValueId> direction(ValueId v, int64_t d, Shape shape) {
    GRAPHC_ASSIGN(ValueId part, slice(v, 0, d, d + 1));
    return reshape(part, std::move(shape));
  }
  // Input `input`'s state of direction d; none for zeros (torch exports them as a constant), which
  // spares the first step its recurrent product.
  Result<std::optional<ValueId>> initialState(size_t input, int64_t d) {
    if (!c_.hasInput(input)) return std::optional<ValueId>();
    if (const Tensor* known = c_.constIn(input)) {
      bool zeros = true;
      for (int64_t i = 0; i < known->numel() && zeros; ++i) zeros = known->at(i) == 0;
      if (zeros) return std::optional<ValueId>();
    }
    ValueId v = c_.in(input);
    if (s_.batchFirst) {
      GRAPHC_ASSIGN(v, transpose(v, {1, 0, 2}));
    }
    GRAPHC_ASSIGN(ValueId state, direction(v, d, {s_.batch, s_.hidden}));
    return std::optional<ValueId>(state);
  }

  Result<Weights> weights(int64_t d, ValueId x2d, int64_t rows) {
    Weights w;
    GRAPHC_ASSIGN(ValueId wd, direction(c_.in(1), d, {rows, s_.input}));
    GRAPHC_ASSIGN(ValueId wt, transpose(wd, {1, 0}));
    GRAPHC_ASSIGN(ValueId rd, direction(c_.in(2), d, {rows, s_.hidden}));
    GRAPHC_ASSIGN(ValueId rt, transpose(rd, {1, 0}));
    std::optional<ValueId> inputBias;
    if (c_.hasInput(3)) {
      GRAPHC_ASSIGN(ValueId bd, direction(c_.in(3), d, {2 * rows}));
      GRAPHC_ASSIGN(ValueId wb, slice(bd, 0, 0, rows));
      GRAPHC_ASSIGN(ValueId rb, slice(bd, 0, rows, 2 * rows));
      if (s_.cell == Cell::Gru) {  // Rb_h stays with R_h: the reset gate multiplies it (linear_before_reset)
        GRAPHC_ASSIGN(ValueId wbZr, block(wb, 0, 0, 2));
        GRAPHC_ASSIGN(ValueId rbZr, block(rb, 0, 0, 2));
        GRAPHC_ASSIGN(ValueId zr, binary(OpKind::Add, wbZr, rbZr));
        GRAPHC_ASSIGN(ValueId wbH, block(wb, 0, 2));
        GRAPHC_ASSIGN(inputBias, concat({zr, wbH}, 0));
        GRAPHC_ASSIGN(w.recurrentHiddenBias, block(rb, 0, 2));
      } else {
        GRAPHC_ASSIGN(inputBias, binary(OpKind::Add, wb, rb));
      }
    }
    // The input projection of every step at once: one [seq*batch, input] x [input, rows] product.
    GRAPHC_ASSIGN(ValueId projected, product(x2d, wt, inputBias));
    GRAPHC_ASSIGN(w.inputProjection, reshape(projected, {s_.seq, s_.batch, rows}));
    if (s_.cell == Cell::Gru) {
      GRAPHC_ASSIGN(w.recurrent, block(rt, 1, 0, 2));
      GRAPHC_ASSIGN(w.recurrentHidden, block(rt, 1, 2));
    } else {
      w.recurrent = rt;
    }
    if (c_.hasInput(7)) {
      GRAPHC_ASSIGN(ValueId pd, direction(c_.in(7), d, {3 * s_.hidden}));
      GRAPHC_ASSIGN(w.peepInput, block(pd, 0, 0));
      GRAPHC_ASSIGN(w.peepOutput, block(pd, 0, 1));
      GRAPHC_ASSIGN(w.peepForget, block(pd, 0, 2));
    }
    GRAPHC_ASSIGN(w.h, initialState(5, d));
    if (s_.cell == Cell::Lstm) {
      GRAPHC_ASSIGN(w.c, initialState(6, d));
    }
    return w;
  }

  // x + h.R^T, or x alone while the state is zeros.
  Result<ValueId> addRecurrent(ValueId x, const std::optional<ValueId>& h, ValueId rt) {
    if (!h) return x;
    GRAPHC_ASSIGN(ValueId hr, op(OpKind::MatMul, {*h, rt}));
    return binary(OpKind::Add, x, hr);
  }
  // gate + peephole * state, when both are there.
  Result<ValueId> addPeephole(ValueId gate, const std::optional<ValueId>& peep, const std::optional<ValueId>& state) {
    if (!peep || !state) return gate;
    GRAPHC_ASSIGN(ValueId p, binary(OpKind::Mul, *peep, *state));
    return binary(OpKind::Add, gate, p);
  }

  // LSTM, gates in the order i, o, f, c (ONNX's iofc).
  Result<ValueId> lstmStep(ValueId xt, Weights& w, const OpKind* act, std::optional<ValueId>& cNew) {
    GRAPHC_ASSIGN(ValueId gates, addRecurrent(xt, w.h, w.recurrent));
    GRAPHC_ASSIGN(ValueId gi, block(gates, 1, 0));
    GRAPHC_ASSIGN(ValueId go, block(gates, 1, 1));
    GRAPHC_ASSIGN(ValueId gf, block(gates, 1, 2));
    GRAPHC_ASSIGN(ValueId gc, block(gates, 1, 3));
    GRAPHC_ASSIGN(gi, addPeephole(gi, w.peepInput, w.c));
    GRAPHC_ASSIGN(gf, addPeephole(gf, w.peepForget, w.c));
    GRAPHC_ASSIGN(ValueId i, op(act[0], {gi}));
    GRAPHC_ASSIGN(ValueId candidate, op(act[1], {gc}));
    GRAPHC_ASSIGN(ValueId cell, binary(OpKind::Mul, i, candidate));
    if (w.c) {
      GRAPHC_ASSIGN(ValueId f, op(act[0], {gf}));
      GRAPHC_ASSIGN(ValueId kept, binary(OpKind::Mul, f, *w.c));
      GRAPHC_ASSIGN(cell, binary(OpKind::Add, kept, cell));
    }
    GRAPHC_ASSIGN(go, addPeephole(go, w.peepOutput, std::optional<ValueId>(cell)));
    GRAPHC_ASSIGN(ValueId o, op(act[0], {go}));
    GRAPHC_ASSIGN(ValueId squashed, op(act[2], {cell}));
    cNew = cell;
    return binary(OpKind::Mul, o, squashed);
  }

  // GRU, gates in the order z, r, h; h = (1 - z) * hh + z * h_prev = hh + z * (h_prev - hh).
  Result<ValueId> gruStep(ValueId xt, Weights& w, const OpKind* act) {
    GRAPHC_ASSIGN(ValueId xzr, block(xt, 1, 0, 2));
    GRAPHC_ASSIGN(ValueId xh, block(xt, 1, 2));
    GRAPHC_ASSIGN(ValueId zr, addRecurrent(xzr, w.h, w.recurrent));
    GRAPHC_ASSIGN(ValueId gz, block(zr, 1, 0));
    GRAPHC_ASSIGN(ValueId gr, block(zr, 1, 1));
    GRAPHC_ASSIGN(ValueId z, op(act[0], {gz}));
    GRAPHC_ASSIGN(ValueId r, op(act[0], {gr}));
    // linear_before_reset: r * (h.R_h^T + Rb_h); otherwise (r * h).R_h^T + Rb_h.
    std::optional<ValueId> hidden;
    if (s_.linearBeforeReset) {
      std::optional<ValueId> linear = w.recurrentHiddenBias;
      if (w.h) {
        GRAPHC_ASSIGN(linear, product(*w.h, w.recurrentHidden, w.recurrentHiddenBias));
      }
      if (linear) {
        GRAPHC_ASSIGN(hidden, binary(OpKind::Mul, r, *linear));
      }
    } else if (w.h) {
      GRAPHC_ASSIGN(ValueId reset, binary(OpKind::Mul, r, *w.h));
      GRAPHC_ASSIGN(hidden, product(reset, w.recurrentHidden, w.recurrentHiddenBias));
    } else {
      hidden = w.recurrentHiddenBias;
    }
    ValueId gh = xh;
    if (hidden) {
      GRAPHC_ASSIGN(gh, binary(OpKind::Add, xh, *hidden));
    }
    GRAPHC_ASSIGN(ValueId candidate, op(act[1], {gh}));
    ValueId previous = w.h ? *w.h : zero();
    GRAPHC_ASSIGN(ValueId change, binary(OpKind::Sub, previous, candidate));
    GRAPHC_ASSIGN(ValueId gated, binary(OpKind::Mul, z, change));
    return binary(OpKind::Add, candidate, gated);
  }

  // The steps of direction d, in time order into ys; w.h and w.c end as the final states.
  Status unroll(int64_t d, Weights& w, std::vector<ValueId>& ys) {
    bool backward = d == 1 || s_.reverse;
    const OpKind* act = s_.activations.data() + d * (s_.activations.size() / s_.dirs);
    ys.assign(s_.seq, 0);
    for (int64_t k = 0; k < s_.seq; ++k) {
      int64_t t = backward ? s_.seq - 1 - k : k;
      GRAPHC_ASSIGN(ValueId step, slice(w.inputProjection, 0, t, t + 1));
      GRAPHC_ASSIGN(ValueId xt, reshape(step, {s_.batch, s_.gates * s_.hidden}));
      ValueId h = 0;
      std::optional<ValueId> cell;
      switch (s_.cell) {
        case Cell::Lstm: { GRAPHC_ASSIGN(h, lstmStep(xt, w, act, cell)); break; }
        case Cell::Gru: { GRAPHC_ASSIGN(h, gruStep(xt, w, act)); break; }
        case Cell::Rnn: {
          GRAPHC_ASSIGN(ValueId pre, addRecurrent(xt, w.h, w.recurrent));
          GRAPHC_ASSIGN(h, op(act[0], {pre}));
          break;
        }
      }
      if (s_.lengths) {
        // Steps at or past a sequence's length keep its state and output zeros. Running backward,
        // they come first, so the state is still the initial one when its sequence starts.
        ValueId lens = *s_.lengths;
        ValueId index = c_.constant(Tensor::scalar(c_.graph().type(lens).dtype, (double)t), hint_ + ".t");
        GRAPHC_ASSIGN(ValueId live, binary(OpKind::Less, index, lens));
        GRAPHC_ASSIGN(ValueId mask, reshape(live, {s_.batch, 1}));
        GRAPHC_ASSIGN(ys[t], op(OpKind::Where, {mask, h, zero()}));
        GRAPHC_ASSIGN(h, op(OpKind::Where, {mask, h, w.h ? *w.h : zero()}));
        if (cell) {
          GRAPHC_ASSIGN(cell, op(OpKind::Where, {mask, *cell, w.c ? *w.c : zero()}));
        }
      } else {
        ys[t] = h;
      }
      w.h = h;
      if (cell) w.c = cell;
    }
    return ok();
  }

  // Y_h or Y_c from the final states of each direction.
  Status setState(size_t output, const std::vector<ValueId>& finals) {
    GRAPHC_ASSIGN(ValueId state, stack(finals, {1, s_.batch, s_.hidden}, 0));  // [dirs, batch, hidden]
    if (s_.batchFirst) {
      GRAPHC_ASSIGN(state, transpose(state, {1, 0, 2}));
    }
    c_.setOut(output, state);
    return ok();
  }

  ImportCtx& c_;
  Spec s_;
  std::string hint_;
  std::optional<ValueId> zero_;
};

template <Cell K>
Status recurrentOp(ImportCtx& c) {
  GRAPHC_ASSIGN(Spec s, readSpec(c, K));
  return Unroller(c, std::move(s)).run();
}

}  // namespace

void registerRecurrent(OpTable& t) {
  t["LSTM"] = {recurrentOp<Cell::Lstm>, 3, 8};
  t["GRU"] = {recurrentOp<Cell::Gru>, 3, 6};
  t["RNN"] = {recurrentOp<Cell::Rnn>, 3, 6};
}

}  // namespace graphc::onnxfe
