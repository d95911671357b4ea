// Number literals: std::from_chars only, so no locale, no exceptions and full-token checks.
#include "frontend/text/literals.h"

#include "ir/convert.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace graphc::text {

bool looksInteger(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

static std::string quoted(std::string_view s) {
  return "'" + std::string(s.substr(0, 40)) + (s.size() > 40 ? "...'" : "'");
}

std::optional<int64_t> parseInt(std::string_view s, std::string& why) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) {
    why = "integer " + quoted(s) + " is out of range";
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    why = "expected an integer, got " + quoted(s);
    return std::nullopt;
  }
  return v;
}

template <class T>
static std::optional<T> parseFloating(std::string_view s, std::string& why) {
  T v = 0;
  // from_chars rejects a leading '+' and hex floats: forms the printer never writes.
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    why = "number " + quoted(s) + " is out of range";
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    why = "expected a number, got " + quoted(s);
    return std::nullopt;
  }
  return v;
}

std::optional<double> parseDouble(std::string_view s, std::string& why) { return parseFloating<double>(s, why); }


bool storeElement(Tensor& t, int64_t i, std::string_view s, std::string& why) {
  switch (t.dtype()) {
    case DType::f32: {
      auto v = parseFloating<float>(s, why);
      if (v) t.data<float>()[i] = *v;
      return v.has_value();
    }
    case DType::bf16: {
      auto v = parseFloating<float>(s, why);
      // Tensor::set does not know bf16's 2-byte layout, so write the bits directly.
      if (v) static_cast<uint16_t*>(t.raw())[i] = bf16FromFloat(*v);
      return v.has_value();
    }
    case DType::f64: {
      auto v = parseFloating<double>(s, why);
      if (v) t.data<double>()[i] = *v;
      return v.has_value();
    }
    case DType::i64:
    case DType::i32: {
      auto v = parseInt(s, why);
      if (!v) return false;
      if (t.dtype() == DType::i32) {
        if (*v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max()) {
          why = "value " + quoted(s) + " is out of range for i32";
          return false;
        }
        t.data<int32_t>()[i] = (int32_t)*v;
      } else {
        t.data<int64_t>()[i] = *v;
      }
      return true;
    }
    case DType::f16: {
      auto v = parseFloating<double>(s, why);
      if (v) static_cast<uint16_t*>(t.raw())[i] = f16FromDouble(*v);
      return v.has_value();
    }
    case DType::i8: case DType::u8: case DType::i16: case DType::u16: {
      auto v = parseInt(s, why);
      if (!v) return false;
      // The type's range, read off Tensor::set's saturation: a value it would change is out of range.
      t.setInt(i, *v);
      if (*t.intAt(i) != *v) {
        why = "value " + quoted(s) + " is out of range for " + std::string(dtypeName(t.dtype()));
        return false;
      }
      return true;
    }
    case DType::boolean:
      if (s != "0" && s != "1") {
        why = "bool data must be 0 or 1, got " + quoted(s);
        return false;
      }
      t.data<bool>()[i] = s == "1";
      return true;
  }
  why = "unsupported dtype";
  return false;
}

}  // namespace graphc::text
