// Builder and type inference entry point.
#include "ir/builder.h"

#include <fmt/format.h>

namespace graphc {

static Status checkAttrs(const OpInfo& info, const AttrMap& attrs) {
  for (const auto& [name, value] : attrs) {
    const AttrSpec* spec = info.findAttr(name);
    if (!spec) return Error(ErrorCode::Shape, fmt::format("'{}' has no attribute '{}'", info.name, name));
    if (spec->kind != attrKind(value))
      return Error(ErrorCode::Shape, fmt::format("attribute '{}' of '{}' must be {}, got {}", name, info.name,
                               attrKindName(spec->kind), attrKindName(attrKind(value))));
  }
  for (const AttrSpec& spec : info.attrs)
    if (!spec.defaultValue && !attrs.find(spec.name))
      return Error(ErrorCode::Shape, fmt::format("'{}' requires attribute '{}'", info.name, spec.name));
  return ok();
}

Result<std::vector<TensorType>> inferTypes(OpKind op, std::span<const TensorType> operands, const AttrMap& attrs) {
  const OpInfo& info = opInfo(op);
  int n = (int)operands.size();
  if (n < info.minOperands || (info.maxOperands >= 0 && n > info.maxOperands)) {
    std::string expected = info.maxOperands < 0 ? fmt::format("at least {}", info.minOperands)
                           : info.minOperands == info.maxOperands ? std::to_string(info.minOperands)
                                                                  : fmt::format("{} to {}", info.minOperands, info.maxOperands);
    return Error(ErrorCode::Shape, fmt::format("'{}' takes {} operand(s), got {}", info.name, expected, n));
  }
  GRAPHC_TRY(checkAttrs(info, attrs));
  for (int i = 0; i < n; ++i) {
    if (operands[i].dtype == DType::bf16 && !acceptsBf16(info))
      return Error(ErrorCode::Unsupported, fmt::format("'{}': operand #{} is bf16, which only casts, data movement, matmul, dense "
                                                       "and convolution (and their gradients) take", info.name, i));
    if (!acceptsStorageType(info, operands[i].dtype))
      return Error(ErrorCode::Unsupported, fmt::format("'{}': operand #{} is {}, a storage type which only casts and data movement "
                                                       "take (cast it to {} first)", info.name, i, dtypeName(operands[i].dtype),
                                                       dtypeName(computeType(operands[i].dtype))));
    if (info.has(kFloatOnly) && !isFloat(operands[i].dtype) && !(op == OpKind::Where && i == 0) &&
        !(op == OpKind::Gather && i == 1))
      return Error(ErrorCode::Shape, fmt::format("'{}' needs floating-point operands, operand #{} is {}", info.name, i,
                               operands[i].str()));
  }
  OpCtx ctx{info, operands, attrs};
  return info.infer(ctx);
}

Result<std::vector<ValueId>> Builder::tryCreate(OpKind op, std::vector<ValueId> operands, AttrMap attrs,
                                                std::string nameHint, Loc loc) {
  std::vector<TensorType> types;
  for (ValueId v : operands) types.push_back(g_.type(v));
  auto inferred = inferTypes(op, types, attrs);
  if (!inferred) {
    Error e = inferred.takeError();
    for (Diag& d : e.diags)
      if (!d.loc.known()) d.loc = loc;
    return e;
  }
  std::vector<std::string> names(inferred->size(), nameHint);
  NodeId n = g_.addNode(op, std::move(operands), std::move(attrs), std::move(*inferred), std::move(names), loc);
  return g_.node(n).results;
}

ValueId Builder::create(OpKind op, std::vector<ValueId> operands, AttrMap attrs, std::string nameHint) {
  ValueId standIn = operands.empty() ? UINT32_MAX : operands.front();
  auto r = tryCreate(op, std::move(operands), std::move(attrs), std::move(nameHint));
  if (r) return r->front();
  fail(r.takeError().prefixed(fmt::format("cannot build '{}': ", opName(op))));
  return standIn != UINT32_MAX ? standIn : scalar(DType::f32, 0);
}

void Builder::fail(Error e) {
  if (!failure_) failure_ = std::move(e);
}

Status Builder::status() const {
  if (failure_) return *failure_;
  return ok();
}

}  // namespace graphc
