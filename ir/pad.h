// Where pad reads from, shared by shape inference, the interpreter and every backend so that
// they agree on the modes' index rules (NumPy's np.pad, as ONNX's reference does).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace graphc {

enum class PadMode { Constant, Reflect, Edge };
std::optional<PadMode> parsePadMode(std::string_view name);

// For each output position along one axis of extent begin + dim + end, the input index it
// copies, or -1 where constant mode writes the fill value. Edge needs dim >= 1 and reflect
// pads below dim (inferPad checks both).
std::vector<int64_t> padSourceMap(PadMode mode, int64_t begin, int64_t dim, int64_t end);

}  // namespace graphc
