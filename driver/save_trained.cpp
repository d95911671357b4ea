// Saving a trained model.
#include "driver/save_trained.h"

#include <filesystem>
#include <fmt/format.h>

#include "frontend/onnx/onnx_import.h"
#include "frontend/text/printer.h"
#include "frontend/text/rewrite_params.h"
#include "frontend/npy/npy.h"

namespace graphc::driver {

bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Status checkSavePath(const std::string& out) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(out).parent_path();
  std::error_code ec;
  if (!dir.empty() && !fs::is_directory(dir, ec))
    return Error(fmt::format("--save {}: the folder '{}' does not exist", out, dir.string()));
  if (fs::is_directory(out, ec)) return Error(fmt::format("--save {}: is a folder", out));
  return ok();
}

Status saveTrained(const std::string& modelPath, const Graph& model, int64_t batch,
                   const std::map<std::string, Tensor>& trained, const std::string& out) {
  bool onnxModel = endsWith(modelPath, ".onnx"), onnxOut = endsWith(out, ".onnx");
  if (!onnxModel && !onnxOut && !modelPath.empty()) {
    GRAPHC_ASSIGN(std::string text, readFile(modelPath));
    GRAPHC_ASSIGN(std::string saved, replaceParamData(text, modelPath, trained));
    return writeFileAtomic(out, saved);
  }
  Graph g = model.clone();
  for (const auto& [name, data] : trained) {
    ValueId v = g.findValue(name);
    if (v == UINT32_MAX || g.value(v).kind != ValueKind::Param || g.type(v) != data.type())
      return Error(fmt::format("--save {}: the trained weight '{}' ({}) is not a param of the model", out, name, data.type().str()));
    g.value(v).data = data;
    g.value(v).file.clear();  // the data goes inline, not into the side file it came from
  }
  if (onnxModel && onnxOut) return exportOnnxWithParams(modelPath, g, out);
  if (onnxOut) return exportGraphOnnx(g, out, OnnxExportOptions{.batchSymbol = "N", .batch = batch});
  return writeFileAtomic(out, printGraph(g));
}

}  // namespace graphc::driver
