// ONNX's storage dtypes at import (f16, i8, u8, i16, u16): the graph computes in f32 or i32
// (computeType), and the outputs get exactly the model's dtypes back (docs/dtypes.md).
#pragma once

#include <map>
#include <string>

#include "frontend/onnx/importer.h"

namespace graphc::onnxfe {

// The ONNX dtype of each value computed in a wider type than ONNX's, by name.
using StorageTypes = std::map<std::string, DType>;

// t in its compute type (exact); t itself when it is not of a storage type.
Tensor widenedTensor(const Tensor& t);
// v cast to its compute type, or v itself.
Result<ValueId> widened(ImportCtx& c, ValueId v, const std::string& hint);
// After the current node: a result of a storage type (Cast to u8, a Constant of f16) is widened
// and remembered; a result computed in i32 from i8, u8, i16 or u16 values is wrapped to that
// type's range, as ONNX computes it there (200 + 100 in u8 is 44, and 44 is what a later Div or
// comparison must see). f16 values computed in f32 are not rounded between nodes.
Status afterNode(ImportCtx& c, StorageTypes& types);
// Graph output `name` as the model declares it (elemType, 0 when not given), else as remembered.
Result<ValueId> outputValue(ImportCtx& c, const std::string& name, int32_t elemType, const StorageTypes& types);

}  // namespace graphc::onnxfe
