// Lexer for the textual IR: turns text into tokens that carry their line and column.
#pragma once

#include <string>
#include <string_view>

#include "ir/diag.h"

namespace graphc::text {

enum class Tok {
  Word,       // a run of [A-Za-z0-9_.$+-]: keywords, op names, dtypes, numbers, bare names
  ValueName,  // %name or %"quoted name"; Token::str holds the name
  String,     // "..." with escapes resolved into Token::str
  LBrace, RBrace, LParen, RParen, LBracket, RBracket, Comma, Colon, Equal,
  Error,      // a lexing error; Token::str holds the message
  Eof,
};

struct Token {
  Tok kind = Tok::Eof;
  std::string_view raw;  // the token's source text
  std::string str;       // decoded name / string / error message
  int line = 0, col = 0;
  bool startsLine = false;  // no other token precedes it on its line

  bool is(Tok k) const { return kind == k; }
  bool isWord(std::string_view w) const { return kind == Tok::Word && raw == w; }
};

// Characters of an unquoted value, graph or output name.
bool isNameChar(char c);
// The name as written in text: bare when every character allows it, quoted otherwise.
std::string formatName(std::string_view name);
// A double-quoted string with \\ \" \n \t and \HH escapes.
std::string quoteString(std::string_view s);
// How an offending character is shown in messages: 'x' or '\xHH'.
std::string describeChar(char c);

class Lexer {
 public:
  Lexer(std::string_view text, int firstLine) : text_(text), line_(firstLine) {}

  const Token& peek();
  Token next();

 private:
  Token lex();
  void skipSpaceAndComments();
  bool decodeQuoted(Token& t);  // at the opening quote; fills t.str or makes t an Error

  std::string_view text_;
  size_t pos_ = 0;
  int line_;
  size_t lineStart_ = 0;
  int lastTokenLine_ = -1;
  bool havePeek_ = false;
  Token peeked_;
};

}  // namespace graphc::text
