// Numbers and constant data in the textual IR: exact, range-checked conversions without throwing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ir/tensor.h"

namespace graphc::text {

// "-12" style integer literal (what decides whether an attribute is an int or a float).
bool looksInteger(std::string_view s);

// Full-token conversions; on failure `why` says what was wrong with the token.
std::optional<int64_t> parseInt(std::string_view s, std::string& why);
std::optional<double> parseDouble(std::string_view s, std::string& why);

// Stores the literal `s` as element i of t, converting it to t's dtype exactly
// (i64 without going through double, f32 without double rounding, bool only 0/1).
bool storeElement(Tensor& t, int64_t i, std::string_view s, std::string& why);

}  // namespace graphc::text
