// The ONNX frontend: ModelProto (opsets 1-17) -> graphc Graph, and trained weights back to ONNX.
// This header is free of protobuf and ONNX headers on purpose (they cost ~7 s per file).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "ir/graph.h"

namespace graphc {

struct OnnxImportOptions {
  // Binds the whole shape of an input, e.g. {"x", {8, 784}} (`--shape x=8x784`). Symbolic
  // dimensions (dim_param) of the model are resolved from these; an input whose shape is fully
  // static needs no entry, but an entry must agree with it.
  std::map<std::string, Shape> inputShapes;
  // Symbolic dimensions (dim_param) bound by name, e.g. {"N", 4}; those the model does not use
  // are ignored. A given input shape must agree with them.
  std::map<std::string, int64_t> dims;
  // Inputs bound to a value at import (`--const k=k.npy`): each becomes a constant, so that a
  // shape operand it feeds (a Reshape shape, Slice bounds, Trilu's k) is known. Its dtype and
  // shape must be the input's; its shape binds the input's symbolic dimensions.
  std::map<std::string, Tensor> constants;
};

// Reads an ONNX model. Every unsupported op or attribute value is reported in one error.
Result<Graph> importOnnx(const std::string& path, const OnnxImportOptions& options = {});
// Same, from the bytes of a model; `name` is used in messages (usually the path).
Result<Graph> importOnnxBytes(std::string_view bytes, const std::string& name, const OnnxImportOptions& options = {});

// The names of the model's graph inputs that are not initializers, in order.
Result<std::vector<std::string>> onnxInputNames(const std::string& path);

// Writes the model at originalPath to outPath with each initializer that is a parameter of
// `trained` (matched by name) replaced by the parameter's current data; everything else is kept.
// Import-time layout changes (Gemm weights stored transposed) are undone. Atomic.
Status exportOnnxWithParams(const std::string& originalPath, const Graph& trained, const std::string& outPath);

struct OnnxExportOptions {
  // When set, dimension 0 of an input or output that equals `batch` is written as the symbol
  // batchSymbol (e.g. "N"), and a reshape to that batch keeps its input's first dimension, so
  // that the model runs at any batch.
  std::string batchSymbol;
  int64_t batch = 0;
};
// Writes g (params and consts as initializers) as a new ONNX model, opset 17. Covers the ops of
// MLPs and small CNNs (dense, conv2d, pools, activations, elementwise, softmax, reshape, ...);
// one error lists every op it cannot write. Atomic.
Status exportGraphOnnx(const Graph& g, const std::string& outPath, const OnnxExportOptions& options = {});

}  // namespace graphc
