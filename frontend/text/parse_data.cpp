// Constant data of params and consts: an inline row-major list or an .npy side file.
#include <filesystem>
#include <fmt/format.h>

#include "frontend/text/literals.h"
#include "frontend/text/parser_impl.h"
#include "frontend/npy/npy.h"

namespace graphc::text {

// DATA: "[e0, e1, ...]" in row-major order, `zeros`, or `file "x.npy"` relative to the IR file.
bool Parser::data(Value& v, const Token& at) {
  if (at.isWord("zeros")) {
    lex_.next();
    v.data = Tensor(v.type);
    return true;
  }
  if (at.isWord("file")) {
    lex_.next();
    Token path = lex_.next();
    if (!path.is(Tok::String)) {
      errorAt(path, "expected a quoted path after 'file', got " + describe(path));
      return false;
    }
    std::filesystem::path p(path.str);
    if (p.is_relative() && !file_.empty()) p = std::filesystem::path(file_).parent_path() / p;
    auto loaded = readNpy(p.string());
    if (!loaded) {
      error(loc(path), fmt::format("cannot load \"{}\": {}", path.str, loaded.error().message()));
      return true;  // the statement itself is well formed
    }
    if (loaded->type() != v.type) {
      error(loc(path), fmt::format("\"{}\" holds {}, but the declared type is {}", path.str,
                                   loaded->type().str(), v.type.str()));
      return true;
    }
    v.data = std::move(*loaded);
    v.file = path.str;
    return true;
  }
  if (!expect(Tok::LBracket, "'[' or 'file'")) return false;
  std::vector<Token> elems;
  while (!lex_.peek().is(Tok::RBracket)) {
    if (!elems.empty() && !expect(Tok::Comma, "',' or ']' in the data")) return false;
    Token e = lex_.next();
    if (!e.is(Tok::Word)) {
      errorAt(e, "expected a number in the data, got " + describe(e));
      return false;
    }
    elems.push_back(std::move(e));
  }
  lex_.next();
  if ((int64_t)elems.size() != v.type.numel()) {
    error(loc(at), fmt::format("{} needs {} value(s), got {}", v.type.str(), v.type.numel(), elems.size()));
    return true;
  }
  v.data = Tensor(v.type);
  for (size_t i = 0; i < elems.size(); ++i) {
    std::string why;
    if (!storeElement(v.data, (int64_t)i, elems[i].raw, why)) {
      error(loc(elems[i]), fmt::format("bad {} value: {}", dtypeName(v.type.dtype), why));
      v.data = Tensor();
      return true;
    }
  }
  return true;
}

// After a rejected type: skips "= DATA", so that data spread over lines causes no further errors.
bool Parser::skipData() {
  if (!lex_.peek().is(Tok::Equal)) return false;
  lex_.next();
  if (lex_.peek().isWord("zeros")) return lex_.next(), true;
  if (lex_.peek().isWord("file")) {
    lex_.next();
    return lex_.next().is(Tok::String);
  }
  if (!lex_.peek().is(Tok::LBracket)) return false;
  while (!lex_.peek().is(Tok::RBracket) && !lex_.peek().is(Tok::Eof)) lex_.next();
  return lex_.next().is(Tok::RBracket);
}

}  // namespace graphc::text
