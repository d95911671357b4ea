// The op table, expanded from ops.def, and attribute-spec parsing.
#include "ir/op.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "ir/ops/infer.h"

namespace graphc {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

double parseNumber(std::string_view s) {
  if (s == "inf") return INFINITY;
  if (s == "-inf") return -INFINITY;
  return std::stod(std::string(s));
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
    case AttrKind::Int: return (int64_t)std::stoll(std::string(text));
    case AttrKind::Float: return parseNumber(text);
    case AttrKind::Str: return std::string(text);
    case AttrKind::Ints: {
      std::vector<int64_t> v;
      for (auto e : splitList(text)) v.push_back(std::stoll(std::string(e)));
      return v;
    }
    case AttrKind::Floats: {
      std::vector<double> v;
      for (auto e : splitList(text)) v.push_back(parseNumber(e));
      return v;
    }
  }
  return int64_t{0};
}

// "axis:int=-1;perm:ints" -> specs. The table is ours, so a malformed spec is a programming error.
std::vector<AttrSpec> parseSpecs(std::string_view text) {
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

const std::vector<OpInfo>& table() {
  static const std::vector<OpInfo> ops = {
#define OP(Id, name, minOps, maxOps, traits, attrs, infer) \
  OpInfo{OpKind::Id, name, minOps, maxOps, traits, parseSpecs(attrs), infer},
#include "ir/ops.def"
#undef OP
  };
  return ops;
}

}  // namespace

const AttrSpec* OpInfo::findAttr(std::string_view attr) const {
  for (const AttrSpec& s : attrs)
    if (s.name == attr) return &s;
  return nullptr;
}

const OpInfo& opInfo(OpKind kind) { return table()[static_cast<size_t>(kind)]; }

std::optional<OpKind> opByName(std::string_view name) {
  for (const OpInfo& info : table())
    if (info.name == name) return info.kind;
  return std::nullopt;
}

std::span<const OpInfo> allOps() { return table(); }

const Attr& OpCtx::attr(std::string_view name) const {
  if (const Attr* a = attrs.find(name)) return *a;
  const AttrSpec* spec = info.findAttr(name);
  if (!spec || !spec->defaultValue) throw std::logic_error("attribute '" + std::string(name) + "' not declared for " + std::string(info.name));
  return *spec->defaultValue;
}
int64_t OpCtx::i(std::string_view name) const { return std::get<int64_t>(attr(name)); }
double OpCtx::f(std::string_view name) const { return std::get<double>(attr(name)); }
const std::string& OpCtx::s(std::string_view name) const { return std::get<std::string>(attr(name)); }
const std::vector<int64_t>& OpCtx::ints(std::string_view name) const { return std::get<std::vector<int64_t>>(attr(name)); }
const std::vector<double>& OpCtx::floats(std::string_view name) const { return std::get<std::vector<double>>(attr(name)); }

static constexpr std::pair<Activation, std::string_view> kActivations[] = {
    {Activation::None, "none"}, {Activation::Relu, "relu"},       {Activation::LeakyRelu, "leaky_relu"},
    {Activation::Gelu, "gelu"}, {Activation::Sigmoid, "sigmoid"}, {Activation::Tanh, "tanh"},
    {Activation::Clip, "clip"}, {Activation::Elu, "elu"},
};

std::optional<Activation> parseActivation(std::string_view name) {
  for (auto [a, n] : kActivations)
    if (n == name) return a;
  return std::nullopt;
}

std::string_view activationName(Activation a) {
  for (auto [k, n] : kActivations)
    if (k == a) return n;
  return "?";
}

}  // namespace graphc
