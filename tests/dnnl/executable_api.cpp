// The Executable's raw entry and its promises, on both backends: runs on views of caller memory,
// truthful capabilities, the caller's OpenMP thread count left alone, per-context kernel state,
// and in-place reuse driven by the op table.
#include <omp.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "backend/dnnl/kernels.h"
#include "backend/ref/executable.h"
#include "tests/dnnl/check.h"

namespace graphc::test {
namespace {

Graph mlp(int64_t batch) {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {batch, 40}});
  ValueId h = b.create(OpKind::Dense, {x, b.param("w0", randomF32({40, 30}, 1)), b.param("b0", randomF32({30}, 2))},
                       attrs({{"activation", std::string("relu")}}));
  h = b.create(OpKind::Dense, {h, b.param("w1", randomF32({30, 10}, 3)), b.param("b1", randomF32({10}, 4))});
  b.output("y", b.create(OpKind::Softmax, {h}));
  b.output("h", h);
  return g;
}

}  // namespace

TEST_CASE("runtime: a run on views writes straight into the caller's memory, as the Tensor path does") {
  Graph g = mlp(3);
  for (const BackendInfo& backend : allBackends()) {
    INFO(backend.name);
    auto exe = backend.prepare(g, {});
    REQUIRE(exe.ok());
    auto ctx = std::move((*exe)->createContext().value());
    std::vector<Tensor> inputs{randomF32({3, 40}, 9)}, expected = (*exe)->makeOutputs();
    REQUIRE((*exe)->run(*ctx, inputs, expected).ok());

    // The caller's own memory: plain vectors, poisoned so that an unwritten element shows.
    std::vector<float> x(inputs[0].span<float>().begin(), inputs[0].span<float>().end());
    std::vector<float> y(3 * 10, std::numeric_limits<float>::quiet_NaN()), h(y);
    const float* yAt = y.data();
    ConstTensorView in[] = {viewOf(inputs[0].type(), x.data())};
    TensorView out[] = {viewOf(expected[0].type(), y.data()), viewOf(expected[1].type(), h.data())};
    REQUIRE((*exe)->run(*ctx, in, out).ok());
    CHECK(out[0].data == yAt);  // nothing rebinds the caller's output
    CHECK(std::memcmp(y.data(), expected[0].raw(), expected[0].bytes()) == 0);
    CHECK(std::memcmp(h.data(), expected[1].raw(), expected[1].bytes()) == 0);

    // The Tensor adapter fills the caller's preallocated tensors in place too.
    std::vector<Tensor> again = (*exe)->makeOutputs();
    const void* before = again[0].raw();
    REQUIRE((*exe)->run(*ctx, inputs, again).ok());
    CHECK(again[0].raw() == before);
    CHECK(again[0].bitEqual(expected[0]));

    // Views of the wrong shape, or without memory, are refused before anything runs.
    TensorType wrong{DType::f32, {3, 41}};
    ConstTensorView bad[] = {viewOf(wrong, x.data())};
    CHECK(!(*exe)->run(*ctx, bad, out).ok());
    TensorView none[] = {viewOf(expected[0].type(), (void*)nullptr), out[1]};
    CHECK(!(*exe)->run(*ctx, in, none).ok());
  }
}

TEST_CASE("runtime: every backend answers isOpSupported for every op, and dnnl's answer is what prepare does") {
  std::span<const DType> dtypes = kAllDTypes;
  for (const BackendInfo& backend : allBackends()) {
    bool answers = backend.isOpSupported != nullptr;
    REQUIRE(answers);
    CHECK(backend.emitsArtefacts == (backend.name == "llvm"));  // llvm writes bundles (--emit bundle)
    for (const OpInfo& op : allOps()) {
      CAPTURE(op.name);
      // Every backend runs every op in f32. The storage types run where the op takes them (casts,
      // data movement, and bf16 products on ref and llvm; on dnnl every product where oneDNN's
      // bf16 kernels are native).
      CHECK(backend.isOpSupported(op.kind, DType::f32));
      for (DType t : kAllDTypes) {
        if (!isStorageType(t)) continue;
        CAPTURE(dtypeName(t));
        bool dnnlBf16 = dnnl::nativeBf16();
        bool runs = acceptsStorageType(op, t) && !(backend.name == "dnnl" && t == DType::bf16 && op.has(kBf16Operands) && !dnnlBf16);
        CHECK(backend.isOpSupported(op.kind, t) == runs);
      }
      if (op.has(kFloatOnly)) CHECK(!backend.isOpSupported(op.kind, DType::i32));
    }
  }
  // Elementwise ops in each dtype: where the builder accepts the graph, prepare agrees with the
  // declared capability both ways.
  const BackendInfo* dnnlInfo = findBackend("dnnl");
  REQUIRE(dnnlInfo);
  int checked = 0;
  for (const OpInfo& op : allOps()) {
    if (!op.has(kUnary) && !op.has(kBinary)) continue;
    for (DType t : dtypes) {
      Graph g;
      Builder b(g);
      std::vector<ValueId> operands;
      for (int i = 0; i < op.minOperands; ++i) operands.push_back(b.input("x" + std::to_string(i), {t, {2, 3}}));
      AttrMap a;
      if (op.kind == OpKind::Cast) a.set("to", std::string("f32"));
      auto r = b.tryCreate(op.kind, operands, a);
      if (!r.ok()) continue;  // the op table refuses the dtype
      b.output("y", (*r)[0]);
      CAPTURE(op.name);
      CAPTURE(dtypeName(t));
      CHECK(dnnlInfo->prepare(g, {}).ok() == dnnlInfo->isOpSupported(op.kind, t));
      ++checked;
    }
  }
  CHECK(checked > 40);
}

