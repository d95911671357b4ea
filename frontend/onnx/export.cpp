// Writing back: the original ModelProto with its initializers replaced by trained parameters.
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "frontend/onnx/model.h"
#include "frontend/onnx/onnx_import.h"
#include "frontend/npy/npy.h"

namespace graphc {

Status exportOnnxWithParams(const std::string& originalPath, const Graph& trained, const std::string& outPath) {
  GRAPHC_ASSIGN(std::string bytes, readFile(originalPath));
  if (bytes.empty()) return Error(fmt::format("{}: empty file, not an ONNX model", originalPath));
  onnx::ModelProto proto;
  if (bytes.size() > (size_t)INT32_MAX || !proto.ParseFromArray(bytes.data(), (int)bytes.size()))
    return Error(fmt::format("{}: not a valid ONNX model (protobuf parsing failed)", originalPath));
  GRAPHC_ASSIGN(onnxfe::OnnxModel model, onnxfe::convertModel(proto, originalPath));
  std::set<std::string> transposed = onnxfe::transposedWeights(model);

  for (onnx::TensorProto& init : *proto.mutable_graph()->mutable_initializer()) {
    ValueId v = trained.findValue(init.name());
    if (v == UINT32_MAX || trained.value(v).kind != ValueKind::Param) continue;
    const Tensor& data = trained.value(v).data;
    Shape dims(init.dims().begin(), init.dims().end());
    Tensor t = data;
    if (transposed.count(init.name()) && data.type().rank() == 2) t = data.transposed2d();  // undo the import-time W^T
    auto dtype = onnxfe::dtypeFromOnnx(init.data_type());
    if (t.shape() != dims || !dtype || *dtype != t.dtype())
      return Error(fmt::format("{}: parameter '{}' is {} in the trained graph but the model's initializer is {}[{}]",
                               originalPath, init.name(), t.type().str(), onnxfe::onnxTypeName(init.data_type()),
                               fmt::join(dims, ",")));
    init.clear_float_data();
    init.clear_double_data();
    init.clear_external_data();
    init.set_data_location(onnx::TensorProto::DEFAULT);
    init.set_raw_data(std::string(static_cast<const char*>(t.raw()), t.bytes()));
  }
  std::string out;
  if (!proto.SerializeToString(&out)) return Error(fmt::format("{}: cannot serialize the model", outPath));
  return writeFileAtomic(outPath, out);
}

}  // namespace graphc
