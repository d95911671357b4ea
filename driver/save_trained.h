// Saving a trained model: the model with its trained weights, as ONNX or textual IR, written
// atomically so that a failure leaves an existing file as it was.
#pragma once

#include <map>
#include <string>

#include "ir/graph.h"

namespace graphc::driver {

// Checked before training, so that a bad path does not cost a whole run: the folder must exist.
Status checkSavePath(const std::string& out);

// Writes `model` (the file at modelPath, as loaded for batch `batch`) with each param named in
// `trained` holding the trained data (an empty modelPath: a model read from memory, exported
// from the graph as for a text model):
//   ONNX model -> .onnx: the original file with new initializers (exportOnnxWithParams);
//   text model -> other: the original text with new param data (comments and symbols kept);
//   text model -> .onnx: an ONNX model exported from the graph (exportGraphOnnx), batch N;
//   ONNX model -> other: the graph as textual IR (shapes fixed at the training batch).
Status saveTrained(const std::string& modelPath, const Graph& model, int64_t batch,
                   const std::map<std::string, Tensor>& trained, const std::string& out);

bool endsWith(const std::string& s, std::string_view suffix);

}  // namespace graphc::driver
