// Exporting a graphc graph as a new ONNX model (opset 17): what `graphc train --save OUT.onnx`
// writes for a textual-IR model. Covers the ops of MLPs and small CNNs; the fused ops (dense,
// conv2d with activation and residual) are spelled out again as ONNX nodes.
#include <fmt/format.h>
#include <onnx/onnx_pb.h>
#include <set>

#include "frontend/onnx/onnx_import.h"
#include "frontend/npy/npy.h"

namespace graphc {
namespace {

int32_t onnxDType(DType t) {
  switch (t) {
    case DType::f64: return onnx::TensorProto::DOUBLE;
    case DType::i32: return onnx::TensorProto::INT32;
    case DType::i64: return onnx::TensorProto::INT64;
    case DType::boolean: return onnx::TensorProto::BOOL;
    case DType::bf16: return onnx::TensorProto::BFLOAT16;
    case DType::f16: return onnx::TensorProto::FLOAT16;
    case DType::i8: return onnx::TensorProto::INT8;
    case DType::u8: return onnx::TensorProto::UINT8;
    case DType::i16: return onnx::TensorProto::INT16;
    case DType::u16: return onnx::TensorProto::UINT16;
    default: return onnx::TensorProto::FLOAT;
  }
}

const Attr& attrOf(const Node& n, std::string_view name) {
  if (const Attr* a = n.attrs.find(name)) return *a;
  return *n.info().findAttr(name)->defaultValue;
}
int64_t intAttr(const Node& n, std::string_view name) { return std::get<int64_t>(attrOf(n, name)); }
double floatAttr(const Node& n, std::string_view name) { return std::get<double>(attrOf(n, name)); }
const std::string& strAttr(const Node& n, std::string_view name) { return std::get<std::string>(attrOf(n, name)); }
const std::vector<int64_t>& intsAttr(const Node& n, std::string_view name) { return std::get<std::vector<int64_t>>(attrOf(n, name)); }

class Exporter {
 public:
  Exporter(const Graph& g, const OnnxExportOptions& options, onnx::GraphProto& out) : g_(g), options_(options), out_(out) {}

  void tensor(const std::string& name, const Tensor& t) {
    onnx::TensorProto* p = out_.add_initializer();
    p->set_name(name);
    p->set_data_type(onnxDType(t.dtype()));
    for (int64_t d : t.shape()) p->add_dims(d);
    p->set_raw_data(std::string(static_cast<const char*>(t.raw()), t.bytes()));
  }
  std::string ints(const std::vector<int64_t>& values, const std::string& hint) {
    std::string name = fresh(hint);
    tensor(name, Tensor::fromVector(DType::i64, {(int64_t)values.size()}, values));
    return name;
  }
  std::string scalar(DType dtype, double v, const std::string& hint) {
    std::string name = fresh(hint);
    tensor(name, Tensor::scalar(dtype, v));
    return name;
  }
  std::string fresh(const std::string& hint) { return fmt::format("{}.export{}", hint, counter_++); }

  onnx::NodeProto* node(const std::string& op, std::vector<std::string> inputs, std::string output) {
    onnx::NodeProto* n = out_.add_node();
    n->set_op_type(op);
    n->set_name(fmt::format("{}_{}", op, out_.node_size()));
    for (auto& i : inputs) n->add_input(i);
    n->add_output(std::move(output));
    return n;
  }
  static void set(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name), a->set_type(onnx::AttributeProto::INT), a->set_i(v);
  }
  static void set(onnx::NodeProto* n, const std::string& name, double v) {
    auto* a = n->add_attribute();
    a->set_name(name), a->set_type(onnx::AttributeProto::FLOAT), a->set_f((float)v);
  }
  static void set(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n->add_attribute();
    a->set_name(name), a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }

  // act(x) as its own node; false for an activation ONNX 17 lacks (gelu).
  bool activation(const std::string& act, double alpha, double beta, const std::string& x, const std::string& y, DType dtype) {
    if (act == "none") return node("Identity", {x}, y), true;
    if (act == "relu") return node("Relu", {x}, y), true;
    if (act == "sigmoid") return node("Sigmoid", {x}, y), true;
    if (act == "tanh") return node("Tanh", {x}, y), true;
    if (act == "leaky_relu") return set(node("LeakyRelu", {x}, y), "alpha", alpha), true;
    if (act == "elu") return set(node("Elu", {x}, y), "alpha", alpha), true;
    if (act == "clip") return node("Clip", {x, scalar(dtype, alpha, y + ".min"), scalar(dtype, beta, y + ".max")}, y), true;
    if (act == "silu") {  // as torch.onnx writes it
      std::string s = fresh(y + ".sigmoid");
      node("Sigmoid", {x}, s);
      return node("Mul", {x, s}, y), true;
    }
    return false;
  }

