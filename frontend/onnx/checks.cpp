// Static attribute checks: unsupported attribute values found before the walk, so that one error
// can list all of them, including those of nodes the walk never reaches.
#include <fmt/format.h>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {

std::vector<std::string> checkStaticAttrs(const OnnxNode& n) {
  std::vector<std::string> out;
  auto find = [&](const char* name) -> const OnnxAttr* {
    auto it = n.attrs.find(name);
    return it == n.attrs.end() ? nullptr : &it->second;
  };
  for (const auto& [name, a] : n.attrs)
    if (a.kind == OnnxAttr::Kind::Other) out.push_back(fmt::format("unsupported {}", a.s));
  const std::string& op = n.opType;
  if (op == "Conv" || op == "MaxPool" || op == "AveragePool") {
    if (const OnnxAttr* a = find("auto_pad"); a && a->kind == OnnxAttr::Kind::Str &&
        a->s != "NOTSET" && a->s != "SAME_UPPER" && a->s != "SAME_LOWER" && a->s != "VALID")
      out.push_back(fmt::format("auto_pad='{}' is not supported", a->s));
    if (const OnnxAttr* a = find("kernel_shape"); a && a->kind == OnnxAttr::Kind::Ints && (a->ints.empty() || a->ints.size() > 3))
      out.push_back(fmt::format("kernel_shape with {} entries is not supported (1 to 3 spatial axes are)", a->ints.size()));
  }
  if (op == "MaxPool")
    if (const OnnxAttr* a = find("storage_order"); a && a->kind == OnnxAttr::Kind::Int && a->i != 0 && a->i != 1)
      out.push_back(fmt::format("storage_order={} is neither 0 (row-major) nor 1 (column-major)", a->i));
  if (op == "BatchNormalization")
    if (const OnnxAttr* a = find("training_mode"); a && a->kind == OnnxAttr::Kind::Int && a->i != 0)
      out.push_back(fmt::format("training_mode={} is not supported", a->i));
  if (op == "Cast")
    if (const OnnxAttr* a = find("to"); a && a->kind == OnnxAttr::Kind::Int && !dtypeFromOnnx((int32_t)a->i))
      out.push_back(fmt::format("to={} is not supported", onnxTypeName((int32_t)a->i)));
  if (op == "Constant")
    for (const char* name : {"sparse_value", "value_string", "value_strings"})
      if (find(name)) out.push_back(fmt::format("attribute '{}' is not supported", name));
  return out;
}

}  // namespace graphc::onnxfe
