// Importers of ONNX's normalizations: BatchNormalization (inference), LayerNormalization with its
// optional Mean and InvStdDev outputs, and InstanceNormalization (which GroupNorm exports through).
#include <fmt/format.h>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

Status batchNormOp(ImportCtx& c) {
  GRAPHC_ASSIGN(double eps, c.attrFloat("epsilon", 1e-5));
  if (c.outputUsed(1) || c.outputUsed(2)) return c.unsupported("BatchNormalization's running mean/var outputs (training mode)");
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::BatchNorm, {c.in(0), c.in(1), c.in(2), c.in(3), c.in(4)}, attrs(std::pair{"epsilon", eps})));
  c.setOut(0, r);
  return ok();
}

Status layerNormOp(ImportCtx& c) {
  GRAPHC_ASSIGN(int64_t axisAttr, c.attrInt("axis", -1));
  GRAPHC_ASSIGN(double eps, c.attrFloat("epsilon", 1e-5));
  const TensorType x = c.type(0);  // a copy: emitting may move the graph's values
  auto axis = normalizeAxis(axisAttr, x.rank());
  if (!axis) return c.malformed(fmt::format("axis {} is out of range for {}", axisAttr, x.str()));
  if (c.outputUsed(1) || c.outputUsed(2)) {
    // Mean and InvStdDev, over the normalized axes kept as 1, computed beside the fused op.
    std::vector<int64_t> axes;
    for (int64_t d = *axis; d < x.rank(); ++d) axes.push_back(d);
    AttrMap kept = attrs(std::pair{"axes", axes}, std::pair{"keepdims", int64_t{1}});
    GRAPHC_ASSIGN(ValueId mean, c.emit(OpKind::ReduceMean, {c.in(0)}, kept));
    GRAPHC_ASSIGN(ValueId centred, c.emit(OpKind::Sub, {c.in(0), mean}));
    GRAPHC_ASSIGN(ValueId squares, c.emit(OpKind::Mul, {centred, centred}));
    GRAPHC_ASSIGN(ValueId var, c.emit(OpKind::ReduceMean, {squares}, kept));
    GRAPHC_ASSIGN(ValueId shifted, c.emit(OpKind::Add, {var, scalarLike(c, x.dtype, eps)}));
    GRAPHC_ASSIGN(ValueId deviation, c.emit(OpKind::Sqrt, {shifted}));
    GRAPHC_ASSIGN(ValueId inverse, c.emit(OpKind::Reciprocal, {deviation}));
    c.setOut(1, mean);
    c.setOut(2, inverse);
  }
  Shape normShape(x.shape.begin() + *axis, x.shape.end());
  ValueId scale = c.in(1);
  ValueId bias;
  if (c.hasInput(2)) {
    bias = c.in(2);
  } else {
    GRAPHC_ASSIGN(bias, filled(c, 0, x.dtype, normShape, c.outName() + ".bias"));
  }
  for (ValueId* v : {&scale, &bias}) {  // ONNX lets scale and bias broadcast; graphc wants them whole
    if (c.graph().type(*v).shape != normShape) {
      GRAPHC_ASSIGN(*v, c.emit(OpKind::Expand, {*v}, attrs(std::pair{"shape", normShape}), c.outName() + ".p"));
    }
  }
  GRAPHC_ASSIGN(ValueId r, c.emit(OpKind::LayerNorm, {c.in(0), scale, bias}, attrs(std::pair{"axis", *axis}, std::pair{"epsilon", eps})));
  c.setOut(0, r);
  return ok();
}

// InstanceNormalization normalizes each (n, c) over the spatial axes: x viewed as [N, C, S] is
// one layer norm over S (unit scale, zero bias), then scaled and shifted per channel.
Status instanceNormOp(ImportCtx& c) {
  const TensorType x = c.type(0);
  GRAPHC_ASSIGN(double eps, c.attrFloat("epsilon", 1e-5));
  if (!isFloat(x.dtype)) return c.unsupported(fmt::format("InstanceNormalization of {}", x.str()));
  if (x.rank() < 2) return c.malformed(fmt::format("x is {}; it needs a batch and a channel axis", x.str()));
  const int64_t channels = x.shape[1];
  for (size_t i : {1, 2})
    if (c.type(i).shape != Shape{channels}) return c.malformed(fmt::format("input #{} is {}; x {} needs [{}]", i, c.type(i).str(), x.str(), channels));
  int64_t spatial = 1;
  for (int64_t d = 2; d < x.rank(); ++d) spatial *= x.shape[d];
  GRAPHC_ASSIGN(ValueId rows, reshaped(c, c.in(0), {x.shape[0], channels, spatial}));
  GRAPHC_ASSIGN(ValueId ones, filled(c, 1, x.dtype, {spatial}, c.outName() + ".unit"));
  GRAPHC_ASSIGN(ValueId zeros, filled(c, 0, x.dtype, {spatial}, c.outName() + ".zero"));
  GRAPHC_ASSIGN(ValueId normalized, c.emit(OpKind::LayerNorm, {rows, ones, zeros}, attrs(std::pair{"axis", int64_t{2}}, std::pair{"epsilon", eps})));
  GRAPHC_ASSIGN(normalized, reshaped(c, normalized, x.shape));
  Shape perChannel(x.rank() - 1, 1);
  perChannel[0] = channels;
  GRAPHC_ASSIGN(ValueId scale, reshaped(c, c.in(1), perChannel));
  GRAPHC_ASSIGN(ValueId bias, reshaped(c, c.in(2), perChannel));
  GRAPHC_ASSIGN(ValueId scaled, c.emit(OpKind::Mul, {normalized, scale}));
  GRAPHC_ASSIGN(ValueId y, c.emit(OpKind::Add, {scaled, bias}));
  c.setOut(0, y);
  return ok();
}

}  // namespace

void registerNorm(OpTable& t) {
  t["BatchNormalization"] = {batchNormOp, 5, 5};
  t["LayerNormalization"] = {layerNormOp, 2, 3};
  t["InstanceNormalization"] = {instanceNormOp, 3, 3};
}

}  // namespace graphc::onnxfe