  // pre = x.w + b or conv(x, w, b) (already emitted); y = act(pre) [+ residual].
  bool epilogue(const Node& n, const std::string& pre, const std::string& y) {
    bool residual = n.operands.size() == 4;
    std::string actOut = residual ? fresh(y + ".act") : y;
    if (!activation(strAttr(n, "activation"), floatAttr(n, "alpha"), floatAttr(n, "beta"), pre, actOut, g_.type(n.results[0]).dtype))
      return false;
    if (residual) node("Add", {actOut, name(n.operands[3])}, y);
    return true;
  }

  const std::string& name(ValueId v) const { return g_.value(v).name; }

  // Emits n; false when it has no ONNX spelling here.
  bool emit(const Node& n) {
    static const std::map<OpKind, std::string> simple = {
        {OpKind::Neg, "Neg"},         {OpKind::Abs, "Abs"},         {OpKind::Sqrt, "Sqrt"},   {OpKind::Exp, "Exp"},
        {OpKind::Log, "Log"},         {OpKind::Erf, "Erf"},         {OpKind::Reciprocal, "Reciprocal"},
        {OpKind::Relu, "Relu"},       {OpKind::Sigmoid, "Sigmoid"}, {OpKind::Tanh, "Tanh"},   {OpKind::Add, "Add"},
        {OpKind::Sub, "Sub"},         {OpKind::Mul, "Mul"},         {OpKind::Div, "Div"},     {OpKind::Pow, "Pow"},
        {OpKind::Min, "Min"},         {OpKind::Max, "Max"},         {OpKind::MatMul, "MatMul"},
        {OpKind::GlobalAvgPool, "GlobalAveragePool"}, {OpKind::Sin, "Sin"}, {OpKind::Cos, "Cos"}, {OpKind::Tan, "Tan"},
        {OpKind::Asin, "Asin"}, {OpKind::Acos, "Acos"}, {OpKind::Atan, "Atan"}, {OpKind::Sinh, "Sinh"},
        {OpKind::Cosh, "Cosh"}, {OpKind::Asinh, "Asinh"}, {OpKind::Acosh, "Acosh"}, {OpKind::Atanh, "Atanh"},
        {OpKind::Floor, "Floor"}, {OpKind::Ceil, "Ceil"}, {OpKind::Round, "Round"}, {OpKind::Sign, "Sign"}};
    if (n.results.size() != 1) return false;
    std::vector<std::string> in;
    for (ValueId v : n.operands) in.push_back(name(v));
    const std::string& y = name(n.results[0]);
    if (auto it = simple.find(n.op); it != simple.end()) return node(it->second, in, y), true;
    switch (n.op) {
      case OpKind::LeakyRelu: return set(node("LeakyRelu", in, y), "alpha", floatAttr(n, "alpha")), true;
      case OpKind::Elu: return set(node("Elu", in, y), "alpha", floatAttr(n, "alpha")), true;
      case OpKind::Silu: return activation("silu", 0, 0, in[0], y, g_.type(n.results[0]).dtype);
      case OpKind::Softmax: return set(node("Softmax", in, y), "axis", intAttr(n, "axis")), true;
      case OpKind::LogSoftmax: return set(node("LogSoftmax", in, y), "axis", intAttr(n, "axis")), true;
      case OpKind::Transpose: return set(node("Transpose", in, y), "perm", intsAttr(n, "perm")), true;
      case OpKind::Concat: return set(node("Concat", in, y), "axis", intAttr(n, "axis")), true;
      case OpKind::Reshape: {
        std::vector<int64_t> shape = intsAttr(n, "shape");
        // The batch stays symbolic: 0 copies the input's first dimension.
        if (batchSymbolic() && !shape.empty() && shape[0] == options_.batch && !g_.type(n.operands[0]).shape.empty() &&
            g_.type(n.operands[0]).shape[0] == options_.batch)
          shape[0] = 0;
        return node("Reshape", {in[0], ints(shape, y + ".shape")}, y), true;
      }
      case OpKind::Dense: {
        std::string pre = fresh(y + ".pre");
        if (g_.type(n.operands[0]).rank() == 2) {
          node("Gemm", {in[0], in[1], in[2]}, pre);
        } else {
          std::string mm = fresh(y + ".matmul");
          node("MatMul", {in[0], in[1]}, mm);
          node("Add", {mm, in[2]}, pre);
        }
        return epilogue(n, pre, y);
      }
      case OpKind::Conv2d: {
        std::string pre = fresh(y + ".pre");
        onnx::NodeProto* c = node("Conv", {in[0], in[1], in[2]}, pre);
        const Shape& w = g_.type(n.operands[1]).shape;
        set(c, "kernel_shape", std::vector<int64_t>{w[2], w[3]});
        set(c, "strides", intsAttr(n, "strides"));
        set(c, "pads", intsAttr(n, "pads"));
        set(c, "dilations", intsAttr(n, "dilations"));
        set(c, "group", intAttr(n, "group"));
        return epilogue(n, pre, y);
      }
      case OpKind::MaxPool2d:
      case OpKind::AvgPool2d: {
        bool max = n.op == OpKind::MaxPool2d;
        onnx::NodeProto* p = node(max ? "MaxPool" : "AveragePool", in, y);
        set(p, "kernel_shape", intsAttr(n, "kernel"));
        set(p, "strides", intsAttr(n, "strides"));
        set(p, "pads", intsAttr(n, "pads"));
        set(p, "ceil_mode", intAttr(n, "ceil_mode"));
        if (max) set(p, "dilations", intsAttr(n, "dilations"));
        else set(p, "count_include_pad", intAttr(n, "count_include_pad"));
        return true;
      }
      default: return false;
    }
  }

