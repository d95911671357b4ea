// Parsing of ops.def's attribute column ("axis:int=-1;min:float=-inf") into specs with defaults.
#pragma once

#include <string_view>
#include <vector>

#include "ir/op.h"

namespace graphc {

// Numbers are read with std::from_chars, so the defaults do not depend on the process's locale
// (std::stod reads "0.01" as 0 under a comma-decimal LC_NUMERIC). The table is ours: a
// malformed spec is a programming error and throws std::logic_error.
std::vector<AttrSpec> parseAttrSpecs(std::string_view text);

}  // namespace graphc
