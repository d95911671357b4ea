// Importers of ONNX ops that only rearrange elements, composed of reshape, transpose and expand:
// Tile, DepthToSpace and SpaceToDepth.
#include <fmt/format.h>

#include <algorithm>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {
namespace {

// Tile: x [d0, d1, ...] repeated r_i times along each axis is x viewed as [1, d0, 1, d1, ...],
// expanded to [r0, d0, r1, d1, ...] and flattened pairwise to [r0 * d0, r1 * d1, ...].
Status tileOp(ImportCtx& c) {
  const TensorType x = c.type(0);
  GRAPHC_ASSIGN(std::vector<int64_t> repeats, c.intsIn(1, "Tile's repeats"));
  if ((int64_t)repeats.size() != x.rank())
    return c.malformed(fmt::format("repeats has {} values for {} of rank {}", repeats.size(), x.str(), x.rank()));
  Shape interleaved, expanded, out;
  for (int64_t d = 0; d < x.rank(); ++d) {
    if (repeats[d] < 0) return c.malformed(fmt::format("repeats[{}] is {}, below 0", d, repeats[d]));
    if (repeats[d] > 0 && x.shape[d] > (int64_t(1) << 62) / repeats[d]) return c.malformed(fmt::format("repeats[{}] = {} overflows the size", d, repeats[d]));
    interleaved.insert(interleaved.end(), {1, x.shape[d]});
    expanded.insert(expanded.end(), {repeats[d], x.shape[d]});
    out.push_back(repeats[d] * x.shape[d]);
  }
  GRAPHC_ASSIGN(ValueId v, reshaped(c, c.in(0), interleaved));
  GRAPHC_ASSIGN(v, c.emit(OpKind::Expand, {v}, attrs(std::pair{"shape", expanded})));
  GRAPHC_ASSIGN(v, reshaped(c, v, out));
  c.setOut(0, v);
  return ok();
}

struct Blocks {
  int64_t n, c, h, w, b;
};

Result<Blocks> blocksOf(ImportCtx& c) {
  const TensorType x = c.type(0);
  if (x.rank() != 4) return c.unsupported(fmt::format("{} of {} (only NCHW)", c.node().opType, x.str()));
  GRAPHC_ASSIGN(int64_t b, c.attrInt("blocksize", 0));
  if (b < 1) return c.malformed(fmt::format("blocksize {} is not positive", b));
  // b * b is formed below: a block wider than the tensor's axes would not divide them anyway.
  if (b > std::max({x.shape[1], x.shape[2], x.shape[3], int64_t{1}}))
    return c.malformed(fmt::format("blocksize {} is larger than every axis of {}", b, x.str()));
  return Blocks{x.shape[0], x.shape[1], x.shape[2], x.shape[3], b};
}

// DepthToSpace moves channel blocks into b x b spatial blocks: DCR (the default) reads the
// channels as [b, b, C / b^2], CRD as [C / b^2, b, b].
Status depthToSpaceOp(ImportCtx& c) {
  GRAPHC_ASSIGN(Blocks s, blocksOf(c));
  GRAPHC_ASSIGN(std::string mode, c.attrStr("mode", "DCR"));
  if (mode != "DCR" && mode != "CRD") return c.malformed(fmt::format("mode '{}' is neither DCR nor CRD", mode));
  if (s.c % (s.b * s.b)) return c.malformed(fmt::format("{} channels do not split into blocks of {} x {}", s.c, s.b, s.b));
  int64_t depth = s.c / (s.b * s.b);
  bool dcr = mode == "DCR";
  Shape split = dcr ? Shape{s.n, s.b, s.b, depth, s.h, s.w} : Shape{s.n, depth, s.b, s.b, s.h, s.w};
  std::vector<int64_t> perm = dcr ? std::vector<int64_t>{0, 3, 4, 1, 5, 2} : std::vector<int64_t>{0, 1, 4, 2, 5, 3};
  GRAPHC_ASSIGN(ValueId v, reshaped(c, c.in(0), split));
  GRAPHC_ASSIGN(v, c.emit(OpKind::Transpose, {v}, attrs(std::pair{"perm", perm})));
  GRAPHC_ASSIGN(v, reshaped(c, v, {s.n, depth, s.h * s.b, s.w * s.b}));
  c.setOut(0, v);
  return ok();
}

// SpaceToDepth, DepthToSpace's DCR inverse: each b x b spatial block becomes b^2 channel blocks.
Status spaceToDepthOp(ImportCtx& c) {
  GRAPHC_ASSIGN(Blocks s, blocksOf(c));
  if (s.h % s.b || s.w % s.b || s.b > s.h || s.b > s.w) return c.malformed(fmt::format("{} x {} does not split into blocks of {} x {}", s.h, s.w, s.b, s.b));
  GRAPHC_ASSIGN(ValueId v, reshaped(c, c.in(0), {s.n, s.c, s.h / s.b, s.b, s.w / s.b, s.b}));
  GRAPHC_ASSIGN(v, c.emit(OpKind::Transpose, {v}, attrs(std::pair{"perm", std::vector<int64_t>{0, 3, 5, 1, 2, 4}})));
  GRAPHC_ASSIGN(v, reshaped(c, v, {s.n, s.c * s.b * s.b, s.h / s.b, s.w / s.b}));
  c.setOut(0, v);
  return ok();
}

}  // namespace

void registerRearrange(OpTable& t) {
  t["Tile"] = {tileOp, 2, 2};
  t["DepthToSpace"] = {depthToSpaceOp, 1, 1};
  t["SpaceToDepth"] = {spaceToDepthOp, 1, 1};
}

}  // namespace graphc::onnxfe
