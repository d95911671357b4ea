// Parser for the textual IR: recursive descent over one graph, recovering at line starts so
// that one run reports every broken statement.
#include "frontend/text/parser.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <unordered_set>

#include "frontend/text/literals.h"
#include "frontend/text/parser_impl.h"
#include "ir/builder.h"
#include "ir/verifier.h"

namespace graphc::text {

std::string Parser::sourceLine(int line) const {
  size_t i = (size_t)(line - firstLine_);
  if (line < firstLine_ || i >= lineStarts_.size()) return {};
  size_t start = lineStarts_[i];
  size_t end = text_.find('\n', start);
  std::string_view s = text_.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return std::string(s);
}

void Parser::error(Loc at, std::string msg) {
  if (quiet_) return;
  if (errors_.diags.size() >= kMaxErrors) {
    tooMany_ = true;
    return;
  }
  std::string src = sourceLine(at.line);
  errors_.diags.push_back({std::move(at), std::move(msg), std::move(src)});
}

void Parser::report(Error e) {
  for (Diag& d : e.diags) error(std::move(d.loc), std::move(d.message));
}

std::string Parser::describe(const Token& t) {
  switch (t.kind) {
    case Tok::Eof: return "end of input";
    case Tok::String: return "a string";
    case Tok::Error: return t.str;
    default: {
      std::string_view raw = t.raw.substr(0, 40);
      return "'" + std::string(raw) + (t.raw.size() > 40 ? "...'" : "'");
    }
  }
}

bool Parser::expect(Tok kind, std::string_view what) {
  const Token& t = lex_.peek();
  if (t.kind == kind) {
    lex_.next();
    return true;
  }
  errorAt(t, fmt::format("expected {}, got {}", what, describe(t)));
  return false;
}

bool Parser::expectWord(std::string_view word) {
  const Token& t = lex_.peek();
  if (t.isWord(word)) {
    lex_.next();
    return true;
  }
  errorAt(t, fmt::format("expected '{}', got {}", word, describe(t)));
  return false;
}

std::optional<Named> Parser::valueName() {
  const Token& t = lex_.peek();
  if (!t.is(Tok::ValueName)) {
    errorAt(t, "expected a value name (%name), got " + describe(t));
    return std::nullopt;
  }
  Token n = lex_.next();
  if (n.str.empty()) {
    errorAt(n, "value names must not be empty");
    return std::nullopt;
  }
  return Named{std::move(n.str), loc(n)};
}

// Graph and output names: a bare identifier or a quoted string.
std::optional<std::string> Parser::plainName(std::string_view what) {
  Token t = lex_.next();
  if (t.is(Tok::String)) return t.str;
  if (t.is(Tok::Word)) {
    for (char c : t.raw)
      if (!isNameChar(c)) {
        errorAt(t, fmt::format("{} {} needs quotes", what, describe(t)));
        return std::nullopt;
      }
    return std::string(t.raw);
  }
  errorAt(t, fmt::format("expected {}, got {}", what, describe(t)));
  return std::nullopt;
}

// DTYPE[D0,D1,...], where a dimension is a size or a symbol such as N.
std::optional<SymType> Parser::type() {
  Token t = lex_.next();
  if (!t.is(Tok::Word)) {
    errorAt(t, "expected a type such as f32[2,3], got " + describe(t));
    return std::nullopt;
  }
  auto dtype = parseDType(t.raw);
  if (!dtype) {
    errorAt(t, fmt::format("unknown dtype {} (expected f32, f64, i32, i64, bool, bf16, f16, i8, u8, i16 or u16)", describe(t)));
    return std::nullopt;
  }
  if (!expect(Tok::LBracket, "'[' after the dtype")) return std::nullopt;
  SymType result{*dtype, {}, loc(t)};
  int64_t numel = 1;  // of the literal dimensions; DimScope checks the bound type
  if (lex_.peek().is(Tok::RBracket)) {
    lex_.next();
    return result;
  }
  while (true) {
    Token d = lex_.next();
    if (d.is(Tok::Word) && (std::isalpha((unsigned char)d.raw[0]) || d.raw[0] == '_')) {
      if (!std::all_of(d.raw.begin(), d.raw.end(), [](char c) { return std::isalnum((unsigned char)c) || c == '_'; })) {
        errorAt(d, fmt::format("bad dimension {}: a symbol is a letter or '_' followed by letters, digits and '_'",
                               describe(d)));
        return std::nullopt;
      }
      result.dims.push_back({0, std::string(d.raw), loc(d)});
    } else {
      std::string why;
      std::optional<int64_t> dim;
      if (!d.is(Tok::Word) || !(dim = parseInt(d.raw, why))) {
        errorAt(d, d.is(Tok::Word) ? "bad dimension: " + why : "expected a dimension, got " + describe(d));
        return std::nullopt;
      }
      if (*dim < 0) {
        errorAt(d, fmt::format("dimension {} is negative", *dim));
        return std::nullopt;
      }
      if (*dim > kMaxElements || (*dim > 0 && numel > kMaxElements / *dim)) {
        errorAt(d, "type has too many elements");
        return std::nullopt;
      }
      numel *= *dim;
      result.dims.push_back({*dim, {}, loc(d)});
    }
    Token sep = lex_.next();
    if (sep.is(Tok::RBracket)) return result;
    if (!sep.is(Tok::Comma)) {
      errorAt(sep, "expected ',' or ']' in the shape, got " + describe(sep));
      return std::nullopt;
    }
  }
}

bool Parser::checkNew(const Named& n) {
  auto it = defLine_.find(n.name);
  if (it == defLine_.end()) return true;
  error(n.loc, fmt::format("redefinition of '%{}' (first defined on line {})", n.name, it->second));
  return false;
}

bool Parser::resolve(const Named& n, ValueId& out) {
  if (poisoned_.count(n.name)) return false;  // its definition already reported an error
  out = g_.findValue(n.name);
  if (out != UINT32_MAX) return true;
  error(n.loc, fmt::format("use of undefined value '%{}'", n.name));
  return false;
}

bool Parser::statement() {
  const Token& t = lex_.peek();
  if (t.isWord("input")) return input();
  if (t.isWord("param") || t.isWord("const") || t.isWord("state")) return constant();
  if (t.isWord("output")) return output();
  if (t.isWord("update")) return update();
  if (t.is(Tok::ValueName)) return node();
  errorAt(t, "expected 'input', 'param', 'const', 'state', 'output', 'update', a node or '}', got " + describe(t));
  return false;
}

// Until a definition succeeds, uses of its name are not worth a second error.
bool Parser::declare(const Named& n) {
  if (!checkNew(n)) return false;
  defLine_[n.name] = n.loc.line;
  poisoned_.insert(n.name);
  return true;
}

bool Parser::input() {
  Token kw = lex_.next();
  auto name = valueName();
  if (!name) return false;
  if (std::find(inputNames_.begin(), inputNames_.end(), name->name) == inputNames_.end())
    inputNames_.push_back(name->name);
  bool isNew = declare(*name);
  if (!expect(Tok::Colon, "':'")) return false;
  auto ty = type();
  if (!ty) return false;
  if (!isNew) return true;
  auto bound = dims_->bindInput(name->name, *ty);
  if (!bound) return report(bound.takeError()), true;
  poisoned_.erase(name->name);
  g_.addInput(name->name, std::move(*bound), loc(kw));
  return true;
}

// The input declarations alone, read ahead so that symbols bind whatever the statement order.
std::vector<InputDecl> Parser::scanInputs() {
  quiet_ = true;
  std::vector<InputDecl> inputs;
  while (!lex_.peek().is(Tok::Eof)) {
    Token t = lex_.next();
    if (!t.startsLine || !t.isWord("input") || !lex_.peek().is(Tok::ValueName)) continue;
    Token name = lex_.next();
    if (!lex_.peek().is(Tok::Colon)) continue;
    lex_.next();
    if (auto ty = type()) inputs.push_back({std::move(name.str), std::move(*ty)});
  }
  return inputs;
}

bool Parser::constant() {
  Token kw = lex_.next();
  ValueKind kind = kw.raw == "param" ? ValueKind::Param : kw.raw == "state" ? ValueKind::State : ValueKind::Const;
  auto name = valueName();
  if (!name) return false;
  bool isNew = declare(*name);
  if (!expect(Tok::Colon, "':'")) return false;
  auto ty = type();
  if (!ty) return false;
  if (const Dim* d = ty->firstSymbol()) {
    error(d->loc, fmt::format("{} '%{}' has the symbolic dimension '{}'; params and consts need concrete shapes",
                              kw.raw, name->name, d->symbol));
    return skipData();
  }
  auto concrete = dims_->resolve(*ty);
  if (!concrete) return report(concrete.takeError()), skipData();
  if (!expect(Tok::Equal, "'=' and the data")) return false;
  Value v;
  v.type = std::move(*concrete);
  Token at = lex_.peek();
  if (!data(v, at)) return false;
  if (!isNew || v.data.empty()) return true;  // reported already
  poisoned_.erase(name->name);
  ValueId id = g_.addConstant(name->name, std::move(v.data), kind, loc(kw));
  g_.value(id).file = std::move(v.file);
  return true;
}

bool Parser::attribute(ParsedAttr& a) {
  Token name = lex_.next();
  if (name.is(Tok::Word) || name.is(Tok::String)) {
    a.name = name.is(Tok::Word) ? std::string(name.raw) : name.str;
  } else {
    errorAt(name, "expected an attribute name, got " + describe(name));
    return false;
  }
  a.nameLoc = loc(name);
  if (!expect(Tok::Equal, "'=' after the attribute name")) return false;
  Token v = lex_.next();
  a.valueLoc = loc(v);
  std::string why;
  if (v.is(Tok::String)) {
    a.value = v.str;
    return true;
  }
  if (v.is(Tok::Word)) {
    if (looksInteger(v.raw)) {
      auto i = parseInt(v.raw, why);
      if (i) a.value = *i;
    } else if (auto d = parseDouble(v.raw, why)) {
      a.value = *d;
    }
    if (!why.empty()) errorAt(v, why);
    return why.empty();
  }
  if (!v.is(Tok::LBracket)) {
    errorAt(v, "expected an attribute value (number, string or list), got " + describe(v));
    return false;
  }
  std::vector<int64_t> ints;
  std::vector<double> floats;
  bool isFloat = false;
  while (!lex_.peek().is(Tok::RBracket)) {
    if (ints.size() + floats.size() > 0 && !expect(Tok::Comma, "',' or ']' in the list")) return false;
    Token e = lex_.next();
    if (!e.is(Tok::Word)) {
      errorAt(e, "expected a number in the list, got " + describe(e));
      return false;
    }
    if (looksInteger(e.raw) && !isFloat) {
      auto i = parseInt(e.raw, why);
      if (!i) return errorAt(e, why), false;
      ints.push_back(*i);
      continue;
    }
    auto d = parseDouble(e.raw, why);
    if (!d) return errorAt(e, why), false;
    if (!isFloat) floats.assign(ints.begin(), ints.end()), ints.clear(), isFloat = true;
    floats.push_back(*d);
  }
  lex_.next();
  a.emptyList = ints.empty() && floats.empty();
  if (isFloat) a.value = std::move(floats);
  else a.value = std::move(ints);
  return true;
}

// %r0, %r1 = OP(%a, %b) {attr = value, ...} : TYPE, TYPE
// First the syntax; then, for a well-formed statement, every problem with what it means.
bool Parser::node() {
  ParsedNode n;
  auto poisonAll = [&] {
    for (const Named& r : n.results)
      if (!defLine_.count(r.name)) defLine_[r.name] = r.loc.line, poisoned_.insert(r.name);
  };
  if (!nodeSyntax(n)) return poisonAll(), false;

  bool good = nodeResultsAreNew(n);
  if (n.types.size() != n.results.size()) {
    error(loc(n.colon), fmt::format("{} result name(s) but {} result type(s)", n.results.size(), n.types.size()));
    good = false;
  }
  auto kind = opByName(n.op.raw);
  if (!kind) error(loc(n.op), fmt::format("unknown op {}", describe(n.op))), good = false;
  std::vector<ValueId> ids(n.operands.size());
  bool operandsOk = true;
  for (size_t i = 0; i < n.operands.size(); ++i) operandsOk = resolve(n.operands[i], ids[i]) && operandsOk;
  good = good && operandsOk;
  // Types follow from the operands', so a failed operand has said what is wrong with them.
  std::vector<TensorType> declared;
  for (const SymType& t : n.types) {
    if (!operandsOk) break;
    auto r = dims_->resolve(t);
    if (r) declared.push_back(std::move(*r));
    else report(r.takeError()), good = false;
  }
  AttrMap map;
  if (kind) good = nodeAttrs(opInfo(*kind), n, map) && good;
  if (!good) return poisonAll(), true;

  if (!checkInferredTypes(n, *kind, ids, map, declared)) return poisonAll(), true;
  // Define the results with their declared types so later statements are checked against them.
  std::vector<std::string> names;
  for (const Named& r : n.results) names.push_back(r.name), defLine_[r.name] = r.loc.line;
  g_.addNode(*kind, std::move(ids), std::move(map), std::move(declared), std::move(names), n.start);
  return true;
}

// The statement's tokens, into n; false (reported) at the first syntax error.
bool Parser::nodeSyntax(ParsedNode& n) {
  n.start = loc(lex_.peek());
  do {
    auto r = valueName();
    if (!r) return false;
    n.results.push_back(std::move(*r));
  } while (lex_.peek().is(Tok::Comma) && (lex_.next(), true));
  if (!expect(Tok::Equal, "'=' after the result names")) return false;
  n.op = lex_.next();
  if (!n.op.is(Tok::Word)) return errorAt(n.op, "expected an op name, got " + describe(n.op)), false;
  if (!expect(Tok::LParen, "'(' after the op name")) return false;
  while (!lex_.peek().is(Tok::RParen)) {
    if (!n.operands.empty() && !expect(Tok::Comma, "',' or ')' after an operand")) return false;
    auto o = valueName();
    if (!o) return false;
    n.operands.push_back(std::move(*o));
  }
  lex_.next();
  if (lex_.peek().is(Tok::LBrace)) {
    lex_.next();
    while (!lex_.peek().is(Tok::RBrace)) {
      if (!n.attrs.empty() && !expect(Tok::Comma, "',' or '}' after an attribute")) return false;
      ParsedAttr a;
      if (!attribute(a)) return false;
      n.attrs.push_back(std::move(a));
    }
    lex_.next();
  }
  n.colon = lex_.peek();
  if (!expect(Tok::Colon, "':' and the result type")) return false;
  do {
    auto t = type();
    if (!t) return false;
    n.types.push_back(std::move(*t));
  } while (lex_.peek().is(Tok::Comma) && (lex_.next(), true));
  return true;
}

// Each result name is new, and named once.
bool Parser::nodeResultsAreNew(const ParsedNode& n) {
  bool good = true;
  std::unordered_set<std::string> seen;
  for (const Named& r : n.results) {
    if (!seen.insert(r.name).second)
      error(r.loc, fmt::format("'%{}' is named twice", r.name)), good = false;
    else if (!checkNew(r))
      good = false;
  }
  return good;
}

// The attributes against the op's specs, into map: known, given once, of the declared kind, and
// every required one present.
bool Parser::nodeAttrs(const OpInfo& info, ParsedNode& n, AttrMap& map) {
  bool good = true;
  for (ParsedAttr& a : n.attrs) {
    const AttrSpec* spec = info.findAttr(a.name);
    if (!spec) {
      error(a.nameLoc, fmt::format("'{}' has no attribute '{}'", info.name, a.name)), good = false;
      continue;
    }
    if (map.find(a.name)) {
      error(a.nameLoc, fmt::format("attribute '{}' is given twice", a.name)), good = false;
      continue;
    }
    if (a.emptyList && spec->kind == AttrKind::Floats) a.value = std::vector<double>{};
    if (attrKind(a.value) != spec->kind) {
      error(a.valueLoc, fmt::format("attribute '{}' of '{}' must be {}, got {}", a.name, info.name,
                                    attrKindName(spec->kind), attrKindName(attrKind(a.value))));
      good = false;
      continue;
    }
    map.set(a.name, std::move(a.value));
  }
  // An unknown attribute is likely a misspelled required one: say so only once.
  bool unknownAttr = std::any_of(n.attrs.begin(), n.attrs.end(), [&](const ParsedAttr& a) { return !info.findAttr(a.name); });
  for (const AttrSpec& spec : info.attrs)
    if (!unknownAttr && !spec.defaultValue && !map.find(spec.name))
      error(loc(n.op), fmt::format("'{}' requires attribute '{}'", info.name, spec.name)), good = false;
  return good;
}

// The written result types against the op's shape inference, reporting every mismatch; false when
// the op has another number of results than are named (the node cannot be defined).
bool Parser::checkInferredTypes(const ParsedNode& n, OpKind kind, const std::vector<ValueId>& ids, const AttrMap& map,
                                const std::vector<TensorType>& declared) {
  auto inferred = inferTypes(kind, g_.types(ids), map);
  if (!inferred) {
    std::string msg = inferred.error().message();
    std::string prefix = fmt::format("'{}'", n.op.raw);
    error(loc(n.op), msg.starts_with(prefix) ? msg : prefix + ": " + msg);
  } else if (inferred->size() != n.results.size()) {
    error(n.start, fmt::format("'{}' has {} result(s), but {} are named", n.op.raw, inferred->size(), n.results.size()));
    return false;
  } else {
    for (size_t i = 0; i < n.types.size(); ++i) {
      if (declared[i] == (*inferred)[i]) continue;
      std::string written = n.types[i].firstSymbol() ? n.types[i].str() + " (" + declared[i].str() + ")" : declared[i].str();
      error(n.types[i].loc, fmt::format("result type {} does not match the inferred type {}", written, (*inferred)[i].str()));
    }
  }
  return true;
}

bool Parser::output() {
  lex_.next();
  Token at = lex_.peek();
  auto name = plainName("an output name");
  if (!name || !expect(Tok::Equal, "'='")) return false;
  auto v = valueName();
  if (!v) return false;
  ValueId id = 0;
  if (!outputNames_.insert(*name).second) {
    error(loc(at), fmt::format("output '{}' is declared twice", *name));
    return true;
  }
  if (resolve(*v, id)) g_.addOutput(*name, id);
  return true;
}

// update %target = %value: after each run, the param or state %target holds %value.
bool Parser::update() {
  lex_.next();
  auto target = valueName();
  if (!target || !expect(Tok::Equal, "'='")) return false;
  auto v = valueName();
  if (!v) return false;
  ValueId t = 0, id = 0;
  bool good = resolve(*target, t);
  good = resolve(*v, id) && good;
  if (!good) return true;
  for (const Update& u : g_.updates)
    if (u.target == t) {
      error(target->loc, fmt::format("'%{}' is updated twice", target->name));
      return true;
    }
  ValueKind k = g_.value(t).kind;
  if (k != ValueKind::Param && k != ValueKind::State)
    error(target->loc, fmt::format("update target '%{}' must be a param or state", target->name));
  else if (g_.type(t) != g_.type(id))
    error(v->loc, fmt::format("'%{}' is {}, but '%{}' is {}", v->name, g_.type(id).str(), target->name, g_.type(t).str()));
  else
    g_.addUpdate(t, id);
  return true;
}

Result<Graph> Parser::run() {
  Loc header = loc(lex_.peek());
  if (!expectWord("graph")) return errors_;
  auto name = plainName("a graph name");
  if (!name || !expect(Tok::LBrace, "'{' after the graph name")) return errors_;
  g_.name = *name;
  {
    Parser scan(text_, file_, firstLine_, options_);
    dims_.emplace(options_, scan.scanInputs());
  }
  while (!tooMany_) {
    const Token& t = lex_.peek();
    if (t.is(Tok::Eof)) {
      errorAt(t, fmt::format("expected '}}' at the end of graph '{}'", g_.name));
      break;
    }
    if (t.is(Tok::RBrace)) {
      lex_.next();
      if (!lex_.peek().is(Tok::Eof)) errorAt(lex_.peek(), "unexpected " + describe(lex_.peek()) + " after the graph");
      break;
    }
    int line = t.line;
    bool good = statement();
    const Token& after = lex_.peek();
    if (good && !after.startsLine && !after.is(Tok::RBrace) && !after.is(Tok::Eof)) {
      errorAt(after, "expected the end of the statement, got " + describe(after));
      good = false;
    }
    // Recover at the next line that starts a token: statements never share a line.
    if (!good)
      while (!lex_.peek().is(Tok::Eof) && !(lex_.peek().startsLine && lex_.peek().line > line)) lex_.next();
  }
  for (const auto& [input, shape] : options_.inputShapes) {
    if (std::find(inputNames_.begin(), inputNames_.end(), input) != inputNames_.end()) continue;
    std::string names;
    for (const std::string& n : inputNames_) names += (names.empty() ? "" : ", ") + n;
    error(Loc{file_, 0, 0}, fmt::format("the model has no input '{}' ({})", input,
                                        names.empty() ? "it has no inputs" : "its inputs: " + names));
  }
  if (tooMany_) errors_.diags.push_back(Diag{Loc{file_, 0, 0}, "too many errors, giving up", ""});
  if (!errors_.diags.empty()) {
    errors_.code = ErrorCode::Parse;
    return errors_;
  }

  auto verified = verify(g_);
  if (!verified) {
    Error e = verified.takeError();
    for (Diag& d : e.diags) {
      if (!d.loc.known()) d.loc = header;
      d.sourceLine = sourceLine(d.loc.line);
    }
    return e;
  }
  return std::move(g_);
}

}  // namespace graphc::text

namespace graphc {

Result<Graph> parseGraph(std::string_view text, const std::string& filename, int firstLine,
                         const ParseOptions& options) {
  // The parser reports problems as values; this only guards against library exceptions such
  // as std::bad_alloc, so that nothing escapes across the frontend boundary.
  try {
    text::Parser p(text, filename, firstLine, options);
    return p.run();
  } catch (const std::bad_alloc&) {
    return Error(ErrorCode::OutOfMemory, "out of memory while parsing", Loc{filename, firstLine, 1});
  } catch (const std::exception& e) {
    return Error(ErrorCode::Internal, std::string("internal error while parsing: ") + e.what(), Loc{filename, firstLine, 1});
  }
}

std::vector<std::string> declaredInputNames(std::string_view text) {
  try {
    text::Parser scan(text, "", 1, {});
    std::vector<std::string> names;
    for (const text::InputDecl& d : scan.scanInputs()) names.push_back(d.name);
    return names;
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace graphc
