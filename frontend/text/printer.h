// Printer for the textual IR described in docs/ir.md; its output parses back to the same graph.
#pragma once

#include <string>

#include "ir/graph.h"

namespace graphc {

// The canonical text of g: inputs, params and consts, live nodes, outputs.
std::string printGraph(const Graph& g);

// One attribute value as the printer writes it ("1e-05", "[1, 0]", "\"relu\"").
std::string printAttr(const Attr& a);
// One constant's data, "[1, 2.5]" or `file "w.npy"`.
std::string printData(const Value& v);

}  // namespace graphc
