// What graphc compile writes: the compiled graph as IR text or Graphviz, and the memory report.
#pragma once

#include <string>

#include "runtime/executable.h"

namespace graphc::driver {

enum class EmitKind { Ir, Dot };

// The compiled graph as text. For IR with an output name `out` (not ""), params too big to read
// inline go to OUT.params/NAME.npy beside it (the graph then refers to those files).
Result<std::string> emitText(Graph& compiled, EmitKind kind, const std::string& out);

// The arena plan `exe` runs with (or, for a backend that allocates per value, the plan of the
// graph's intermediate values): writes its SVG timeline to svgPath and returns the text report.
Result<std::string> reportMemory(const Executable& exe, const std::string& backend, const std::string& svgPath);

}  // namespace graphc::driver
