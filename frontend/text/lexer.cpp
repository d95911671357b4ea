// Lexer for the textual IR. Context-free on purpose: the parser decides what a Word means.
#include "frontend/text/lexer.h"

#include <fmt/format.h>

namespace graphc::text {

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '$' || c == '-';
}

// '+' only occurs in exponents ("1e+20"), so it joins words but never appears in bare names.
static bool isWordChar(char c) { return isNameChar(c) || c == '+'; }

static int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string quoteString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = (unsigned char)c;
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) out += fmt::format("\\{:02X}", u);
    else out += c;
  }
  return out + "\"";
}

std::string formatName(std::string_view name) {
  bool bare = !name.empty();
  for (char c : name) bare = bare && isNameChar(c);
  return bare ? std::string(name) : quoteString(name);
}

std::string describeChar(char c) {
  unsigned char u = (unsigned char)c;
  if (u < 0x20 || u >= 0x7f) return fmt::format("'\\x{:02X}'", u);
  return fmt::format("'{}'", c);
}

const Token& Lexer::peek() {
  if (!havePeek_) peeked_ = lex(), havePeek_ = true;
  return peeked_;
}

Token Lexer::next() {
  peek();
  havePeek_ = false;
  return std::move(peeked_);
}

void Lexer::skipSpaceAndComments() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '\n') {
      ++pos_, ++line_, lineStart_ = pos_;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++pos_;
    } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    } else {
      return;
    }
  }
}

bool Lexer::decodeQuoted(Token& t) {
  size_t start = pos_++;  // the opening quote
  std::string out;
  while (true) {
    if (pos_ >= text_.size() || text_[pos_] == '\n') {
      t.kind = Tok::Error;
      t.str = "unterminated string";
      t.raw = text_.substr(start, pos_ - start);
      return false;
    }
    char c = text_[pos_++];
    if (c == '"') break;
    if (c != '\\') {
      out += c;
      continue;
    }
    char e = pos_ < text_.size() ? text_[pos_] : '\0';
    if (e == '\\' || e == '"') out += e, ++pos_;
    else if (e == 'n') out += '\n', ++pos_;
    else if (e == 't') out += '\t', ++pos_;
    else if (pos_ + 1 < text_.size() && hexValue(e) >= 0 && hexValue(text_[pos_ + 1]) >= 0)
      out += (char)(hexValue(e) * 16 + hexValue(text_[pos_ + 1])), pos_ += 2;
    else {
      t.kind = Tok::Error;
      t.str = "invalid escape in string (use \\\\, \\\", \\n, \\t or \\HH)";
      t.col = (int)(pos_ - 1 - lineStart_) + 1;
      t.raw = text_.substr(start, pos_ - start);
      // Skip the rest of the string so lexing resumes after it.
      while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\n') ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '"') ++pos_;
      return false;
    }
  }
  t.str = std::move(out);
  t.raw = text_.substr(start, pos_ - start);
  return true;
}

Token Lexer::lex() {
  skipSpaceAndComments();
  Token t;
  t.line = line_;
  t.col = (int)(pos_ - lineStart_) + 1;
  t.startsLine = line_ != lastTokenLine_;
  lastTokenLine_ = line_;
  if (pos_ >= text_.size()) {
    t.kind = Tok::Eof;
    return t;
  }
  size_t start = pos_;
  char c = text_[pos_];
  auto punct = [&](Tok k) {
    ++pos_;
    t.kind = k;
    t.raw = text_.substr(start, 1);
    return t;
  };
  switch (c) {
    case '{': return punct(Tok::LBrace);
    case '}': return punct(Tok::RBrace);
    case '(': return punct(Tok::LParen);
    case ')': return punct(Tok::RParen);
    case '[': return punct(Tok::LBracket);
    case ']': return punct(Tok::RBracket);
    case ',': return punct(Tok::Comma);
    case ':': return punct(Tok::Colon);
    case '=': return punct(Tok::Equal);
    case '"':
      t.kind = Tok::String;
      decodeQuoted(t);
      return t;
    case '%': {
      ++pos_;
      t.kind = Tok::ValueName;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        if (decodeQuoted(t)) t.raw = text_.substr(start, pos_ - start);
        return t;
      }
      while (pos_ < text_.size() && isNameChar(text_[pos_])) ++pos_;
      t.raw = text_.substr(start, pos_ - start);
      t.str = std::string(t.raw.substr(1));
      if (t.str.empty()) t.kind = Tok::Error, t.str = "expected a name after '%'";
      return t;
    }
    default: break;
  }
  if (isWordChar(c)) {
    while (pos_ < text_.size() && isWordChar(text_[pos_])) ++pos_;
    t.kind = Tok::Word;
    t.raw = text_.substr(start, pos_ - start);
    return t;
  }
  ++pos_;
  t.kind = Tok::Error;
  t.raw = text_.substr(start, 1);
  t.str = "unexpected character " + describeChar(c);
  return t;
}

}  // namespace graphc::text
