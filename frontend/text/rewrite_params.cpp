// Trained weights back into the text of a graph file (see rewrite_params.h).
#include "frontend/text/rewrite_params.h"

#include <fmt/format.h>
#include <set>

#include "frontend/text/lexer.h"
#include "frontend/text/printer.h"

namespace graphc {

Result<std::string> replaceParamData(std::string_view text, const std::string& filename,
                                     const std::map<std::string, Tensor>& data) {
  struct Splice {
    size_t begin, end;
    std::string replacement;
  };
  std::vector<Splice> splices;
  std::set<std::string> found;
  text::Lexer lex(text, 1);
  auto offset = [&](const text::Token& t) { return (size_t)(t.raw.data() - text.data()); };
  auto where = [&](const text::Token& t) { return Loc{filename, t.line, t.col}; };
  for (text::Token t = lex.next(); !t.is(text::Tok::Eof) && !t.is(text::Tok::Error); t = lex.next()) {
    if (!t.startsLine || !t.isWord("param") || !lex.peek().is(text::Tok::ValueName)) continue;
    text::Token name = lex.next();
    auto it = data.find(name.str);
    if (it == data.end()) continue;
    while (!lex.peek().is(text::Tok::Equal) && !lex.peek().is(text::Tok::Eof) && !lex.peek().startsLine) lex.next();
    if (!lex.next().is(text::Tok::Equal)) return Error(fmt::format("param '%{}' has no data", name.str), where(name));
    text::Token first = lex.next(), last = first;
    if (first.isWord("file")) {
      last = lex.next();
    } else if (first.is(text::Tok::LBracket)) {
      while (!last.is(text::Tok::RBracket) && !last.is(text::Tok::Eof) && !last.is(text::Tok::Error)) last = lex.next();
    } else if (!first.isWord("zeros")) {
      return Error(fmt::format("param '%{}': expected its data after '='", name.str), where(first));
    }
    if (last.is(text::Tok::Eof) || last.is(text::Tok::Error))
      return Error(fmt::format("param '%{}': unterminated data", name.str), where(first));
    Value v;
    v.type = it->second.type();
    v.data = it->second;
    splices.push_back({offset(first), offset(last) + last.raw.size(), printData(v)});
    found.insert(name.str);
  }
  for (const auto& [name, tensor] : data)
    if (!found.count(name)) return Error(fmt::format("{}: no param '%{}' to write the trained data into", filename, name));
  std::string out;
  size_t pos = 0;
  for (const Splice& s : splices) {
    out.append(text.substr(pos, s.begin - pos));
    out += s.replacement;
    pos = s.end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace graphc
