// The differential check: every model in tests/data (ONNX files and IR text, wherever they are)
// runs on every backend through the default pipeline, and each output must equal the
// interpreter's on the same inputs. The inputs are the model's own .npy files where the data has
// them (NAME.inK.npy, NAME.in.npy beside NAME_opN.onnx, NAME_bB_in.npy), else random values
// with symbolic dimensions bound to 2. Every file imports but those malformed on purpose.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "frontend/npy/npy.h"
#include "frontend/onnx/onnx_import.h"
#include "frontend/text/parser.h"
#include "ir/eval/interpreter.h"
#include "passes/pass.h"
#include "tests/backends/run.h"
#include "tests/backends/skips.h"
#include "tests/support.h"

namespace graphc::test {
namespace {

namespace fs = std::filesystem;

// The .npy inputs stored beside a model, in input order; empty when there are none.
std::vector<Tensor> storedInputs(const fs::path& model) {
  const fs::path dir = model.parent_path();
  const std::string stem = model.stem().string();
  std::vector<Tensor> out;
  for (int k = 0;; ++k) {
    auto t = readNpy((dir / (stem + ".in" + std::to_string(k) + ".npy")).string());
    if (!t) break;
    out.push_back(std::move(*t));
  }
  if (!out.empty()) return out;
  std::vector<fs::path> candidates{dir / (std::regex_replace(stem, std::regex("_op[0-9]+$"), "") + ".in.npy")};
  for (int batch : {1, 2, 8, 32, 64})
    candidates.push_back(dir / (stem + "_b" + std::to_string(batch) + "_in.npy"));
  for (const fs::path& p : candidates)
    if (auto t = readNpy(p.string())) return {std::move(*t)};
  return {};
}

Result<Graph> load(const fs::path& model, const std::vector<Tensor>& inputs) {
  if (model.extension() == ".graph") {
    GRAPHC_ASSIGN(std::string text, readFile(model.string()));
    return parseGraph(text, model.string());
  }
  OnnxImportOptions options;
  if (auto names = onnxInputNames(model.string()); names && names->size() == inputs.size())
    for (size_t i = 0; i < inputs.size(); ++i) options.inputShapes[(*names)[i]] = inputs[i].shape();
  if (inputs.empty()) options.dims = {{"N", 2}, {"batch", 2}, {"B", 2}, {"T", 2}};
  return importOnnx(model.string(), options);
}

// Files that are not models to run: the fuzzers' saved inputs and the diagnostics tests' IR,
// which are malformed on purpose.
bool notAModel(const std::string& relative) { return relative.starts_with("fuzz/") || relative.starts_with("ir/expected_errors"); }

TEST_CASE("differential: every model in tests/data on every backend equals the interpreter") {
  int compared = 0;
  std::vector<fs::path> models;
  for (const auto& e : fs::recursive_directory_iterator(dataPath("")))
    if (e.is_regular_file() && (e.path().extension() == ".onnx" || e.path().extension() == ".graph")) models.push_back(e.path());
  std::sort(models.begin(), models.end());
  for (const fs::path& model : models) {
    const std::string name = fs::relative(model, dataPath("")).string();
    if (notAModel(name)) continue;
    INFO(name);
    std::vector<Tensor> inputs = storedInputs(model);
    auto g = load(model, inputs);
    if (!g) FAIL_CHECK(g.error().message());  // every model the tests keep imports
    if (!g) continue;
    if (inputs.size() != g->inputs.size()) inputs = randomInputs(*g, 7, -1, 1);
    auto want = eval::interpret(*g, inputs);
    // Random data may hold an index out of range, which the interpreter refuses: so must they.
    bool refused = !want;
    Graph optimized = *g;
    Status piped = runPipeline(optimized, defaultPipeline());
    if (!piped.ok()) FAIL_CHECK(piped.error().message());
    if (!piped.ok()) continue;
    ++compared;
    for (const BackendInfo& backend : allBackends()) {
      if (backend.name == "ref" || findSkip(backend.name, "differential/" + name)) continue;
      INFO(caseOn(backend.name, "differential/" + name));
      auto got = runOn(backend, optimized, inputs);
      if (refused) {
        CHECK_MESSAGE(!got.ok(), "the interpreter refused: " << want.error().message());
        continue;
      }
      if (!got) FAIL_CHECK(got.error().message());
      if (!got || got->size() != want->size()) continue;
      for (size_t i = 0; i < want->size(); ++i) {
        CAPTURE(i);
        CHECK((*got)[i].type() == (*want)[i].type());
        CHECK(maxRelDiff((*got)[i], (*want)[i]) < 1e-4);
      }
    }
  }
  MESSAGE(compared, " models compared");
  CHECK(compared > 500);  // the ops, the reference models, torch's exports and the IR cases
}

}  // namespace
}  // namespace graphc::test
