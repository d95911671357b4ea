// NumPy .npy reading and writing (formats 1.0-3.0, C order, little-endian, f32/f64/i32/i64/bool).
#pragma once

#include <span>
#include <string>

#include "ir/diag.h"
#include "ir/tensor.h"

namespace graphc {

// `where` names the source in error messages (usually the path).
Result<Tensor> parseNpy(std::span<const char> bytes, const std::string& where);
Result<Tensor> readNpy(const std::string& path);
std::string encodeNpy(const Tensor& t);  // format 1.0 (2.0 when the header needs it)
// Writes atomically: a temporary file in the same folder, then a rename.
Status writeNpy(const std::string& path, const Tensor& t);

// Whole-file helpers shared by every writer of output files.
Result<std::string> readFile(const std::string& path);
Status writeFileAtomic(const std::string& path, std::string_view bytes);

}  // namespace graphc
