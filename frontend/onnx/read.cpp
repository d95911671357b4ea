// Reading: bytes -> ModelProto -> the plain OnnxModel, with every malformation reported as an error.
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <limits>
#include <type_traits>

#include "frontend/onnx/model.h"

namespace graphc::onnxfe {
namespace {

constexpr int64_t kMaxElements = int64_t(1) << 31;

Result<Shape> readDims(const google::protobuf::RepeatedField<int64_t>& dims, const std::string& what) {
  Shape s;
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return Error(ErrorCode::Parse, fmt::format("{} has a negative dimension {}", what, d));
    if (d > 0 && n > kMaxElements / d) return Error(ErrorCode::Parse, fmt::format("{} is too large", what));
    n *= d;
    s.push_back(d);
  }
  return s;
}

// Copies typed repeated fields (float_data, int64_data, ...) into t, checking the count.
template <class Field>
Status copyField(const Field& f, Tensor& t, const std::string& what) {
  if ((int64_t)f.size() != t.numel())
    return Error(ErrorCode::Parse, fmt::format("{} holds {} values for shape [{}] ({} elements)", what, f.size(), shapeStr(t.shape()), t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) {
    if constexpr (std::is_integral_v<std::decay_t<decltype(f.Get(0))>>) t.setInt(i, f.Get((int)i));  // exact
    else t.set(i, (double)f.Get((int)i));
  }
  return ok();
}

// Converts a TensorProto. An unsupported dtype or external data is reported through `unsupported`
// (and the result is empty); a tensor whose data does not fit its shape is an error.
Result<Tensor> readTensor(const onnx::TensorProto& p, const std::string& what, std::string* unsupported) {
  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    *unsupported = fmt::format("{} keeps its data in an external file", what);
    return Tensor();
  }
  if (p.has_segment()) return Error(ErrorCode::Unsupported, fmt::format("{} is segmented, which is not supported", what));
  auto dtype = dtypeFromOnnx(p.data_type());
  if (!dtype) {
    *unsupported = fmt::format("{} has element type {}", what, onnxTypeName(p.data_type()));
    return Tensor();
  }
  GRAPHC_ASSIGN(Shape shape, readDims(p.dims(), what));
  if (p.has_raw_data()) {
    const std::string& raw = p.raw_data();
    Tensor t = Tensor::uninitialized(TensorType{*dtype, shape});  // every byte is copied below
    if (raw.size() != t.bytes())
      return Error(ErrorCode::Parse, fmt::format("{} has {} bytes of raw data, its type {} needs {}", what, raw.size(), t.type().str(), t.bytes()));
    if (!raw.empty()) std::memcpy(t.raw(), raw.data(), raw.size());
    if (*dtype == DType::boolean)
      for (int64_t i = 0; i < t.numel(); ++i) t.data<bool>()[i] = raw[i] != 0;
    return t;
  }
  Tensor t(TensorType{*dtype, shape});
  switch (*dtype) {
    case DType::f32: GRAPHC_TRY(copyField(p.float_data(), t, what)); break;
    case DType::f64: GRAPHC_TRY(copyField(p.double_data(), t, what)); break;
    case DType::i64: GRAPHC_TRY(copyField(p.int64_data(), t, what)); break;
    case DType::f16:  // int32_data holds each f16's (or bf16's) bits
    case DType::bf16:
      GRAPHC_TRY(copyField(p.int32_data(), t, what));
      for (int64_t i = 0; i < t.numel(); ++i) t.data<uint16_t>()[i] = (uint16_t)p.int32_data((int)i);
      break;
    default: GRAPHC_TRY(copyField(p.int32_data(), t, what)); break;  // i32, bool, i8, u8, i16, u16
  }
  return t;
}

Result<OnnxAttr> readAttr(const onnx::AttributeProto& a, const std::string& where) {
  using A = onnx::AttributeProto;
  OnnxAttr r;
  auto type = a.type();
  if (type == A::UNDEFINED) {  // very old writers leave the type out: guess it from the field set
    type = a.has_f() ? A::FLOAT : a.has_i() ? A::INT : a.has_s() ? A::STRING : a.has_t() ? A::TENSOR
         : a.floats_size() ? A::FLOATS : a.ints_size() ? A::INTS : a.strings_size() ? A::STRINGS : A::UNDEFINED;
  }
  switch (type) {
    case A::INT: r.kind = OnnxAttr::Kind::Int; r.i = a.i(); break;
    case A::FLOAT: r.kind = OnnxAttr::Kind::Float; r.f = a.f(); break;
    case A::STRING: r.kind = OnnxAttr::Kind::Str; r.s = a.s(); break;
    case A::INTS: r.kind = OnnxAttr::Kind::Ints; r.ints.assign(a.ints().begin(), a.ints().end()); break;
    case A::FLOATS: r.kind = OnnxAttr::Kind::Floats; r.floats.assign(a.floats().begin(), a.floats().end()); break;
    case A::STRINGS: r.kind = OnnxAttr::Kind::Strs; r.strs.assign(a.strings().begin(), a.strings().end()); break;
    case A::TENSOR: {
      std::string unsupported;
      GRAPHC_ASSIGN(r.t, readTensor(a.t(), fmt::format("{}: tensor attribute '{}'", where, a.name()), &unsupported));
      if (unsupported.empty()) {
        r.kind = OnnxAttr::Kind::Tensor;
      } else {
        r.kind = OnnxAttr::Kind::Other;
        r.s = unsupported;
      }
      break;
    }
    default:
      r.kind = OnnxAttr::Kind::Other;
      r.s = fmt::format("attribute '{}' of kind {}", a.name(), A::AttributeType_Name(type));
  }
  return r;
}

}  // namespace

