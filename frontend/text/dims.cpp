// Symbolic dimensions: bound from explicit dims and from the given shapes of inputs, then
// substituted into every type of the file.
#include "frontend/text/dims.h"

#include <fmt/format.h>

namespace graphc::text {

const Dim* SymType::firstSymbol() const {
  for (const Dim& d : dims)
    if (d.symbolic()) return &d;
  return nullptr;
}

std::string SymType::str() const {
  std::string out = std::string(dtypeName(dtype)) + "[";
  for (size_t i = 0; i < dims.size(); ++i)
    out += (i ? "," : "") + (dims[i].symbolic() ? dims[i].symbol : std::to_string(dims[i].size));
  return out + "]";
}

namespace {

// A shape as the command line writes it: "[32x10]".
std::string shapeText(const Shape& s) { return "[" + shapeStr(s) + "]"; }

bool usesSymbol(const SymType& t, const std::string& symbol) {
  for (const Dim& d : t.dims)
    if (d.symbol == symbol) return true;
  return false;
}

// Whether `given` has t's rank and literal dimensions (symbols are checked against bindings).
bool fitsLiterals(const SymType& t, const Shape& given) {
  if (given.size() != t.dims.size()) return false;
  for (size_t i = 0; i < given.size(); ++i)
    if (given[i] < 0 || (!t.dims[i].symbolic() && t.dims[i].size != given[i])) return false;
  return true;
}

bool tooManyElements(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d > kMaxElements || (d > 0 && n > kMaxElements / d)) return true;
    n *= d;
  }
  return false;
}

}  // namespace

DimScope::DimScope(const ParseOptions& options, std::vector<InputDecl> inputs)
    : options_(options), inputs_(std::move(inputs)) {
  for (const auto& [symbol, value] : options.dims) bound_[symbol] = {value, "from the given dims"};
  for (const InputDecl& in : inputs_) {
    auto given = options.inputShapes.find(in.name);
    if (given == options.inputShapes.end() || !fitsLiterals(in.type, given->second)) continue;
    std::string origin = fmt::format("from input '{}' (line {})", in.name, in.type.loc.line);
    for (size_t i = 0; i < in.type.dims.size(); ++i)
      if (in.type.dims[i].symbolic()) bound_.try_emplace(in.type.dims[i].symbol, Binding{given->second[i], origin});
  }
}

Result<TensorType> DimScope::bindInput(const std::string& name, const SymType& declared) {
  auto given = options_.inputShapes.find(name);
  if (given == options_.inputShapes.end()) return resolve(declared);
  const Shape& shape = given->second;
  if (!fitsLiterals(declared, shape)) {
    // Its symbols stay unbound; this error says why, so their uses need not say it again.
    for (const Dim& d : declared.dims)
      if (d.symbolic() && !bound_.count(d.symbol)) reported_.insert(d.symbol);
    return Error(fmt::format("input '{}' is declared as {} but was given shape {}", name, declared.str(), shapeText(shape)),
                 declared.loc);
  }
  // The constructor bound every symbol of a fitting input, so each has a binding to agree with.
  Error conflicts;
  for (size_t i = 0; i < shape.size(); ++i) {
    const Dim& d = declared.dims[i];
    if (!d.symbolic()) continue;
    const Binding& b = bound_.at(d.symbol);
    if (b.value != shape[i])
      conflicts.diags.push_back({d.loc, fmt::format("dimension '{}' is {} for input '{}' (given shape {}), but {} {}",
                                                    d.symbol, shape[i], name, shapeText(shape), b.value, b.origin), {}});
  }
  if (!conflicts.diags.empty()) return conflicts;
  if (tooManyElements(shape))
    return Error(fmt::format("input '{}' was given shape {}, which has too many elements", name, shapeText(shape)),
                 declared.loc);
  return TensorType{declared.dtype, shape};
}

Result<TensorType> DimScope::resolve(const SymType& t) {
  TensorType out{t.dtype, {}};
  for (const Dim& d : t.dims) {
    if (!d.symbolic()) {
      out.shape.push_back(d.size);
      continue;
    }
    auto it = bound_.find(d.symbol);
    if (it == bound_.end()) return unbound(d);
    if (it->second.value < 0) {
      if (!reported_.insert(d.symbol).second) return Error();
      return Error(fmt::format("dimension '{}' is bound to {} {}, which is negative", d.symbol, it->second.value,
                               it->second.origin), d.loc);
    }
    out.shape.push_back(it->second.value);
  }
  if (tooManyElements(out.shape)) return Error(fmt::format("type {} ({}) has too many elements", t.str(), out.str()), t.loc);
  return out;
}

// Points at an input whose shape would bind the symbol, with an example where the symbols are
// filled in (known ones with their values).
Error DimScope::unbound(const Dim& d) {
  if (!reported_.insert(d.symbol).second) return Error();
  for (const InputDecl& in : inputs_) {
    if (!usesSymbol(in.type, d.symbol)) continue;
    std::string example;
    for (const Dim& x : in.type.dims) {
      auto b = bound_.find(x.symbol);
      int64_t size = !x.symbolic() ? x.size : b != bound_.end() ? b->second.value : 32;
      example += (example.empty() ? "" : "x") + std::to_string(size);
    }
    return Error(fmt::format("dimension '{}' is not bound; give the input's shape (e.g. --shape {}={})", d.symbol,
                             in.name, example), d.loc);
  }
  return Error(fmt::format("dimension '{}' is not bound, and no input's type uses it", d.symbol), d.loc);
}

}  // namespace graphc::text
