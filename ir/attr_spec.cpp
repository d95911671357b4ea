// Parsing of ops.def's attribute column into specs, with locale-independent number parsing.
#include "ir/attr_spec.h"

#include <charconv>
#include <stdexcept>
#include <string>

namespace graphc {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The whole token as a T; from_chars also reads "inf", "-inf" and "nan" for floating T.
template <class T>
T parseNumber(std::string_view s) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    throw std::logic_error("ops.def: bad number '" + std::string(s) + "' in an attribute default");
  return v;
}

std::vector<std::string_view> splitList(std::string_view s) {
  std::vector<std::string_view> out;
  s = trim(s);
  if (s.size() < 2 || s.front() != '[' || s.back() != ']') throw std::logic_error("ops.def: bad list default");
  s = s.substr(1, s.size() - 2);
  while (!trim(s).empty()) {
    size_t comma = s.find(',');
    out.push_back(trim(s.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

Attr parseDefault(AttrKind kind, std::string_view text) {
  switch (kind) {
    case AttrKind::Int: return parseNumber<int64_t>(text);
    case AttrKind::Float: return parseNumber<double>(text);
    case AttrKind::Str: return std::string(text);
    case AttrKind::Ints: {
      std::vector<int64_t> v;
      for (auto e : splitList(text)) v.push_back(parseNumber<int64_t>(e));
      return v;
    }
    case AttrKind::Floats: {
      std::vector<double> v;
      for (auto e : splitList(text)) v.push_back(parseNumber<double>(e));
      return v;
    }
  }
  return int64_t{0};
}

}  // namespace

// "axis:int=-1;perm:ints" -> specs.
std::vector<AttrSpec> parseAttrSpecs(std::string_view text) {
  std::vector<AttrSpec> specs;
  while (!trim(text).empty()) {
    size_t semi = text.find(';');
    std::string_view item = trim(text.substr(0, semi));
    size_t colon = item.find(':'), eq = item.find('=');
    std::string_view kindName = item.substr(colon + 1, eq == std::string_view::npos ? std::string_view::npos : eq - colon - 1);
    AttrKind kind = AttrKind::Int;
    bool found = false;
    for (AttrKind k : {AttrKind::Int, AttrKind::Float, AttrKind::Str, AttrKind::Ints, AttrKind::Floats})
      if (attrKindName(k) == kindName) kind = k, found = true;
    if (colon == std::string_view::npos || !found) throw std::logic_error("ops.def: bad attribute spec");
    AttrSpec spec{std::string(item.substr(0, colon)), kind, std::nullopt};
    if (eq != std::string_view::npos) spec.defaultValue = parseDefault(kind, item.substr(eq + 1));
    specs.push_back(std::move(spec));
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return specs;
}

}  // namespace graphc
