// Fuzz target: the ONNX importer. Any bytes give a graph (which passes the verifier) or an error.
#include <string_view>

#include "frontend/onnx/onnx_import.h"

using namespace graphc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Result<Graph> imported = importOnnxBytes(bytes, "fuzz.onnx");
  if (!imported) (void)imported.error().render();
  return 0;
}
