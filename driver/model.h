// Loading models: textual IR or ONNX, with symbolic dimensions bound.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "ir/graph.h"

namespace graphc::driver {

using ShapeMap = std::map<std::string, Shape>;
// Symbolic dimensions bound by name, e.g. {"N", 4} (the C API's graphc_options_bind_dim).
using DimMap = std::map<std::string, int64_t>;

// "x=1x784" -> {"x", {1, 784}}.
Result<std::pair<std::string, Shape>> parseShapeBinding(const std::string& text);
// Every "--shape" binding of a command; a name given twice keeps the last.
Result<ShapeMap> parseShapeBindings(const std::vector<std::string>& texts);
// "x=path.npy" -> {"x", "path.npy"}.
Result<std::pair<std::string, std::string>> parseNamedPath(const std::string& text, const char* what);

// Inputs bound to values when the model is read (`--const NAME=FILE.npy`).
using ConstMap = std::map<std::string, Tensor>;
// Every "--const" binding of a command, read from its .npy file; a name given twice is an error.
Result<ConstMap> readConstFiles(const std::vector<std::string>& bindings);

// Reads MODEL (ONNX when it ends in .onnx or starts like a protobuf, textual IR otherwise) with
// input shapes bound from `shapes`: they bind the symbolic dimensions (ONNX dim_param, textual
// IR symbols such as N in f32[N,10]) and must agree with the declared fixed dimensions.
// `dims` binds symbols by name as well (ONNX dim_param, textual IR symbols). Each input of
// `consts` becomes a constant of that value, which must have the input's type (its shape binds
// the input's symbols); an ONNX shape operand it feeds is then known at import.
Result<Graph> loadModel(const std::string& path, const ShapeMap& shapes, const DimMap& dims = {}, const ConstMap& consts = {});
// Whether a model held in memory is ONNX: a serialized ModelProto starts with its ir_version
// field (tag byte 0x08), which no textual IR file does.
bool bytesLookLikeOnnx(std::string_view bytes);
// Reads a model from memory, ONNX or textual IR as bytesLookLikeOnnx says; `name` goes into
// messages (and anchors a textual IR's relative `file` paths).
Result<Graph> loadModelBytes(std::string_view bytes, const std::string& name, const ShapeMap& shapes, const DimMap& dims = {});

// The model's input names in order (for binding an input known only by position).
Result<std::vector<std::string>> modelInputNames(const std::string& path);

// Replaces every character outside [A-Za-z0-9._-] by '_' (the contract's output file names).
std::string sanitizeFileName(const std::string& name);

}  // namespace graphc::driver
