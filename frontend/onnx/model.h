// A plain, protobuf-free copy of an ONNX model: what the importers and the graph walk see.
// Only read.cpp, upgrade.cpp and export*.cpp include the protobuf headers; they fill these structs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ir/diag.h"
#include "ir/tensor.h"

namespace onnx {
class ModelProto;
}

namespace graphc::onnxfe {

struct OnnxAttr {
  enum class Kind { Int, Float, Str, Ints, Floats, Strs, Tensor, Other } kind = Kind::Other;
  int64_t i = 0;
  double f = 0;
  std::string s;  // Str; for Other, a description of what it is
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<std::string> strs;
  Tensor t;
};

struct OnnxNode {
  size_t index = 0;  // position in the file, for nodes without a name
  std::string name, opType, domain;
  std::vector<std::string> inputs, outputs;  // "" marks an absent optional input or output
  std::map<std::string, OnnxAttr> attrs;
};

struct OnnxDim {
  int64_t value = -1;  // -1: unknown or symbolic
  std::string param;   // dim_param, when symbolic
};

struct OnnxInput {
  std::string name;
  int32_t elemType = 0;  // ONNX TensorProto.DataType
  bool hasShape = false;
  std::vector<OnnxDim> dims;
};

struct OnnxModel {
  std::string file;  // for messages
  int64_t opset = 0;        // of the default domain, as the importers read it: 13 or later
  int64_t sourceOpset = 0;  // as the file declares it, before ONNX's version converter
  std::vector<OnnxInput> inputs;  // graph inputs that are not initializers
  std::vector<std::pair<std::string, Tensor>> initializers;
  std::vector<OnnxNode> nodes;
  std::vector<std::string> outputs;
  std::vector<int32_t> outputTypes;  // each output's declared element type (0: not given)
  std::vector<std::string> issues;  // unsupported things found while reading (dtypes, external data)
  std::set<std::string> skipped;    // initializers left out because of such an issue
};

// Parses bytes into a ModelProto and converts it; errors say what is wrong with the file.
Result<OnnxModel> readModel(std::string_view bytes, const std::string& name);
// A model of an opset below 13 is first upgraded to 13 by ONNX's version converter.
Result<OnnxModel> convertModel(const onnx::ModelProto& proto, const std::string& name);
// proto as it is, with every malformation reported.
Result<OnnxModel> convertGraph(const onnx::ModelProto& proto, const std::string& name);

// ONNX TensorProto.DataType -> DType; nullopt for types graphc has no kernel for.
std::optional<DType> dtypeFromOnnx(int32_t elemType);
std::string onnxTypeName(int32_t elemType);

// "node 'name' (Op)" or "node #3 (Op, output 'y')" for nodes without a name.
std::string describe(const OnnxNode& n);

// The names a graph defines before its first node: inputs, initializers, skipped initializers.
std::set<std::string> definedBeforeNodes(const OnnxModel& m);
// Node indices with every node after the producers of its inputs (ONNX asks writers for this, but
// not all follow it). A value defined twice, an input or output defined nowhere, or a cycle is
// an error.
Result<std::vector<size_t>> topoOrder(const OnnxModel& m, const std::set<std::string>& available);

// Initializers that the importer stores transposed (the B of a Gemm with transB=1 that becomes a
// dense op). The exporter uses the same decision to transpose them back.
std::set<std::string> transposedWeights(const OnnxModel& m);

}  // namespace graphc::onnxfe
