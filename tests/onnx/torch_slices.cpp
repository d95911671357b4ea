// Models exported by torch.onnx with open-ended slices (tests/data/onnx/torch_slices, made by
// gen_torch_slices.py): ends = INT64_MAX, flips with steps -1, torch.roll, and a tiny ViT that
// mean-pools its patch tokens; and a model exported at opsets 9 to 12 (torch_legacy, made by
// gen_torch_legacy.py); F.interpolate in every mode (torch_resize, gen_torch_resize.py). On every backend, with and without the default pipeline, the output
// matches PyTorch's.
#include <doctest/doctest.h>

#include <cmath>

#include "frontend/onnx/onnx_import.h"
#include "frontend/npy/npy.h"
#include "passes/pass.h"
#include "runtime/executable.h"
#include "tests/onnx/torch_models.h"
#include "tests/support.h"

using namespace graphc;

namespace {

Tensor load(const std::string& dir, const std::string& file) {
  auto t = readNpy(test::dataPath("onnx/" + dir + "/" + file));
  REQUIRE_MESSAGE(t.ok(), (t.ok() ? "" : t.error().message()));
  return *t;
}

}  // namespace

void test::checkMatchesTorch(const std::string& name, int opset, const std::string& dir) {
  Tensor x = load(dir, name + ".in.npy"), want = load(dir, name + ".out.npy");
  for (bool optimized : {false, true}) {
    auto g = importOnnx(test::dataPath("onnx/" + dir + "/" + name + "_op" + std::to_string(opset) + ".onnx"));
    REQUIRE_MESSAGE(g.ok(), (g.ok() ? "" : g.error().message()));
    if (optimized) REQUIRE(runPipeline(*g, defaultPipeline()).ok());
    for (const BackendInfo& backend : allBackends()) {
      CAPTURE(backend.name);
      CAPTURE(optimized);
      auto exe = backend.prepare(*g, CompileOptions{std::string(backend.name), 1});
      REQUIRE_MESSAGE(exe.ok(), (exe.ok() ? "" : exe.error().message()));
      auto ctx = (*exe)->createContext();
      REQUIRE(ctx.ok());
      std::vector<Tensor> out = (*exe)->makeOutputs();
      Status st = (*exe)->run(**ctx, std::span<const Tensor>(&x, 1), std::span<Tensor>(out));
      REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error().message()));
      REQUIRE(out.size() == 1);
      REQUIRE(out[0].shape() == want.shape());  // roll got the wrong shape when INT64_MAX wrapped
      bool finite = true;
      for (int64_t i = 0; i < out[0].numel(); ++i) finite = finite && std::isfinite(out[0].at(i));
      CHECK(finite);  // the ViT's pooled mean was all NaN over an empty slice
      CHECK(test::maxRelDiff(out[0], want) < 1e-4);
    }
  }
}

using test::checkMatchesTorch;

TEST_CASE("torch.onnx's open-ended slices (ends = INT64_MAX) match PyTorch at opsets 13 and 17") {
  for (int opset : {13, 17}) {
    CAPTURE(opset);
    checkMatchesTorch("rest", opset);
    checkMatchesTorch("tail", opset);
  }
}

TEST_CASE("torch.flip (steps -1, ends near INT64_MIN) and torch.roll match PyTorch") {
  for (int opset : {13, 17}) {
    CAPTURE(opset);
    checkMatchesTorch("flip", opset);
    checkMatchesTorch("roll", opset);
  }
}

TEST_CASE("a tiny ViT that mean-pools its patch tokens x[:, 1:].mean(1) matches PyTorch") {
  for (int opset : {13, 17}) {
    CAPTURE(opset);
    checkMatchesTorch("vit_pool", opset);
  }
}

TEST_CASE("a model torch.onnx exports at opsets 9 to 12 (attributes where later opsets take inputs) matches PyTorch") {
  for (int opset : {9, 10, 11, 12}) {
    CAPTURE(opset);
    checkMatchesTorch("legacy", opset, "torch_legacy");
  }
}

TEST_CASE("F.interpolate as torch.onnx exports it (Upsample, Resize 10, Resize in every PyTorch mode) and a U-Net step with ConvTranspose match PyTorch") {
  for (int opset : {11, 13, 17}) {
    CAPTURE(opset);
    checkMatchesTorch("modes", opset, "torch_resize");
    checkMatchesTorch("unet", opset, "torch_resize");
  }
  for (int opset : {9, 10}) {
    CAPTURE(opset);
    checkMatchesTorch("nearest", opset, "torch_resize");
  }
}
