// Model loading, and the NAME=... bindings and file names the front ends share.
#include "driver/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "frontend/npy/bf16_bits.h"
#include "frontend/npy/npy.h"
#include "frontend/onnx/onnx_import.h"
#include "frontend/text/parser.h"

namespace graphc::driver {

Result<std::pair<std::string, Shape>> parseShapeBinding(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return Error(fmt::format("--shape '{}': expected NAME=D0xD1x... (e.g. x=1x784)", text));
  Shape shape;
  std::string dims = text.substr(eq + 1);
  size_t pos = 0;
  while (pos <= dims.size()) {
    size_t x = dims.find('x', pos);
    std::string d = dims.substr(pos, x == std::string::npos ? std::string::npos : x - pos);
    if (d.empty() || d.size() > 12 || d.find_first_not_of("0123456789") != std::string::npos)
      return Error(fmt::format("--shape '{}': '{}' is not a dimension (expected NAME=D0xD1x...)", text, d));
    int64_t size = 0;
    std::from_chars(d.data(), d.data() + d.size(), size);  // checked above: 1 to 12 digits
    shape.push_back(size);
    if (x == std::string::npos) break;
    pos = x + 1;
  }
  return std::pair{text.substr(0, eq), shape};
}

Result<ShapeMap> parseShapeBindings(const std::vector<std::string>& texts) {
  ShapeMap shapes;
  for (const std::string& text : texts) {
    GRAPHC_ASSIGN(auto binding, parseShapeBinding(text));
    shapes[binding.first] = binding.second;
  }
  return shapes;
}

Result<std::pair<std::string, std::string>> parseNamedPath(const std::string& text, const char* what) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    return Error(fmt::format("{} '{}': expected NAME=FILE", what, text));
  return std::pair{text.substr(0, eq), text.substr(eq + 1)};
}

static bool looksLikeOnnx(const std::string& path) {
  return path.size() >= 5 && path.compare(path.size() - 5, 5, ".onnx") == 0;
}

Result<ConstMap> readConstFiles(const std::vector<std::string>& bindings) {
  ConstMap consts;
  for (const std::string& spec : bindings) {
    GRAPHC_ASSIGN(auto np, parseNamedPath(spec, "--const"));
    auto [name, path] = np;
    if (consts.count(name)) return Error(fmt::format("--const {} is given twice", name));
    auto t = readNpy(path);
    if (!t) return t.takeError().prefixed(fmt::format("--const {}: ", name));
    consts[name] = std::move(*t);
  }
  return consts;
}

// A textual IR graph's inputs in `consts` become constants (its ops take shapes as attributes,
// so nothing else changes).
static Status bindConstants(Graph& g, const ConstMap& consts, const std::string& path) {
  for (const auto& [name, value] : consts) {
    ValueId v = g.findValue(name);
    if (v == UINT32_MAX || g.value(v).kind != ValueKind::Input)
      return Error(fmt::format("{}: --const {}: the model has no input of that name", path, name));
    if (g.type(v) != value.type() && !holdsBf16Bits(value, g.type(v)))
      return Error(ErrorCode::Shape, fmt::format("{}: --const {}: the input is {}, the file holds {}", path, name, g.type(v).str(),
                                                 value.type().str()));
    g.value(v).kind = ValueKind::Const;
    g.value(v).data = bf16FromBits(value, g.type(v));
    g.inputs.erase(std::find(g.inputs.begin(), g.inputs.end(), v));
    g.constants.push_back(v);
  }
  return ok();
}

Result<Graph> loadModel(const std::string& path, const ShapeMap& shapes, const DimMap& dims, const ConstMap& consts) {
  if (looksLikeOnnx(path)) return importOnnx(path, OnnxImportOptions{.inputShapes = shapes, .dims = dims, .constants = consts});
  GRAPHC_ASSIGN(std::string text, readFile(path));
  // The parser binds the symbols of the input types and checks the shapes against them.
  ShapeMap bound = shapes;
  for (const auto& [name, value] : consts) bound.emplace(name, value.shape());
  GRAPHC_ASSIGN(Graph g, parseGraph(text, path, ParseOptions{.inputShapes = bound, .dims = dims}));
  GRAPHC_TRY(bindConstants(g, consts, path));
  return g;
}

bool bytesLookLikeOnnx(std::string_view bytes) { return !bytes.empty() && bytes[0] == 0x08; }

Result<Graph> loadModelBytes(std::string_view bytes, const std::string& name, const ShapeMap& shapes, const DimMap& dims) {
  if (bytesLookLikeOnnx(bytes)) return importOnnxBytes(bytes, name, OnnxImportOptions{.inputShapes = shapes, .dims = dims, .constants = {}});
  return parseGraph(bytes, name, ParseOptions{.inputShapes = shapes, .dims = dims});
}

Result<std::vector<std::string>> modelInputNames(const std::string& path) {
  if (looksLikeOnnx(path)) return onnxInputNames(path);
  GRAPHC_ASSIGN(std::string text, readFile(path));
  return declaredInputNames(text);
}

std::string sanitizeFileName(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (!(std::isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-')) c = '_';
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

}  // namespace graphc::driver
