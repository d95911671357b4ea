// Graphs resembling the reference models, built with the Builder (weights are zeros: only the
// types matter to the planner).
#include "tests/memplan/models.h"

#include <random>

#include "ir/builder.h"

namespace graphc::test {
namespace {

AttrMap attrs(std::initializer_list<std::pair<const char*, Attr>> kv) {
  AttrMap m;
  for (auto& [k, v] : kv) m.set(k, v);
  return m;
}

ValueId weight(Builder& b, Shape shape) { return b.param(b.graph().uniqueName("w"), Tensor(TensorType{DType::f32, shape})); }

ValueId dense(Builder& b, ValueId x, int64_t in, int64_t out, const char* act) {
  return b.create(OpKind::Dense, {x, weight(b, {in, out}), weight(b, {out})}, attrs({{"activation", std::string(act)}}));
}

}  // namespace

Graph mlpDense(int64_t batch) {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {batch, 784}});
  ValueId h = b.create(OpKind::Relu, {dense(b, x, 784, 512, "none")});
  h = b.create(OpKind::Relu, {dense(b, h, 512, 512, "none")});
  b.output("y", b.create(OpKind::Softmax, {dense(b, h, 512, 10, "none")}));
  return g;
}

Graph mlpMatMul(int64_t batch) {
  Graph g;
  Builder b(g);
  ValueId h = b.input("x", {DType::f32, {batch, 784}});
  int64_t widths[] = {784, 512, 512, 10};
  for (int l = 0; l < 3; ++l) {
    h = b.create(OpKind::MatMul, {h, weight(b, {widths[l], widths[l + 1]})});
    h = b.create(OpKind::Add, {h, weight(b, {widths[l + 1]})});
    if (l < 2) h = b.create(OpKind::Relu, {h});
  }
  b.output("y", b.create(OpKind::Softmax, {h}));
  return g;
}

Graph lenet(int64_t batch) {
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {batch, 1, 28, 28}});
  auto conv = [&](ValueId in, int64_t cin, int64_t cout, std::vector<int64_t> pads) {
    ValueId c = b.create(OpKind::Conv2d, {in, weight(b, {cout, cin, 5, 5}), weight(b, {cout})}, attrs({{"pads", pads}}));
    ValueId r = b.create(OpKind::Relu, {c});
    return b.create(OpKind::MaxPool2d, {r}, attrs({{"kernel", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}}}));
  };
  ValueId h = conv(x, 1, 6, {2, 2, 2, 2});                 // 6x14x14
  h = conv(h, 6, 16, {0, 0, 0, 0});                        // 16x5x5
  h = b.create(OpKind::Reshape, {h}, attrs({{"shape", std::vector<int64_t>{batch, 400}}}));
  h = dense(b, h, 400, 120, "relu");
  h = dense(b, h, 120, 84, "relu");
  b.output("logits", dense(b, h, 84, 10, "none"));
  return g;
}

Graph bertBlock(int64_t batch) {
  constexpr int64_t S = 128, H = 768, NH = 12, DH = 64, FF = 3072;
  Graph g;
  Builder b(g);
  ValueId x = b.input("x", {DType::f32, {batch, S, H}});
  auto linear = [&](ValueId in, int64_t k, int64_t n) {
    return b.create(OpKind::Add, {b.create(OpKind::MatMul, {in, weight(b, {k, n})}), weight(b, {n})});
  };
  auto heads = [&](ValueId t, std::vector<int64_t> perm) {
    ValueId r = b.create(OpKind::Reshape, {t}, attrs({{"shape", std::vector<int64_t>{batch, S, NH, DH}}}));
    return b.create(OpKind::Transpose, {r}, attrs({{"perm", perm}}));
  };
  ValueId q = heads(linear(x, H, H), {0, 2, 1, 3});  // [B, NH, S, DH]
  ValueId k = heads(linear(x, H, H), {0, 2, 3, 1});  // [B, NH, DH, S]
  ValueId v = heads(linear(x, H, H), {0, 2, 1, 3});
  ValueId scores = b.create(OpKind::Mul, {b.create(OpKind::MatMul, {q, k}), b.scalar(DType::f32, 0.125)});
  ValueId probs = b.create(OpKind::Softmax, {scores});
  ValueId ctx = b.create(OpKind::Transpose, {b.create(OpKind::MatMul, {probs, v})}, attrs({{"perm", std::vector<int64_t>{0, 2, 1, 3}}}));
  ctx = b.create(OpKind::Reshape, {ctx}, attrs({{"shape", std::vector<int64_t>{batch, S, H}}}));
  ValueId h = b.create(OpKind::Add, {linear(ctx, H, H), x});
  h = b.create(OpKind::LayerNorm, {h, weight(b, {H}), weight(b, {H})});
  ValueId ff = linear(b.create(OpKind::Gelu, {linear(h, H, FF)}), FF, H);
  ValueId out = b.create(OpKind::Add, {ff, h});
  b.output("y", b.create(OpKind::LayerNorm, {out, weight(b, {H}), weight(b, {H})}));
  return g;
}

