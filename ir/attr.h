// Node attributes: a small typed map, kept sorted by name so printing is canonical.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace graphc {

enum class AttrKind : uint8_t { Int, Float, Str, Ints, Floats };

using Attr = std::variant<int64_t, double, std::string, std::vector<int64_t>, std::vector<double>>;

inline AttrKind attrKind(const Attr& a) { return static_cast<AttrKind>(a.index()); }
std::string_view attrKindName(AttrKind k);

class AttrMap {
 public:
  void set(std::string name, Attr value);
  const Attr* find(std::string_view name) const;
  bool erase(std::string_view name);
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }
  size_t size() const { return entries_.size(); }
  bool operator==(const AttrMap&) const = default;

 private:
  std::vector<std::pair<std::string, Attr>> entries_;
};

}  // namespace graphc