std::optional<DType> dtypeFromOnnx(int32_t t) {
  switch (t) {
    case onnx::TensorProto::FLOAT: return DType::f32;
    case onnx::TensorProto::DOUBLE: return DType::f64;
    case onnx::TensorProto::INT32: return DType::i32;
    case onnx::TensorProto::INT64: return DType::i64;
    case onnx::TensorProto::BOOL: return DType::boolean;
    // Storage types: the importer computes in f32 or i32 and casts back at the outputs (import.cpp).
    case onnx::TensorProto::FLOAT16: return DType::f16;
    case onnx::TensorProto::BFLOAT16: return DType::bf16;
    case onnx::TensorProto::INT8: return DType::i8;
    case onnx::TensorProto::UINT8: return DType::u8;
    case onnx::TensorProto::INT16: return DType::i16;
    case onnx::TensorProto::UINT16: return DType::u16;
    default: return std::nullopt;
  }
}

std::string onnxTypeName(int32_t t) {
  if (onnx::TensorProto::DataType_IsValid(t)) return onnx::TensorProto::DataType_Name((onnx::TensorProto::DataType)t);
  return fmt::format("#{}", t);
}

std::string describe(const OnnxNode& n) {
  std::string op = n.domain.empty() || n.domain == "ai.onnx" ? n.opType : fmt::format("{}, domain '{}'", n.opType, n.domain);
  if (!n.name.empty()) return fmt::format("node '{}' ({})", n.name, op);
  std::string out = n.outputs.empty() ? std::string() : fmt::format(", output '{}'", n.outputs[0]);
  return fmt::format("node #{} ({}{})", n.index, op, out);
}

Result<OnnxModel> readModel(std::string_view bytes, const std::string& name) {
  if (bytes.empty()) return Error(ErrorCode::Parse, fmt::format("{}: empty file, not an ONNX model", name));
  if (bytes.size() > (size_t)std::numeric_limits<int>::max())
    return Error(ErrorCode::Parse, fmt::format("{}: file too large for protobuf (2 GiB limit)", name));
  onnx::ModelProto proto;
  if (!proto.ParseFromArray(bytes.data(), (int)bytes.size()))
    return Error(ErrorCode::Parse, fmt::format("{}: not a valid ONNX model (protobuf parsing failed: truncated or not a model file)", name));
  return convertModel(proto, name);
}