// Values of shape [32, w] for a few widths; each node reads a recent value (chains), sometimes a
// value from far back of the same width (long skips), or forks and rejoins (diamonds).
Graph randomDag(uint64_t seed, int nodes) {
  std::mt19937_64 rng(seed);
  Graph g;
  Builder b(g);
  const int64_t widths[] = {48, 200, 384, 1000};  // not powers of two: harder to pack
  std::vector<ValueId> vals{b.input("x", {DType::f32, {32, 200}})};
  auto width = [&](ValueId v) { return g.type(v).shape[1]; };
  auto recent = [&] {
    if (rng() % 5 == 0) return vals[rng() % vals.size()];  // a fork from far back
    return vals[vals.size() - 1 - rng() % std::min<size_t>(vals.size(), 3)];
  };
  for (int i = 0; i < nodes; ++i) {
    ValueId a = recent();
    switch (rng() % 6) {
      case 0: case 1: {  // unary elementwise
        OpKind ops[] = {OpKind::Relu, OpKind::Tanh, OpKind::Sigmoid, OpKind::Gelu};
        vals.push_back(b.create(ops[rng() % 4], {a}));
        break;
      }
      case 2: {  // change width
        int64_t w = widths[rng() % 4];
        vals.push_back(dense(b, a, width(a), w, "none"));
        break;
      }
      case 3: {  // diamond: two branches off a, joined
        ValueId l = b.create(OpKind::Relu, {a}), r = b.create(OpKind::Neg, {dense(b, a, width(a), width(a), "none")});
        vals.push_back(b.create(OpKind::Add, {l, r}));
        break;
      }
      default: {  // join with any earlier value of the same width: long skips
        std::vector<ValueId> same;
        for (ValueId v : vals)
          if (width(v) == width(a) && v != a) same.push_back(v);
        ValueId other = same.empty() ? a : same[rng() % same.size()];
        vals.push_back(b.create(rng() % 2 ? OpKind::Add : OpKind::Mul, {a, other}));
      }
    }
  }
  b.output("y", vals.back());
  if (rng() % 2) b.output("aux", vals[vals.size() / 2]);
  return g;
}

// Encoder-decoder with a skip from each encoder level to its decoder level: long-lived buffers
// of different sizes nested inside each other, which is where fragmentation shows.
Graph unetLike(int64_t batch) {
  Graph g;
  Builder b(g);
  const int64_t widths[] = {1000, 600, 384, 200, 96};
  ValueId h = b.input("x", {DType::f32, {batch, widths[0]}});
  std::vector<ValueId> skips;
  for (int l = 0; l + 1 < 5; ++l) {
    h = b.create(OpKind::Relu, {dense(b, h, widths[l], widths[l], "none")});
    skips.push_back(h);
    h = dense(b, h, widths[l], widths[l + 1], "none");
  }
  for (int l = 3; l >= 0; --l) {
    h = b.create(OpKind::Gelu, {dense(b, h, widths[l + 1], widths[l], "none")});
    h = b.create(OpKind::Add, {h, skips[size_t(l)]});
  }
  b.output("y", h);
  return g;
}

}  // namespace graphc::test
