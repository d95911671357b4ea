// Models of opsets below 13 in the form of opset 13, which the importers read, through ONNX's own
// version converter (libonnx): attributes that later opsets made inputs, Softmax's flatten rule,
// Upsample, the `broadcast` attribute of opsets below 7. The converter of ONNX 1.12 has two
// faults that would give a silent wrong result; both are handled here, and documented in
// docs/onnx.md.
#include <fmt/format.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <map>

#include "frontend/onnx/model.h"

namespace graphc::onnxfe {
namespace {

bool isLegacyBroadcastOp(const std::string& op) {
  static const std::set<std::string> kOps = {"Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less"};
  return kOps.count(op) > 0;
}

// Before opset 7, `broadcast=1, axis=a` aligns B with A's axes [a, a + rank B). The converter
// unsqueezes B at its end, which is right only for a = rank A - rank B (no reshape at all): for
// any other axis it misaligns B, or at opset 13 gives the node a third input. Those are refused.
std::vector<std::string> misconvertedBroadcasts(const onnx::ModelProto& typed) {
  std::map<std::string, int64_t> rank;
  const onnx::GraphProto& g = typed.graph();
  auto note = [&](const onnx::ValueInfoProto& v) {
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape()) rank[v.name()] = v.type().tensor_type().shape().dim_size();
  };
  for (const auto& v : g.input()) note(v);
  for (const auto& v : g.value_info()) note(v);
  for (const auto& v : g.output()) note(v);
  for (const auto& t : g.initializer()) rank[t.name()] = t.dims_size();
  std::vector<std::string> problems;
  for (int k = 0; k < g.node_size(); ++k) {
    const onnx::NodeProto& n = g.node(k);
    if (!isLegacyBroadcastOp(n.op_type()) || n.input_size() != 2) continue;
    std::optional<int64_t> broadcast, axis;
    for (const auto& a : n.attribute()) {
      if (a.name() == "broadcast") broadcast = a.i();
      if (a.name() == "axis") axis = a.i();
    }
    if (!broadcast.value_or(0) || !axis) continue;
    auto a = rank.find(n.input(0)), b = rank.find(n.input(1));
    if (a != rank.end() && b != rank.end() && *axis == a->second - b->second) continue;
    std::string where = n.name().empty() ? fmt::format("node #{} ({})", k, n.op_type()) : fmt::format("node '{}' ({})", n.name(), n.op_type());
    problems.push_back(fmt::format("{} broadcasts its second operand from axis {}, which ONNX 1.12's version converter "
                                   "does not convert correctly (only an operand aligned with the trailing axes is)", where, *axis));
  }
  return problems;
}

// Upsample and Resize 10 map output to input coordinates as `asymmetric` and round `floor` for
// nearest, and Upsample 7 calls linear `bilinear`. The converter keeps none of this and leaves
// Resize 13's defaults (half_pixel), which move every sample: the rule is restored on the
// Resize nodes it made from them, found by their outputs.
void keepLegacyResizeRule(const OnnxModel& source, OnnxModel& upgraded) {
  if (source.opset >= 11) return;
  std::set<std::string> legacy;
  for (const OnnxNode& n : source.nodes)
    if ((n.opType == "Upsample" || n.opType == "Resize") && n.domain.empty() && !n.outputs.empty()) legacy.insert(n.outputs[0]);
  auto text = [](std::string s) {
    OnnxAttr a;
    a.kind = OnnxAttr::Kind::Str;
    a.s = std::move(s);
    return a;
  };
  for (OnnxNode& n : upgraded.nodes) {
    if (n.opType != "Resize" || n.outputs.empty() || !legacy.count(n.outputs[0])) continue;
    n.attrs["coordinate_transformation_mode"] = text("asymmetric");
    n.attrs["nearest_mode"] = text("floor");
    if (auto mode = n.attrs.find("mode"); mode != n.attrs.end() && mode->second.s == "bilinear") mode->second.s = "linear";
  }
}

// The converter reports what it cannot convert by throwing. Some of its adapters (Softmax's)
// need the ranks of intermediate values, so ONNX's shape inference runs first.
Result<onnx::ModelProto> upgradedTo13(const onnx::ModelProto& proto, int64_t opset, const std::string& name) {
  std::string why;
  try {
    onnx::ModelProto typed = proto;
    onnx::shape_inference::InferShapes(typed);
    if (opset < 7) {
      std::vector<std::string> problems = misconvertedBroadcasts(typed);
      if (!problems.empty())
        return Error(ErrorCode::Unsupported, fmt::format("{}: opset {}: {}", name, opset, fmt::join(problems, "; ")));
    }
    return onnx::version_conversion::ConvertVersion(typed, 13);
  } catch (const std::exception& e) {
    why = e.what();
  }
  why = why.substr(0, why.find('\n'));
  return Error(ErrorCode::Unsupported, fmt::format("{}: opset {} cannot be upgraded to opset 13 by ONNX's version converter: {}", name, opset, why));
}

}  // namespace

Result<OnnxModel> convertModel(const onnx::ModelProto& proto, const std::string& name) {
  // Checked in its own form first, so that the converter only ever sees a well-formed graph.
  GRAPHC_ASSIGN(OnnxModel m, convertGraph(proto, name));
  if (m.opset >= 13) return m;
  GRAPHC_ASSIGN(onnx::ModelProto upgraded, upgradedTo13(proto, m.opset, name));
  GRAPHC_ASSIGN(OnnxModel u, convertGraph(upgraded, name));
  u.sourceOpset = m.opset;
  keepLegacyResizeRule(m, u);
  return u;
}

}  // namespace graphc::onnxfe
