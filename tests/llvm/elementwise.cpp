// llvm backend: elementwise ops against the interpreter on odd sizes, every dtype each op
// supports, broadcasting on every axis, empty tensors, and NaN / +-Inf inputs.
#include "backend/llvm/jit.h"
#include "passes/pass.h"
#include "tests/llvm/check.h"

namespace graphc::test {

static const Shape kSizes[] = {{1}, {7}, {17}, {1023}, {3, 5, 7}, {}, {0}, {4, 0}};

static AttrMap unaryAttrs(OpKind op) {
  if (op == OpKind::Clip) return attrs({{"min", -0.25}, {"max", 0.5}});
  if (op == OpKind::LeakyRelu) return attrs({{"alpha", 0.2}});
  if (op == OpKind::Elu) return attrs({{"alpha", 0.7}});
  return {};
}

TEST_CASE("llvm: unary ops on f32 and f64, odd sizes, NaN and infinities") {
  for (const OpInfo& info : allOps()) {
    if (!info.has(kUnary) || info.kind == OpKind::Cast) continue;
    bool positive = info.kind == OpKind::Log || info.kind == OpKind::Sqrt || info.kind == OpKind::Reciprocal;
    // Inside the domain of the inverse functions, so that most results are numbers.
    bool unit = info.kind == OpKind::Asin || info.kind == OpKind::Acos || info.kind == OpKind::Atanh;
    double lo = positive ? 0.1 : unit ? -0.95 : info.kind == OpKind::Acosh ? 1 : -3, hi = unit ? 0.95 : 3;
    for (DType t : {DType::f32, DType::f64})
      for (const Shape& s : kSizes) {
        INFO(info.name, " ", dtypeName(t), "[", shapeStr(s), "]");
        Graph g = opGraph(info.kind, {{t, s}}, unaryAttrs(info.kind));
        // Four elements in five are ordinary values, the fifth NaN, +-Inf or -0. libm's scalar
        // and libmvec's vector exp/log differ by an ulp or two.
        checkAgainstRef(g, t == DType::f32 ? 2e-6 : 1e-14, 7, lo, hi, true);
      }
  }
}

TEST_CASE("llvm: unary ops on integers wrap, clip and take the sign like the interpreter") {
  for (OpKind op : {OpKind::Neg, OpKind::Abs, OpKind::Relu, OpKind::Clip, OpKind::Sign}) {
    for (DType t : {DType::i32, DType::i64}) {
      INFO(opName(op), " ", dtypeName(t));
      AttrMap a = op == OpKind::Clip ? attrs({{"min", -2.5}, {"max", 3.0}}) : AttrMap{};
      checkAgainstRef(opGraph(op, {{t, {1023}}}, a), 0, 3, -9, 9);
      // The most negative value wraps under neg and abs.
      Graph g = opGraph(op, {{t, {2}}}, a);
      Tensor x = Tensor::fromVector<double>(t, {2}, {t == DType::i32 ? -2147483648.0 : -9223372036854775808.0, 5});
      checkAgainstRef(g, {x}, 0);
    }
  }
  // An unbounded clip saturates its bounds to the type.
  checkAgainstRef(opGraph(OpKind::Clip, {{DType::i32, {17}}}, attrs({{"min", -1e20}, {"max", 4.5}})), 0, 3, -9, 9);
}

// Pairs that broadcast on every axis of a rank-3 output, and across ranks.
static const std::pair<Shape, Shape> kPairs[] = {
    {{3, 5, 17}, {3, 5, 17}}, {{3, 5, 17}, {1, 5, 17}}, {{3, 5, 17}, {3, 1, 17}}, {{3, 5, 17}, {3, 5, 1}},
    {{1, 5, 1}, {3, 1, 17}}, {{3, 5, 17}, {17}}, {{17}, {3, 5, 17}}, {{3, 5, 17}, {}}, {{}, {4, 1}},
    {{1023}, {1023}}, {{1}, {1}}, {{0, 5}, {1, 5}}, {{7, 1}, {7, 0}}};

TEST_CASE("llvm: binary ops with broadcasting on every axis, f32 and f64, NaN and infinities") {
  for (OpKind op : {OpKind::Add, OpKind::Sub, OpKind::Mul, OpKind::Div, OpKind::Pow, OpKind::Min, OpKind::Max,
                    OpKind::Equal, OpKind::Less, OpKind::Greater}) {
    for (DType t : {DType::f32, DType::f64})
      for (auto& [sa, sb] : kPairs) {
        INFO(opName(op), " ", dtypeName(t), " ", shapeStr(sa), " and ", shapeStr(sb));
        checkAgainstRef(opGraph(op, {{t, sa}, {t, sb}}), t == DType::f32 ? 2e-6 : 1e-14, 11, 0.5, 2, true);
      }
  }
}

TEST_CASE("llvm: binary ops on integers, and bool comparisons") {
  for (OpKind op : {OpKind::Add, OpKind::Sub, OpKind::Mul, OpKind::Div, OpKind::Min, OpKind::Max, OpKind::Equal,
                    OpKind::Less, OpKind::Greater}) {
    for (DType t : {DType::i32, DType::i64})
      for (auto& [sa, sb] : kPairs) {
        INFO(opName(op), " ", dtypeName(t), " ", shapeStr(sa), " and ", shapeStr(sb));
        Graph g = opGraph(op, {{t, sa}, {t, sb}});
        std::vector<Tensor> in = makeInputs(g, 5, -20, 9);
        // Negative dividends check truncation toward zero; a zero divisor is tested below.
        for (int64_t i = 0; i < in[1].numel(); ++i)
          if (in[1].at(i) == 0) in[1].set(i, 3);
        checkAgainstRef(g, in, 0);
      }
  }
  for (OpKind op : {OpKind::Equal, OpKind::Less, OpKind::Greater})
    checkAgainstRef(opGraph(op, {{DType::boolean, {3, 17}}, {DType::boolean, {17}}}), 0, 5);
}

TEST_CASE("llvm: integer division wraps at lowest / -1 and refuses zero divisors") {
  Graph g = opGraph(OpKind::Div, {{DType::i32, {3}}, {DType::i32, {3}}});
  Tensor a = Tensor::fromVector<double>(DType::i32, {3}, {-2147483648.0, -7, 7});
  Tensor b = Tensor::fromVector<double>(DType::i32, {3}, {-1, 2, -2});
  checkAgainstRef(g, {a, b}, 0);
  auto exe = llvmjit::prepare(g, {});
  REQUIRE(exe.ok());
  auto ctx = contextOf(**exe);
  std::vector<Tensor> out = (*exe)->makeOutputs();
  std::vector<Tensor> in = {a, Tensor::fromVector<double>(DType::i32, {3}, {1, 0, 1})};
  Status st = (*exe)->run(*ctx, in, out);
  REQUIRE(!st.ok());
  CHECK(st.error().message() == "div: integer division by zero");
}

TEST_CASE("llvm: where over every dtype with broadcasting") {
  for (DType t : {DType::f32, DType::f64, DType::i32, DType::i64, DType::boolean}) {
    INFO(dtypeName(t));
    checkAgainstRef(opGraph(OpKind::Where, {{DType::boolean, {3, 1, 17}}, {t, {5, 17}}, {t, {3, 5, 1}}}), 0, 13, -9, 9, true);
  }
}

TEST_CASE("llvm: cast between every pair of dtypes, with NaN, infinities and out-of-range values") {
  const DType all[] = {DType::f32, DType::f64, DType::i32, DType::i64, DType::boolean};
  for (DType from : all)
    for (DType to : all) {
      INFO(dtypeName(from), " -> ", dtypeName(to));
      Graph g = opGraph(OpKind::Cast, {{from, {1023}}}, attrs({{"to", std::string(dtypeName(to))}}));
      checkAgainstRef(g, 0, 17, -3e9, 3e9, true);
      checkAgainstRef(g, 0, 19, -3, 3, true);
    }
}

TEST_CASE("llvm: an f32 elementwise loop vectorizes to 256-bit vectors (512 only with AVX-512)") {
  auto ir = llvmjit::optimizedIR(opGraph(OpKind::Add, {{DType::f32, {1023}}, {DType::f32, {1023}}}));
  REQUIRE_MESSAGE(ir.ok(), (ir.ok() ? "" : ir.error().message()));
  bool wide = ir->find("<8 x float>") != std::string::npos || ir->find("<16 x float>") != std::string::npos;
  CHECK(wide);
  // NaN semantics are kept: no nnan/ninf (or fast) flags anywhere.
  CHECK(ir->find(" nnan ") == std::string::npos);
  CHECK(ir->find(" ninf ") == std::string::npos);
  CHECK(ir->find(" fast ") == std::string::npos);
}

// Whether the IR declares a function other than an LLVM intrinsic (a libm or libmvec one).
static bool callsOutside(const std::string& ir) {
  for (size_t at = ir.find("\ndeclare "); at != std::string::npos; at = ir.find("\ndeclare ", at + 1))
    if (ir.compare(ir.find('@', at), 6, "@llvm.") != 0) return true;
  return false;
}

TEST_CASE("llvm: f32 exp, erf and tanh are inline (no call, full vector width); f64 calls libmvec where glibc has it") {
  const llvmjit::CodeTarget& host = llvmjit::hostTarget();
  std::string lanes = host.avx512 ? "<16 x float>" : "<8 x float>";
  for (OpKind op : {OpKind::Exp, OpKind::Erf, OpKind::Tanh, OpKind::Sigmoid, OpKind::Gelu}) {
    INFO(opName(op));
    auto f32 = llvmjit::optimizedIR(opGraph(op, {{DType::f32, {1023}}}));
    REQUIRE(f32.ok());
    CHECK_FALSE(callsOutside(*f32));
    CHECK(f32->find(lanes) != std::string::npos);
  }
  auto exp64 = llvmjit::optimizedIR(opGraph(OpKind::Exp, {{DType::f64, {1023}}}));
  REQUIRE(exp64.ok());
  CHECK((exp64->find("_ZGV") != std::string::npos) == host.vectorMath);
  auto erf64 = llvmjit::optimizedIR(opGraph(OpKind::Erf, {{DType::f64, {1023}}}));
  REQUIRE(erf64.ok());
  CHECK((erf64->find("_ZGV") != std::string::npos) == host.vectorMathErf);
}

TEST_CASE("llvm: sin, cos and the libm-only math functions vectorize through libmvec where glibc has them") {
  const llvmjit::CodeTarget& host = llvmjit::hostTarget();
  for (OpKind op : {OpKind::Sin, OpKind::Cos})
    for (DType t : {DType::f32, DType::f64}) {
      INFO(opName(op), " ", dtypeName(t));
      auto ir = llvmjit::optimizedIR(opGraph(op, {{t, {1023}}}));
      REQUIRE(ir.ok());
      CHECK((ir->find("_ZGV") != std::string::npos) == host.vectorMath);
    }
  const std::pair<OpKind, const char*> libmOnly[] = {{OpKind::Tan, "tan"},   {OpKind::Asin, "asin"},   {OpKind::Acos, "acos"},
                                                      {OpKind::Atan, "atan"}, {OpKind::Sinh, "sinh"},   {OpKind::Cosh, "cosh"},
                                                      {OpKind::Asinh, "asinh"}, {OpKind::Acosh, "acosh"}, {OpKind::Atanh, "atanh"}};
  for (auto [op, name] : libmOnly) {
    INFO(name);
    auto f32 = llvmjit::optimizedIR(opGraph(op, {{DType::f32, {1023}}}));
    auto f64 = llvmjit::optimizedIR(opGraph(op, {{DType::f64, {1023}}}));
    REQUIRE((f32.ok() && f64.ok()));
    bool wide = host.avx512;
    std::string vf = fmt::format("@_ZGV{}v_{}f", wide ? "eN16" : "dN8", name), vd = fmt::format("@_ZGV{}v_{}(", wide ? "eN8" : "dN4", name);
    CHECK((f32->find(vf) != std::string::npos) == host.vectorMathErf);
    CHECK((f64->find(vd) != std::string::npos) == host.vectorMathErf);
  }
}


// LLVM 16's libmvec table has exp, log, sin, cos and pow only at SSE and AVX2 widths: without
// their AVX-512 variants, a loop that mixes them with 16-lane code vectorizes at 8 lanes. With
// AVX-512 each of them is called 16 (f32) or 8 (f64) lanes wide (f32 exp is inline).
TEST_CASE("llvm: with AVX-512, exp, log, sin, cos and pow call libmvec's 512-bit variants, and a chain with erf and tanh stays 16 lanes") {
  const llvmjit::CodeTarget& host = llvmjit::hostTarget();
  if (!host.vectorMath || !host.avx512) {
    MESSAGE("this CPU has no AVX-512 (or this glibc no libmvec): nothing to check");
    return;
  }
  const std::pair<OpKind, const char*> ops[] = {{OpKind::Exp, "exp"}, {OpKind::Log, "log"}, {OpKind::Sin, "sin"}, {OpKind::Cos, "cos"}};
  for (auto [op, name] : ops) {
    INFO(name);
    auto f32 = llvmjit::optimizedIR(opGraph(op, {{DType::f32, {1023}}}));
    auto f64 = llvmjit::optimizedIR(opGraph(op, {{DType::f64, {1023}}}));
    REQUIRE((f32.ok() && f64.ok()));
    if (op != OpKind::Exp) CHECK(f32->find(fmt::format("@_ZGVeN16v_{}f", name)) != std::string::npos);
    CHECK(f64->find(fmt::format("@_ZGVeN8v_{}(", name)) != std::string::npos);
  }
  auto pow = llvmjit::optimizedIR(opGraph(OpKind::Pow, {{DType::f32, {1023}}, {DType::f32, {1023}}}));
  REQUIRE(pow.ok());
  CHECK(pow->find("@_ZGVeN16vv_powf") != std::string::npos);
  auto pow64 = llvmjit::optimizedIR(opGraph(OpKind::Pow, {{DType::f64, {1023}}, {DType::f64, {1023}}}));
  REQUIRE(pow64.ok());
  CHECK(pow64->find("@_ZGVeN8vv_pow(") != std::string::npos);

  // gelu(x) * sigmoid(x) + tanh(x), one fusion group, on 63 x row elements (one loop).
  auto chainOf = [](int64_t row) {
    Graph g;
    Builder b(g);
    ValueId x = b.input("x", {DType::f32, {63, row}});
    ValueId y = b.create(OpKind::Add, {b.create(OpKind::Mul, {b.create(OpKind::Gelu, {x}), b.create(OpKind::Sigmoid, {x})}),
                                       b.create(OpKind::Tanh, {x})});
    b.output("y", y);
    REQUIRE(g.finalize().ok());
    REQUIRE(runPipeline(g, {"fuse_elementwise"}).ok());
    return g;
  };
  // One 16-lane loop with no call in it: exp, erf and tanh are inline. Their long FMA chains
  // make the loop interleave four vectors (64 elements a step) on a trip count that 64 divides,
  // and two on others, which leave less to the remainder loops that way.
  for (auto [row, step] : {std::pair<int64_t, int>{4096, 64}, {4001, 32}}) {
    INFO("row of ", row);
    Graph g = chainOf(row);
    auto chain = llvmjit::optimizedIR(g);
    REQUIRE(chain.ok());
    CHECK(chain->find("<16 x float>") != std::string::npos);
    CHECK_FALSE(callsOutside(*chain));
    CHECK(chain->find(fmt::format("%index.next = add nuw i64 %index, {}\n", step)) != std::string::npos);
    checkAgainstRef(g, 1e-6);
  }
}

}  // namespace graphc::test
