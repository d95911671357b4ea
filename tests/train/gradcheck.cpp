// Finite-difference gradient checks: autodiff's graph against central differences.
#include "tests/train/gradcheck.h"

#include <cmath>
#include <fmt/format.h>

#include "ir/eval/interpreter.h"
#include "passes/train/autodiff.h"
#include "tests/support.h"

namespace graphc::test {

Tensor randomF64(Shape shape, uint64_t seed, double lo, double hi, std::vector<double> avoid, double margin) {
  Tensor t = randomTensor({DType::f64, std::move(shape)}, seed, lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i)
    for (double a : avoid) {
      double v = t.at(i);
      if (std::fabs(v - a) < margin) t.set(i, v < a ? a - margin - 0.01 : a + margin + 0.01);
    }
  return t;
}

GradCheck checkGradients(const std::vector<Tensor>& params, const BuildFn& f, double h) {
  Graph g;
  Builder b(g);
  std::vector<ValueId> ids;
  for (size_t i = 0; i < params.size(); ++i) ids.push_back(b.param(fmt::format("p{}", i), params[i].clone()));
  ValueId y = f(b, ids);
  return checkGradientsOf(std::move(g), y, ids, h);
}

GradCheck checkGradientsOf(Graph g, ValueId y, const std::vector<ValueId>& ids, double h) {
  GradCheck out;
  g.outputs.clear();  // the loss is output 0, the gradients follow
  Builder b(g);
  Tensor r = randomTensor(g.type(y), 99, -1, 1);
  ValueId loss = b.create(OpKind::ReduceSum, {b.create(OpKind::Mul, {y, b.constant(r, "r")})},
                          [] { AttrMap a; a.set("keepdims", int64_t{0}); return a; }(), "loss");
  b.output("loss", loss);
  Graph forward = g.clone();
  auto grads = buildGradients(g, loss, ids);
  if (!grads) return out.error = grads.error().message(), out;
  for (ValueId v : *grads) b.output(g.value(v).name, v);
  auto analytic = eval::interpret(g, {});
  if (!analytic) return out.error = analytic.error().message(), out;

  auto lossAt = [&]() {
    auto r = eval::interpret(forward, {});
    return r ? (*r)[0].at(0) : NAN;
  };
  for (size_t p = 0; p < ids.size(); ++p) {
    Tensor& data = forward.value(ids[p]).data;
    const Tensor& ana = (*analytic)[1 + p];
    for (int64_t i = 0; i < data.numel(); ++i) {
      double orig = data.at(i);
      data.set(i, orig + h);
      double up = lossAt();
      data.set(i, orig - h);
      double down = lossAt();
      data.set(i, orig);
      double num = (up - down) / (2 * h);
      double err = std::fabs(ana.at(i) - num) / std::max(1.0, std::fabs(num));
      if (!(err <= out.worst)) {
        out.worst = err;
        out.where = fmt::format("param {} element {}: autodiff {} vs numeric {}", p, i, ana.at(i), num);
      }
    }
  }
  return out;
}

}  // namespace graphc::test