Result<OnnxModel> convertGraph(const onnx::ModelProto& proto, const std::string& name) {
  OnnxModel m;
  m.file = name;
  if (!proto.has_graph()) return Error(ErrorCode::Parse, fmt::format("{}: not a valid ONNX model (it has no graph)", name));
  for (const auto& op : proto.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx") m.opset = op.version();
  if (m.opset == 0) return Error(ErrorCode::Parse, fmt::format("{}: the model imports no opset of the default ONNX domain", name));
  if (m.opset > 17)
    return Error(ErrorCode::Unsupported, fmt::format("{}: opset {} of the default domain is not supported (graphc reads opsets 1 to 17)", name, m.opset));
  m.sourceOpset = m.opset;

  const onnx::GraphProto& g = proto.graph();
  std::set<std::string> initNames;
  for (const auto& init : g.initializer()) {
    std::string what = fmt::format("initializer '{}'", init.name());
    if (init.name().empty()) return Error(ErrorCode::Parse, fmt::format("{}: an initializer has no name", name));
    if (!initNames.insert(init.name()).second) return Error(ErrorCode::Parse, fmt::format("{}: {} is defined twice", name, what));
    std::string unsupported;
    auto t = readTensor(init, what, &unsupported);
    if (!t) return t.takeError().prefixed(name + ": ");
    if (!unsupported.empty()) {
      m.issues.push_back(unsupported);
      m.skipped.insert(init.name());
      continue;
    }
    m.initializers.emplace_back(init.name(), std::move(*t));
  }
  if (g.sparse_initializer_size()) m.issues.push_back("sparse initializers");

  std::set<std::string> inputNames;
  for (const auto& in : g.input()) {
    if (initNames.count(in.name())) continue;  // a default value, not an input
    if (!inputNames.insert(in.name()).second) return Error(ErrorCode::Parse, fmt::format("{}: input '{}' is listed twice", name, in.name()));
    OnnxInput i;
    i.name = in.name();
    if (!in.type().has_tensor_type()) return Error(ErrorCode::Parse, fmt::format("{}: input '{}' is not a tensor", name, in.name()));
    const auto& tt = in.type().tensor_type();
    i.elemType = tt.elem_type();
    i.hasShape = tt.has_shape();
    for (const auto& d : tt.shape().dim()) {
      OnnxDim dim;
      if (d.has_dim_value()) {
        if (d.dim_value() < 0) return Error(ErrorCode::Parse, fmt::format("{}: input '{}' has a negative dimension", name, in.name()));
        dim.value = d.dim_value();
      } else {
        dim.param = d.dim_param();
      }
      i.dims.push_back(dim);
    }
    m.inputs.push_back(std::move(i));
  }

  for (int k = 0; k < g.node_size(); ++k) {
    const onnx::NodeProto& np = g.node(k);
    OnnxNode n;
    n.index = (size_t)k;
    n.name = np.name();
    n.opType = np.op_type();
    n.domain = np.domain() == "ai.onnx" ? std::string() : np.domain();
    n.inputs.assign(np.input().begin(), np.input().end());
    n.outputs.assign(np.output().begin(), np.output().end());
    for (const auto& a : np.attribute()) {
      auto attr = readAttr(a, describe(n));
      if (!attr) return attr.takeError().prefixed(name + ": ");
      n.attrs[a.name()] = std::move(*attr);
    }
    m.nodes.push_back(std::move(n));
  }
  for (const auto& out : g.output()) {
    m.outputs.push_back(out.name());
    m.outputTypes.push_back(out.type().has_tensor_type() ? out.type().tensor_type().elem_type() : 0);
  }
  if (m.outputs.empty()) return Error(ErrorCode::Parse, fmt::format("{}: the graph has no outputs", name));
  return m;
}

}  // namespace graphc::onnxfe