TEST_CASE("runtime: prepare and run leave the caller's OpenMP thread count as it was") {
  Graph g = mlp(4);
  int saved = omp_get_max_threads();
  omp_set_num_threads(3);
  for (int threads : {1, 2}) {
    auto exe = dnnl::prepare(g, CompileOptions{"dnnl", threads});
    REQUIRE(exe.ok());
    CHECK(omp_get_max_threads() == 3);
    CHECK((*exe)->threads() == threads);
    auto ctx = std::move((*exe)->createContext().value());
    std::vector<Tensor> inputs{randomF32({4, 40}, 1)}, out = (*exe)->makeOutputs();
    REQUIRE((*exe)->run(*ctx, inputs, out).ok());
    CHECK(omp_get_max_threads() == 3);
  }
  omp_set_num_threads(saved);
}

TEST_CASE("dnnl: each context keeps its own kernel state, and interleaved contexts agree bit for bit") {
  Graph g = mlp(1);  // batch 1: the matrix-vector kernel where the CPU has AVX-512
  auto exe = dnnl::prepare(g, {});
  REQUIRE(exe.ok());
  bool gemv = false;
  for (const std::string& s : dnnl::stepNames(**exe)) gemv |= s.find("(gemv)") != std::string::npos;
  // Its run counter lives in the state block, one per context (none without the kernel).
  CHECK(((*exe)->arenaPlan()->stateBytes > 0) == gemv);
  auto a = std::move((*exe)->createContext().value()), b = std::move((*exe)->createContext().value());
  std::vector<Tensor> inputs{randomF32({1, 40}, 5)}, first = (*exe)->makeOutputs(), out = (*exe)->makeOutputs();
  REQUIRE((*exe)->run(*a, inputs, first).ok());
  for (int run = 0; run < 7; ++run) {  // a and b at different parities
    REQUIRE((*exe)->run(run % 3 ? *b : *a, inputs, out).ok());
    CHECK(out[0].bitEqual(first[0]));
    CHECK(out[1].bitEqual(first[1]));
  }
}

TEST_CASE("dnnl: in-place reuse in the arena follows the op table") {
  // exp -> layer_norm (kInPlace) -> softmax (none) -> tanh (kInPlace) -> output.
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {8, 64}});
  ValueId e = b.create(OpKind::Exp, {x}, {}, "e");
  ValueId n = b.create(OpKind::LayerNorm, {e, b.param("scale", randomF32({64}, 1)), b.param("shift", randomF32({64}, 2))}, {}, "n");
  ValueId s = b.create(OpKind::Softmax, {n}, {}, "s");
  b.output("y", b.create(OpKind::Tanh, {s}, {}, "y"));
  auto exe = dnnl::prepare(g, {});
  REQUIRE(exe.ok());
  const auto& requests = (*exe)->arenaPlan()->requests;
  auto find = [&](const std::string& name) -> const BufferRequest* {
    for (const BufferRequest& r : requests)
      if (r.name == name) return &r;
    return nullptr;
  };
  const BufferRequest *re = find("e"), *rn = find("n"), *rs = find("s");
  REQUIRE(re);
  REQUIRE(rn);
  REQUIRE(rs);
  CHECK(rn->reuse == re - requests.data());  // layer_norm writes over e
  CHECK(rs->reuse == -1);                    // softmax has no in-place trait
  RunResult r = runBoth(g);
  CHECK(maxRelDiff(r.dnnl[0], r.ref[0]) <= 1e-5);
}

}  // namespace graphc::test
