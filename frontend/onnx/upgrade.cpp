// Models of opsets below 13 in the form of opset 13, which the importers read, through ONNX's own
// version converter (libonnx): attributes that later opsets made inputs, Softmax's flatten rule,
// Upsample, the `broadcast` attribute of opsets below 7. The converter of ONNX 1.12 has two
// faults that would give a silent wrong result; both are handled here, and documented in
// docs/onnx.md.
#include <fmt/format.h>
#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <map>
#include <stdexcept>
#include <unordered_map>
#include <string_view>

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
// Resize 13's defaults (half_pixel), which move every sample. Its adapters do copy `mode`, and
// nothing else of the node reliably (the Resize made from an Upsample gets a new output name):
// so each such node's mode carries a mark through the conversion, and the Resize nodes that
// come out with it get the old rule back.
constexpr std::string_view kLegacyMark = " (graphc: legacy resize rule)";

void markLegacyResizes(onnx::ModelProto& m) {
  for (onnx::NodeProto& n : *m.mutable_graph()->mutable_node()) {
    if ((n.op_type() != "Upsample" && n.op_type() != "Resize") || !(n.domain().empty() || n.domain() == "ai.onnx")) continue;
    onnx::AttributeProto* mode = nullptr;
    for (onnx::AttributeProto& a : *n.mutable_attribute())
      if (a.name() == "mode") mode = &a;
    if (!mode) {
      mode = n.add_attribute();
      mode->set_name("mode");
      mode->set_type(onnx::AttributeProto::STRING);
      mode->set_s("nearest");
    }
    mode->set_s(mode->s() + std::string(kLegacyMark));
  }
}

void restoreLegacyResizes(OnnxModel& m) {
  auto text = [](std::string s) {
    OnnxAttr a;
    a.kind = OnnxAttr::Kind::Str;
    a.s = std::move(s);
    return a;
  };
  for (OnnxNode& n : m.nodes) {
    auto mode = n.attrs.find("mode");
    if (mode == n.attrs.end() || !mode->second.s.ends_with(kLegacyMark)) continue;
    mode->second.s.resize(mode->second.s.size() - kLegacyMark.size());
    if (mode->second.s == "bilinear") mode->second.s = "linear";
    n.attrs["coordinate_transformation_mode"] = text("asymmetric");
    n.attrs["nearest_mode"] = text("floor");
  }
}

// Each node against its op's schema (arity, attributes), as ONNX's checker sees a node; the
// model's other formalities (a graph name, ...) are not the converter's concern.
void checkNodes(const onnx::ModelProto& m) {
  onnx::checker::CheckerContext ctx;
  ctx.set_ir_version(m.ir_version() > 0 ? (int)m.ir_version() : onnx::Version::IR_VERSION);
  std::unordered_map<std::string, int> opsets;
  for (const auto& op : m.opset_import()) opsets[op.domain()] = (int)op.version();
  ctx.set_opset_imports(std::move(opsets));
  onnx::checker::LexicalScopeContext scope;
  for (const onnx::NodeProto& n : m.graph().node()) {
    onnx::checker::check_node(n, ctx, scope);
    // The checker lets experimental ops pass with a warning; the converter loops forever on one.
    auto version = ctx.get_opset_imports().find(n.domain() == "ai.onnx" ? "" : n.domain());
    const onnx::OpSchema* schema = version == ctx.get_opset_imports().end()
                                       ? nullptr
                                       : onnx::OpSchemaRegistry::Schema(n.op_type(), version->second, n.domain());
    if (!schema || schema->support_level() == onnx::OpSchema::SupportType::EXPERIMENTAL)
      throw std::runtime_error(fmt::format("No Op registered for {} outside ONNX's experimental ops", n.op_type()));
  }
}

// The converter trusts its input: a node of the wrong arity makes it read past the inputs, and
// an op it does not know (ConstantFill) makes it loop forever. ONNX's checker, which knows each
// op's schema, sees every node first. The converter reports what it cannot convert by throwing.
// Some of its adapters (Softmax's) need the ranks of intermediate values, so ONNX's shape
// inference runs before it.
Result<onnx::ModelProto> upgradedTo13(const onnx::ModelProto& proto, const std::vector<size_t>& order, int64_t opset,
                                      const std::string& name) {
  const char* stage = "ONNX's checker refuses it";
  std::string why;
  try {
    checkNodes(proto);
    stage = "ONNX's version converter cannot upgrade it to opset 13";
    onnx::ModelProto typed = proto;
    // The converter links each node to the producers before it, in the file's order.
    auto* nodes = typed.mutable_graph()->mutable_node();
    for (size_t k = 0; k < order.size(); ++k) *nodes->Mutable((int)k) = proto.graph().node((int)order[k]);
    onnx::shape_inference::InferShapes(typed);
    if (opset < 7) {
      std::vector<std::string> problems = misconvertedBroadcasts(typed);
      if (!problems.empty())
        return Error(ErrorCode::Unsupported, fmt::format("{}: opset {}: {}", name, opset, fmt::join(problems, "; ")));
    }
    if (opset < 11) markLegacyResizes(typed);
    return onnx::version_conversion::ConvertVersion(typed, 13);
  } catch (const std::exception& e) {
    why = e.what();
  }
  why = why.substr(0, why.find('\n'));
  return Error(ErrorCode::Unsupported, fmt::format("{}: opset {}: {}: {}", name, opset, stage, why));
}

}  // namespace

Result<OnnxModel> convertModel(const onnx::ModelProto& proto, const std::string& name) {
  // Checked in its own form first, so that the converter only ever sees a well-formed graph.
  GRAPHC_ASSIGN(OnnxModel m, convertGraph(proto, name));
  if (m.opset >= 13) return m;
  // The converter dereferences a value that no node, input or initializer defines.
  GRAPHC_ASSIGN(std::vector<size_t> order, topoOrder(m, definedBeforeNodes(m)));
  GRAPHC_ASSIGN(onnx::ModelProto upgraded, upgradedTo13(proto, order, m.opset, name));
  GRAPHC_ASSIGN(OnnxModel u, convertGraph(upgraded, name));
  u.sourceOpset = m.opset;
  restoreLegacyResizes(u);
  return u;
}

}  // namespace graphc::onnxfe