  bool batchSymbolic() const { return !options_.batchSymbol.empty() && options_.batch > 0; }

  void valueInfo(onnx::ValueInfoProto* info, const std::string& name, const TensorType& t) {
    info->set_name(name);
    auto* tt = info->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnxDType(t.dtype));
    auto* shape = tt->mutable_shape();
    for (size_t i = 0; i < t.shape.size(); ++i) {
      if (i == 0 && batchSymbolic() && t.shape[0] == options_.batch) shape->add_dim()->set_dim_param(options_.batchSymbol);
      else shape->add_dim()->set_dim_value(t.shape[i]);
    }
  }

 private:
  const Graph& g_;
  const OnnxExportOptions& options_;
  onnx::GraphProto& out_;
  int counter_ = 0;
};

}  // namespace

Status exportGraphOnnx(const Graph& g, const std::string& outPath, const OnnxExportOptions& options) {
  if (!g.updates.empty()) return Error(fmt::format("{}: cannot export a training step as ONNX (the graph updates its params)", outPath));
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("graphc");
  model.set_producer_version("0.1.0");
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(17);
  onnx::GraphProto& graph = *model.mutable_graph();
  graph.set_name(g.name);
  Exporter ex(g, options, graph);
  for (ValueId v : g.inputs) ex.valueInfo(graph.add_input(), g.value(v).name, g.type(v));
  for (ValueId v : g.constants) {
    const Value& val = g.value(v);
    if (val.kind == ValueKind::State) return Error(fmt::format("{}: cannot export the state value '{}' as ONNX", outPath, val.name));
    ex.tensor(val.name, val.data);
  }
  std::set<std::string> unsupported;
  for (const Node& n : g.nodes)
    if (!n.dead && !ex.emit(n)) unsupported.insert(std::string(n.info().name) + (n.op == OpKind::Dense || n.op == OpKind::Conv2d ? " (activation " + strAttr(n, "activation") + ")" : ""));
  if (!unsupported.empty())
    return Error(fmt::format("{}: cannot export these ops as ONNX: {}", outPath, fmt::join(unsupported, ", ")));
  for (const Output& o : g.outputs) {
    std::string value = g.value(o.value).name;
    if (o.name != value) ex.node("Identity", {value}, o.name);
    ex.valueInfo(graph.add_output(), o.name, g.type(o.value));
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes)) return Error(fmt::format("{}: cannot serialize the model", outPath));
  return writeFileAtomic(outPath, bytes);
}

}  // namespace graphc
