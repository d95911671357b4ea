// Models of opsets 7 to 12 in the form of opset 13, which the importers read. Between them,
// ONNX turned attributes into inputs: Squeeze's and Unsqueeze's axes, ReduceSum's axes and
// Split's sizes at 13, Clip's bounds and Pad's pads and value at 11, Slice's starts, ends and
// axes at 10. Each such attribute becomes a constant initializer that the node reads as that
// input. The other ops graphc imports kept their meaning over these opsets (the changes were new
// dtypes, negative axes, optional inputs), except Softmax and LogSoftmax, whose older rule
// (flatten to 2-D at `axis`, default 1) their importer applies itself. Opsets below 7 are
// refused: their binary ops broadcast by the `broadcast` attribute, not NumPy's rules.
#include <fmt/format.h>

#include "frontend/onnx/model.h"

namespace graphc::onnxfe {
namespace {

class Upgrade {
 public:
  explicit Upgrade(OnnxModel& m) : m_(m) {
    for (const auto& [name, data] : m.initializers) names_.insert(name);
    for (const OnnxInput& in : m.inputs) names_.insert(in.name);
    for (const OnnxNode& n : m.nodes) names_.insert(n.outputs.begin(), n.outputs.end());
  }

  void node(OnnxNode& n) {
    const std::string& op = n.opType;
    if (!n.domain.empty()) return;
    if (m_.opset < 13 && (op == "Squeeze" || op == "Unsqueeze" || op == "ReduceSum")) moveInts(n, "axes", 1);
    if (m_.opset < 13 && op == "Split") moveInts(n, "split", 1);
    if (m_.opset < 11 && op == "Clip") {
      moveFloat(n, "min", 1);
      moveFloat(n, "max", 2);
    }
    if (m_.opset < 11 && op == "Pad") {
      moveInts(n, "pads", 1);
      moveFloat(n, "value", 2);
    }
    if (m_.opset < 10 && op == "Slice") {
      moveInts(n, "starts", 1);
      moveInts(n, "ends", 2);
      moveInts(n, "axes", 3);
    }
  }

 private:
  // Attribute `name` of n, ints, becomes n's input `at` (an i64 initializer); nothing when absent.
  void moveInts(OnnxNode& n, const char* name, size_t at) {
    auto a = n.attrs.find(name);
    if (a == n.attrs.end() || a->second.kind != OnnxAttr::Kind::Ints) return;
    Tensor t(TensorType{DType::i64, {(int64_t)a->second.ints.size()}});
    for (size_t i = 0; i < a->second.ints.size(); ++i) t.data<int64_t>()[i] = a->second.ints[i];
    bind(n, at, name, std::move(t));
  }

  void moveFloat(OnnxNode& n, const char* name, size_t at) {
    auto a = n.attrs.find(name);
    if (a == n.attrs.end() || a->second.kind != OnnxAttr::Kind::Float) return;
    bind(n, at, name, Tensor::scalar(DType::f64, a->second.f));
  }

  void bind(OnnxNode& n, size_t at, const char* attr, Tensor t) {
    std::string base = fmt::format("{}.{}", n.outputs.empty() || n.outputs[0].empty() ? fmt::format("node{}", n.index) : n.outputs[0], attr);
    std::string name = base;
    for (int k = 1; names_.count(name); ++k) name = fmt::format("{}.{}", base, k);
    names_.insert(name);
    m_.initializers.emplace_back(name, std::move(t));
    if (n.inputs.size() <= at) n.inputs.resize(at + 1);
    n.inputs[at] = name;
    n.attrs.erase(attr);
  }

  OnnxModel& m_;
  std::set<std::string> names_;
};

}  // namespace

void upgradeToOpset13(OnnxModel& m) {
  if (m.opset >= 13) return;
  Upgrade upgrade(m);
  for (OnnxNode& n : m.nodes) upgrade.node(n);
}

}  // namespace graphc::onnxfe
