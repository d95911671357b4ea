// The op table expanded from ops.def, lookups by kind and name, and the attribute accessors.
#include "ir/op.h"

#include <stdexcept>

#include "ir/attr_spec.h"
#include "ir/fusion_group.h"
#include "ir/ops/infer.h"

namespace graphc {
namespace {

const std::vector<OpInfo>& table() {
  static const std::vector<OpInfo> ops = {
#define OP(Id, name, minOps, maxOps, traits, attrs, infer) \
  OpInfo{OpKind::Id, name, minOps, maxOps, traits, parseAttrSpecs(attrs), infer},
#include "ir/ops.def"
#undef OP
  };
  return ops;
}

}  // namespace

const AttrSpec* OpInfo::findAttr(std::string_view attr) const {
  for (const AttrSpec& s : attrs)
    if (s.name == attr) return &s;
  // Every op accepts a fusion group; the verifier says which ops may really join one.
  if (attr == kFusionGroupAttr) return &fusionGroupSpec();
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
    {Activation::Clip, "clip"}, {Activation::Elu, "elu"}, {Activation::Silu, "silu"},
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
